/*
 * cmaes.h -- CMA-ES, the covariance matrix adaptation evolution strategy
 * (N. Hansen, "The CMA Evolution Strategy: A Tutorial", 2016), minimising.
 *
 * Default strategy parameters of the tutorial: lambda = 4 + floor(3 ln n),
 * mu = floor(lambda / 2), log-rank weights w_i ~ ln((lambda+1)/2) - ln i,
 * c_sigma, d_sigma, c_c, c_1, c_mu as in its Table 1, rank-one plus rank-mu
 * covariance update with the h_sigma stall, cumulative step-size adaptation.
 * C = B D^2 B^T is re-decomposed (cyclic Jacobi) whenever more than
 * lambda / ((c_1 + c_mu) n 10) evaluations have passed since the last time.
 *
 * Usage: x = cmaes_ask(c) gives lambda candidates; evaluate them; then
 * cmaes_tell(c, f).  All randomness comes from a counter-based generator in
 * the state, so a run is a pure function of (n, x0, sigma0, lambda, seed,
 * fitness values), and cmaes_save / cmaes_load between generations continue
 * a run bit-identically (doubles are written as hex floats).
 */
#ifndef CMAES_H
#define CMAES_H

#include <stdint.h>
#include <stdio.h>

#include "loom_status.h"

typedef struct cmaes cmaes;

/* A new run in n dimensions (1..1000) from mean x0 with step size sigma0
 * (> 0); lambda = 0 picks the default (lambda < 2 is refused).  Caller
 * frees with cmaes_free. */
loom_status cmaes_create(uint32_t n, const double *x0, double sigma0, uint32_t lambda,
                         uint64_t seed, cmaes **out, loom_err *e);
void cmaes_free(cmaes *c);

/* Samples the next generation: lambda rows of n doubles, owned by c and
 * valid until the next cmaes_ask / cmaes_tell. */
const double *cmaes_ask(cmaes *c);

/* Updates the distribution from the fitness values (lambda of them, lower
 * is better; NaN counts as +infinity) of the last cmaes_ask.  LOOM_E_ARG
 * when no ask is pending. */
loom_status cmaes_tell(cmaes *c, const double *fitness, loom_err *e);

uint32_t cmaes_dim(const cmaes *c);
uint32_t cmaes_lambda(const cmaes *c);
uint32_t cmaes_mu(const cmaes *c);
double cmaes_mueff(const cmaes *c);
uint64_t cmaes_generation(const cmaes *c); /* completed generations */
uint64_t cmaes_evals(const cmaes *c);      /* fitness values told */
double cmaes_sigma(const cmaes *c);
const double *cmaes_mean(const cmaes *c);  /* [n] */
/* Best candidate ever told and its fitness (+inf before the first tell). */
const double *cmaes_best(const cmaes *c, double *f);
/* Median fitness of the last generation told. */
double cmaes_median(const cmaes *c);
/* Ratio of the largest to the smallest eigenvalue of C (last decomposition). */
double cmaes_condition(const cmaes *c);

/* Writes the whole state (between generations) as text. */
loom_status cmaes_save(const cmaes *c, FILE *f, loom_err *e);
/* Reads a state written by cmaes_save; `name` is used in messages, which
 * name the line that is wrong. */
loom_status cmaes_load(FILE *f, const char *name, cmaes **out, loom_err *e);

#endif

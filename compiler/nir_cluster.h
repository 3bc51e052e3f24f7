/*
 * nir_cluster.h -- profile clustering for per-neuron theta, v_reset and
 * decays (nir_cluster.c; docs/nir.md "Profiles").  Internal to the NIR
 * front-end.
 */
#ifndef NIR_CLUSTER_H
#define NIR_CLUSTER_H

#include <stdint.h>

#include "nir_int.h"

/* prof[0..n-1] are one population's neuron profiles (equal reset and
 * shift; bias is ignored: it is per neuron).  *n_values gets the number of
 * distinct profiles; when it exceeds max_prof (> 0), the profiles are
 * clustered in place into at most max_prof distinct ones.  0, or -1 on OOM. */
int nir_cluster_profiles(seir_profile *prof, uint32_t n, uint32_t max_prof, int mode, uint32_t *n_values);

/* Modes 0..NIR_CL_MODES-1: bits 0-1 weigh the time constants 1, 1/4, 4,
 * 1/16 against theta and v_reset; bit 2 refines Ward's clusters by k-means
 * rounds. */
#define NIR_CL_MODES 8

/* budget[p] (n_pops entries): the most profiles population p may use so the
 * net needs at most g->max_profiles (0 = no limit: all budgets 0, meaning
 * unlimited).  0, or -1 on OOM. */
int nir_profile_budget(const nir_graph *g, const seir_arch *arch, uint32_t *budget);

/* Before quantising for a profile table (g->max_profiles): in every
 * spiking population (spike outputs only) whose distinct parameters exceed
 * its budget and whose v_reset / v_threshold ratio is one for all neurons,
 * each neuron's state is rescaled so that all share the layer's geometric
 * mean threshold (weights, constant input, v_leak and v_reset scale with
 * it; no spike of the float semantics changes).  Rewrites the lowered
 * graph; *n_pops_scaled counts the populations.  0, or -1 on OOM. */
int nir_cluster_normalise(nir_graph *g, const seir_arch *arch, uint32_t *n_pops_scaled);

#endif

/*
 * stim.h -- input stimuli for a run: where the per-step input values come from.
 *
 * A stim_src yields, for step t = 0, 1, ..., the nonzero input values of that
 * step as (channel, value) pairs.  Sources:
 *   - Poisson (stim_poisson): each channel independently and for every step
 *     draws from the portable counter-based generator of docs/inputs.md, so
 *     the same (seed, t, c) gives the same value in every tool and language;
 *   - sparse CSV files "step,channel,value" (docs/inputs.md);
 *   - the compact binary form ".lin" for long runs (docs/inputs.md).
 * Sources stream: a file is read incrementally, never whole.
 */
#ifndef STIM_H
#define STIM_H

#include <stdint.h>
#include <stdio.h>

#include "loom_status.h"
#include "seir.h"

typedef struct stim_event {
    uint32_t channel;
    int32_t value;
} stim_event;

typedef struct stim_src stim_src;

/* The portable generator: a 64-bit mix of (seed, t, c), see docs/inputs.md. */
uint64_t stim_hash(uint64_t seed, uint64_t t, uint32_t c);

/* The Poisson source: channel c fires at step t iff the top 53 bits of
 * stim_hash(seed, t, c) are below floor(rate * 2^53).  rate is a
 * probability per step in [0, 1].  A graded channel that fires carries the
 * low 16 bits of the same hash as a signed value (0 if they are zero). */
loom_status stim_poisson(const seir_net *net, double rate, uint64_t seed,
                         stim_src **out, loom_err *e);

/* A file source: ".lin" binary, otherwise CSV.  Channels and values are
 * checked against net (spike channels take 0/1, graded -32768..32767);
 * steps must not decrease.  "-" reads stdin as CSV. */
loom_status stim_open_file(const seir_net *net, const char *path, stim_src **out,
                           loom_err *e);

/* Events of step t into ev (room for max_ev; net->n_inputs is always enough).
 * Steps must be asked in increasing order; events come ordered by channel.  *n set to the number of events.
 * Errors (malformed line, ...) name the file and line. */
loom_status stim_next(stim_src *s, uint64_t t, stim_event *ev, uint32_t max_ev,
                      uint32_t *n, loom_err *e);

/* Last step that has any event in a file source (for a default --steps), or
 * UINT64_MAX when unknown (Poisson, stdin). */
uint64_t stim_last_step(const stim_src *s);

void stim_close(stim_src *s);

/* Writes events as a .lin binary file; see docs/inputs.md. */
typedef struct stim_writer stim_writer;
loom_status stim_writer_open(const char *path, uint32_t n_channels, stim_writer **out,
                             loom_err *e);
loom_status stim_writer_step(stim_writer *w, uint64_t t, const stim_event *ev,
                             uint32_t n, loom_err *e);
/* Writes the end record and closes; the file replaces an existing one of
 * that name only now, when complete (afile.h).  NULL is fine. */
loom_status stim_writer_close(stim_writer *w, loom_err *e);
/* Closes and throws the file away (a failed run); an existing file of that
 * name keeps its contents.  NULL is fine. */
void stim_writer_discard(stim_writer *w);

#endif

/*
 * ref.h -- the bit-exact reference model: the executable specification of
 * the machine model (docs/machine-model.md) and Loom's fast simulator.
 *
 * A ref_sim is created from a validated seir_net and owns a private,
 * compacted copy of everything it needs (CSR fan-out tables per source,
 * neurons grouped by level, the accumulator rings), so the net may be freed
 * afterwards.  ref_step never allocates.  All state lives in the ref_sim:
 * two sims never share anything, so they may run on different threads.
 *
 * Units: steps are timesteps (t = 0, 1, ...); i, v and ring values are the
 * machine's integers (S and A bits, sign-extended into int32_t).
 */
#ifndef REF_H
#define REF_H

#include <stdint.h>

#include "loom_status.h"
#include "seir.h"

typedef struct ref_sim ref_sim;

/* Builds a simulator for net, which must pass seir_validate (ref_create
 * re-checks levels and fails with LOOM_E_INVALID otherwise).  State starts
 * at t = 0 with the net's initial i, v and ring contents.  It also fails
 * with LOOM_E_INVALID, naming the element, on anything the step loop
 * relies on (arch and profile ranges, synapse endpoints, weights in W bits,
 * delays <= D, initial ring entries), and with LOOM_E_NOMEM.  It does not
 * re-run the accumulator proof: a net that can wrap simply wraps, exactly
 * as the machine would.  On failure *out is NULL. */
loom_status ref_create(const seir_net *net, ref_sim **out, loom_err *e);

/* A synapse stream for ref_create_stream: next() fills buf with up to cap
 * synapses and returns how many (0 at the end); rewind() goes back to the
 * first synapse.  ref_create_stream reads the stream several times, and
 * every pass must give the same synapses in the same order. */
typedef struct ref_syn_stream {
    void *ctx;
    size_t (*next)(void *ctx, seir_syn *buf, size_t cap);
    void (*rewind)(void *ctx);
} ref_syn_stream;

/* ref_create for a net whose synapses come from syn instead of net->syn
 * (which is ignored): the sim is built without the net's 16-byte synapse
 * list ever existing, so building needs little more memory than running
 * (about 5 bytes per synapse).  Same checks and errors as ref_create. */
loom_status ref_create_stream(const seir_net *net, const ref_syn_stream *syn, ref_sim **out,
                              loom_err *e);

/* Frees everything.  NULL is fine. */
void ref_destroy(ref_sim *sim);

/* Returns to t = 0 and the initial state; counters are zeroed. */
void ref_reset(ref_sim *sim);

/* Sets input channel c's value for the next ref_step (spike channels: 0 or
 * 1; graded channels: -32768..32767).  Values not set are 0; every value is
 * cleared again after the step.  Out-of-range c is ignored.  A spike
 * channel treats any nonzero value as 1; a graded value outside 16 bits is
 * saturated to -32768..32767.  Setting a channel twice keeps the last. */
void ref_set_input(ref_sim *sim, uint32_t c, int32_t value);

/* Runs timestep t = ref_time(sim) and advances to t + 1. */
void ref_step(ref_sim *sim);

/* Index of the next step to run (= steps run so far). */
uint64_t ref_time(const ref_sim *sim);

/* Neurons that spiked in the last step, ascending; *count set.  The array is
 * owned by the sim and valid until the next ref_step/ref_reset. */
const uint32_t *ref_spikes(const ref_sim *sim, uint32_t *count);

/* 1 if neuron n spiked in the last step (binary search of the list). */
int ref_spiked(const ref_sim *sim, uint32_t n);

/* State of neuron n after the last step (the initial state before the
 * first); 0 for n >= the number of neurons. */
int32_t ref_i(const ref_sim *sim, uint32_t n);
int32_t ref_v(const ref_sim *sim, uint32_t n);

/* Pending input of neuron n for step ref_time(sim) + k, k in 0..D (the
 * ring slot that step will read), wrapped to A bits; 0 when n or k is out
 * of range. */
int32_t ref_pending(const ref_sim *sim, uint32_t n, uint32_t k);

/* Counters since creation or the last reset. */
typedef struct ref_counters {
    uint64_t steps;          /* timesteps run */
    uint64_t syn_events;     /* synaptic events delivered (accumulator adds) */
    uint64_t neuron_updates; /* neuron updates (n_neurons per step) */
    uint64_t spikes;         /* neuron spikes */
} ref_counters;

void ref_get_counters(const ref_sim *sim, ref_counters *c);

/* Selects how neurons are updated: path 0 is the scalar code, 1 the
 * portable 8-lane vector code, 2 the same compiled for AVX2.  A request
 * falls back to what the arch and the CPU allow (vectors need S <= 20;
 * AVX2 needs the CPU feature).  ref_create picks the best (2).  All paths
 * give identical results (the tests run each); this exists for those
 * tests and for measurements.  Returns the path now in use. */
int ref_set_fast(ref_sim *sim, int path);

/* Runs the following steps on `threads` threads (the caller's thread and
 * threads - 1 workers started here; 1 stops the workers).  Neurons are
 * split into target blocks at ref_create (one block for small nets), each
 * thread updates and receives the deliveries of its own blocks, so the
 * results are identical for every thread count.  The count actually used is
 * min(threads, blocks); ref_threads reports it.  It allocates
 * 4 * (threads + 1) bytes a neuron and 4 * (threads + 1) + 1 an input
 * channel (counted by ref_memory_bytes).  ref_step returns once the
 * caller's thread has done its share; the other functions wait for the
 * workers where they need their results.  Fails with LOOM_E_ARG
 * for threads outside 1..REF_MAX_THREADS and LOOM_E_NOMEM/LOOM_E_IO when
 * threads cannot be started (the sim then runs on one thread). */
#define REF_MAX_THREADS 16
loom_status ref_set_threads(ref_sim *sim, uint32_t threads, loom_err *e);
uint32_t ref_threads(const ref_sim *sim);

/* Bytes the sim holds on the heap (for reports and benchmarks). */
size_t ref_memory_bytes(const ref_sim *sim);

#endif

/*
 * mapper.h -- placing a SEIR network onto the Loom core array and building
 * its runtime image (limg.h) and memory-init files.
 *
 * Placement: neurons are taken level by level (SEIR order inside a level)
 * and dealt round-robin over the cores, so every level is spread evenly
 * (the update phase of a level lasts as long as its fullest core), then
 * swapped between cores to split every source's synapses evenly
 * (map_balance.h).  Inside a core, slots are in level order, which is what
 * the core's level table needs (level l = slots [end(l-1), end(l))), and
 * inside a level by decreasing drive, the neurons most likely to spike
 * first (map_order.h).  A synapse lives in the core
 * of its target, in the run of synapse words of its source (the fan-out
 * index of that core maps the source id to the run).
 *
 * Capacity: map_net refuses (LOOM_E_CAPACITY) what does not fit, naming the
 * resource, the need and the limit, e.g. "core 2 needs 5,210 synapse words,
 * 4,096 available (it needs 3 cores of this size)"; it refuses (LOOM_E_INVALID) a net whose
 * arch does not match the build (S must be equal; W, A and D no larger)
 * and re-proves that no accumulator can wrap (seir_check_acc).
 *
 * Cycle model: map_predict_cycles gives the expected cycles of one step of
 * the RTL sequencer (rtl/loom_seq.v) from the activity (probability that a
 * source fires in a step) and the build's ring ports (port_cycles,
 * ring_rams); docs/rtl.md derives it.
 */
#ifndef MAPPER_H
#define MAPPER_H

#include <stdint.h>

#include "limg.h"
#include "loom_status.h"
#include "seir.h"

typedef struct map_result {
    limg *img;               /* runtime image (owned) */
    limg_arch arch;
    uint32_t n_neurons, n_inputs, n_levels;
    uint32_t fan;            /* fan-out entries = source ids */
    uint32_t *level_of;      /* [n_neurons] */
    uint32_t *core_used;     /* [cores] slots used */
    uint32_t *core_syn;      /* [cores] synapse words used */
    uint32_t *core_profiles; /* [cores] profiles used */
    uint32_t *lvl_count;     /* [cores * n_levels]: neurons of level l in core k at [k*n_levels+l] */
    uint32_t *fo_count;      /* [cores * fan]: synapse words of source id g in core k */
    uint32_t *fo_d0;         /* [cores * fan]: ... of them with delay 0 */
    uint32_t *in_low;        /* [cores * n_inputs]: 1 + the lowest slot channel c's delay-0
                              * synapses reach in core k, 0 when none (the cycle model) */
    uint64_t n_syn;          /* synapses placed */
    uint32_t port_cycles;    /* cycles per ring access pair: 1 [set by map_net], 2 for a
                                single-port build (LOOM_REG_SINGLE_PORT); read by
                                map_predict_cycles, set it before predicting */
    uint32_t ring_rams;      /* ring RAMs per core (LOOM_REG_RING_RAMS): D+1 when the build's
                                ring is banked by ring word, 1 [set by map_net] otherwise;
                                read by map_predict_cycles like port_cycles */
    double rate_gain_sd;     /* step-to-step swing of the firing: each step's neuron rates are
                                the given ones times one common gain of mean 1 and this
                                standard deviation (0 [set by map_net]: independent neurons);
                                read by map_predict_cycles */
} map_result;

/* v with a comma every three digits ("1,257,437") into buf (len >= 27 holds
 * any value); returns buf.  For the capacity messages. */
const char *map_thousands(uint64_t v, char *buf, size_t len);

/* Maps net onto arch.  net must be valid (seir_validate).  On success *out
 * is owned by the caller (map_free).  Errors: LOOM_E_ARG (bad arch),
 * LOOM_E_INVALID (net arch incompatible with the build, accumulator bound),
 * LOOM_E_CAPACITY (does not fit: resource, need, limit, suggestion),
 * LOOM_E_NOMEM. */
loom_status map_net(const seir_net *net, const limg_arch *arch, map_result **out, loom_err *e);

void map_free(map_result *m);

/* Global source id of slot `slot` of core `core` (inputs are 0..max_inputs-1). */
/* Profile entries the net needs in hardware: profiles that differ only in
 * bias share one (the bias is a per-slot word, LOOM_CORE_BIAS). */
uint32_t map_profile_classes(const seir_net *net);

/* [n_profiles]: for each profile the lowest profile index with the same
 * fields but the bias (its machine profile).  Malloc'd; NULL on OOM. */
uint32_t *map_profile_class(const seir_net *net);

uint32_t map_src_id(const limg_arch *a, uint32_t core, uint32_t slot);

/* Packs one synapse word (docs/memory-map.md): dst | w << NB | d << (NB+W). */
uint32_t map_syn_word(const limg_arch *a, uint32_t dst_slot, int32_t w, uint32_t d);

/* Expected cycles of one timestep: input_rate is the probability that an
 * input channel carries a nonzero value in a step; neuron_rate[n] (or
 * default_rate for every neuron when NULL) that neuron n spikes, scaled
 * per step by a gain of standard deviation m->rate_gain_sd (a network
 * whose activity swings from step to step is slower than a steady one of
 * the same mean rate, since a step's cycles grow faster than linearly with
 * its spikes).  Units: clock cycles of loom_array, counted as CYCLES_LAST
 * counts them; -1 when out of memory. */
double map_predict_cycles(const map_result *m, double input_rate, const double *neuron_rate,
                          double default_rate);

/* Writes $readmemh files for baking the image into a bitstream: for every
 * core k and memory M one file DIR/coreK_M.hex with one hex word per line,
 * full memory depth (M = lvl, pidx, i, v, ring, fanout (fan + 1
 * entries), syn, prof), plus DIR/regs.hex (N_LEVELS).  LOOM_E_IO names the file. */
loom_status map_write_readmemh(const map_result *m, const char *dir, loom_err *e);

#endif

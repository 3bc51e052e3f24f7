/*
 * map_balance.h -- placement that spreads every source's synapses evenly
 * over the cores of an array.
 *
 * The array broadcasts a spike to every core and each core delivers the
 * synapses of the spike that target its own neurons, one word per cycle;
 * a level ends with the busiest core.  With the round-robin deal a spike's
 * targets split over the cores like a multinomial draw (bench-1k on 4
 * cores: 25 +- 4.3 words a core), so in every step one core works ~20
 * cycles longer than the mean.  map_balance swaps neurons between cores to
 * make, for every source (neuron or input channel), its synapse count in
 * each core as even as it can: it minimises sum over sources s and cores k
 * of c[s][k]^2 (c[s][k] the synapses from s to neurons in core k; the sum
 * over k of c[s][k] is fixed, so this is the spread around the mean).
 * Sources with fewer than 4K synapses are left out: their words are few and
 * their spread costs a cycle or two, and the cycle model (mapper.h)
 * over-predicts the many short levels of such sparse nets more once they
 * are spread (a 2-core net of fan-out ~3 went from +4.0 % to +5.7 %).
 *
 * Only neurons of the same level and the same machine profile change
 * places, so every core keeps its slots per level and its profile table; a
 * swap that would put more synapses in a core than syn_words is not made.
 * Deterministic (no random numbers); the work is bounded by a fixed number
 * of passes over the synapses.
 */
#ifndef MAP_BALANCE_H
#define MAP_BALANCE_H

#include <stdint.h>

#include "loom_status.h"
#include "seir.h"

/* Improves core_of[n_neurons] (a placement on K cores, every core's
 * synapses within syn_words) in place.  level_of gives each neuron's
 * level, pcls[n_profiles] the machine profile of each profile
 * (map_profile_class).  LOOM_OK, or LOOM_E_NOMEM (core_of unchanged). */
loom_status map_balance(const seir_net *net, const uint32_t *level_of, const uint32_t *pcls, uint32_t K,
                        uint32_t syn_words, uint32_t *core_of, loom_err *e);

#endif

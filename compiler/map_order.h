/*
 * map_order.h -- the order of the slots within a level: the neurons most
 * likely to spike first.
 *
 * With a dual-port ring a level's deliveries overlap its update: a spike
 * goes out as soon as the update has written it, and the cores' delivery
 * pipelines, the array's bottleneck on busy nets, wait for the first spike
 * of the level (and after the input phase of the first level, for the
 * update to reach one).  The order of the slots inside a level is free
 * (docs/machine-model.md, "Levels"), so the mapper puts the neurons with
 * the strongest static drive first: the sum of the weights of the
 * neuron's incoming synapses (every source taken as active alike), times
 * 2^shift of its profile, over its threshold (theta <= 0 counts as 1);
 * neurons whose profile never spikes (reset none) go last; ties keep the
 * SEIR order.  On bench-1k the first spike of a step then comes ~10 slots
 * earlier (docs/performance.md, "Array throughput").
 *
 * Levels of fewer than MAP_ORDER_MIN_SLOTS neurons per core keep the SEIR
 * order.  The update crosses such a level within about the latency from a
 * slot to its first delivered word (13 cycles), so the order gains a few
 * cycles at most, and bunching the spikes at the level's start queues them
 * on the router's one spike per cycle for the whole array, which the cycle
 * model (mapper.h) does not count: on a 4-core random net of 8 levels of
 * ~4 slots a core the measured step went from 126.1 to 122.5 cycles but
 * the prediction from 121.4 to 110.2 (-10 %).
 */
#ifndef MAP_ORDER_H
#define MAP_ORDER_H

#include <stdint.h>

#include "loom_status.h"
#include "seir.h"

#define MAP_ORDER_MIN_SLOTS 32

/* order[0..n_neurons) holds the neurons sorted by level (level_of);
 * reorders each level's run of at least MAP_ORDER_MIN_SLOTS * cores
 * neurons by decreasing drive (above), stably.  LOOM_OK, or LOOM_E_NOMEM
 * (order unchanged). */
loom_status map_order_by_drive(const seir_net *net, const uint32_t *level_of, uint32_t cores, uint32_t *order,
                               loom_err *e);

#endif

/*
 * ctrl_link.h -- the link-backed controller backend: the controller network
 * (ctrl.h) runs on a board or a virtual board behind the host link
 * (host.h), one timestep per control period.
 *
 * ctrl_link_open maps the network for the arch the board reports, resets
 * the board and loads the image.  Each backend step is ONE exchange with
 * the board (loom_host_step_read): the graded input values go in as input
 * events, one step runs, and the same frame brings back the spike words of
 * every core (for the raster) and the v of the read-out neurons.
 *
 * With verify on, a reference model of the same network runs in lockstep
 * on the same inputs and every step's read-outs and spikes are compared:
 * a difference stops the flight with LOOM_E_INTERNAL naming the step, the
 * output or neuron and both values, so a flight that completes is exactly
 * the reference model's flight.
 */
#ifndef CTRL_LINK_H
#define CTRL_LINK_H

#include <stdint.h>

#include "ctrl.h"
#include "host.h"
#include "limg.h"
#include "loom_status.h"
#include "seir.h"

#define CTRL_LINK_MAX_OUT 8

typedef struct ctrl_link {
    loom_host *h;                        /* not owned */
    limg_arch arch;                      /* the board's */
    uint32_t n_neurons, n_inputs, n_out;
    uint32_t *core_of, *slot_of;         /* [n_neurons] placement (owned) */
    uint32_t v_addr[CTRL_LINK_MAX_OUT];  /* word address of each read-out's v */
    uint32_t out_words;                  /* spike words per core */
    uint32_t *words;                     /* [cores * out_words] last step's spike words */
    uint32_t *spk, n_spk;                /* last step's spiking neurons, ascending */
    uint32_t *ev;                        /* [n_inputs] event words */
    int32_t *in_max;                     /* NULL or [n_inputs] declared graded bounds (0: none) */
    uint64_t steps;                      /* steps run */
    int verify;
    int read_spikes;                     /* 1 (open's default): read the spike words each step;
                                            0: only the read-outs' v (fewer bytes per period; the
                                            backend reports no spikes, verify checks v only) */
    ctrl_ref shadow;                     /* the lockstep reference model (verify) */
    int32_t *shadow_out;
} ctrl_link;

/* Maps net (valid, at most CTRL_LINK_MAX_OUT outputs, all of kind v) for
 * h's board, resets the board and loads the image.  A net that does not fit
 * the board is LOOM_E_CAPACITY / LOOM_E_INVALID with the mapper's message
 * (resource, need, limit) prefixed by the board's arch; link errors pass
 * through.  h must outlive l; the net may be freed after open.  verify:
 * compare every step with a lockstep reference model (see above).  On
 * failure l is left closed (ctrl_link_close is still safe). */
loom_status ctrl_link_open(loom_host *h, const seir_net *net, int verify, ctrl_link *l,
                           loom_err *e);

/* Frees what open allocated (not the host); zeroed or closed l is fine. */
void ctrl_link_close(ctrl_link *l);

/* The backend view of l (l must outlive it).  step pushes the n_in input
 * values (n_in <= the net's inputs, else LOOM_E_ARG), runs one step on the
 * board and returns the first n_out read-out v values; spikes gives the
 * neurons (SEIR numbering, ascending) that spiked in that step. */
ctrl_backend ctrl_link_backend(ctrl_link *l);

#endif

/*
 * cli_boardcheck.h -- one model on a virtual board against the reference
 * model: the board's RTL (UART, link, command unit, array; sim/vboard.h) is
 * served on a pseudo-terminal by a thread of this process (cli_vbthread.h),
 * the host driver (sw/host.h) compiles the model for the arch the board
 * reports, maps and loads it, and runs one step per exchange with Poisson
 * inputs (stim.h); after every step the board's spike words of every neuron
 * are compared with the reference model's spikes.  The same check as
 * `loom run --check` on `loom vboard`, reduced to its first divergence.
 */
#ifndef CLI_BOARDCHECK_H
#define CLI_BOARDCHECK_H

#include <stdint.h>

#include "cli_lockstep.h"
#include "loom_status.h"

/* Runs model file `path` for `steps` steps on virtual board `board` (a name
 * of vboard_config_name) with Poisson rate and seed.  A model the board
 * cannot take fails with LOOM_E_CAPACITY / LOOM_E_INVALID (the mapper's
 * reason).  Returns LOOM_OK whether or not the board and the reference
 * agree: r->diverged and field "spike" (ref / rtl 0 or 1) say. */
loom_status cli_boardcheck(const char *path, const char *board, uint64_t steps, double rate, uint64_t seed,
                           cli_lockstep_result *r, loom_err *e);

#endif

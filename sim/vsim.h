/*
 * vsim.h -- the Verilator model of the Loom array behind a plain C API.
 *
 * `make` verilates rtl/loom_array.v once per arch config listed in
 * sim/sim.mk (Verilator fixes parameters at build time) and links every
 * model into libloom users (build/bin/loom); vsim_open picks one by name.
 * A vsim is one simulated array with its own clock: everything goes
 * through the array's host bus (bus_* ports) exactly as the link's command
 * unit drives it, so the harness exercises the real register map.
 *
 * Units: cycles are clock cycles of clk_i; addresses are bus word
 * addresses (hls_ref/loom_map.h); values are sign-extended machine
 * integers.  Errors are values: calls return a loom_status and fill e.
 * A vsim is not thread-safe; separate vsims are independent.
 */
#ifndef VSIM_H
#define VSIM_H

#include <stdint.h>

#include "limg.h"
#include "loom_status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vsim vsim;

/* Arch configs built into this binary: count and names ("c1", "c4", ...). */
unsigned vsim_config_count(void);
const char *vsim_config_name(unsigned i);

/* Opens a fresh model of config `name`, applies reset and reads its arch
 * parameters from the ID/ARCH registers (checking ID = "LOOM").
 * LOOM_E_ARG lists the known configs for an unknown name.  *out owned by
 * the caller (vsim_close). */
loom_status vsim_open(const char *name, vsim **out, loom_err *e);

/* Closes (and finishes any trace).  NULL is fine. */
void vsim_close(vsim *s);

/* The config's name and arch (valid until vsim_close). */
const char *vsim_name(const vsim *s);
const limg_arch *vsim_arch(const vsim *s);

/* One bus read / write; LOOM_E_TIMEOUT when the array does not answer
 * within 10^8 cycles (a hung model). */
loom_status vsim_read(vsim *s, uint32_t addr, uint32_t *val, loom_err *e);
loom_status vsim_write(vsim *s, uint32_t addr, uint32_t val, loom_err *e);

/* Replays every segment of img as bus writes after checking that img was
 * built for this config (limg_check_arch). */
loom_status vsim_load(vsim *s, const limg *img, loom_err *e);

/* Pushes one input event (channel, value != 0) for the next step to start. */
loom_status vsim_input(vsim *s, uint32_t channel, int32_t value, loom_err *e);

/* Runs n steps and returns once the array is idle again.  LOOM_E_TIMEOUT
 * when it does not finish within max_cycles (0 = 10^9). */
loom_status vsim_step(vsim *s, uint32_t n, uint64_t max_cycles, loom_err *e);

/* Spike bit of (core, slot) in the last finished step: reads the output
 * word (cached per step: a second slot of the same word costs nothing). */
loom_status vsim_spiked(vsim *s, uint32_t core, uint32_t slot, int *spiked, loom_err *e);

/* i and v of (core, slot), read from the core's state memory. */
loom_status vsim_state(vsim *s, uint32_t core, uint32_t slot, int32_t *i, int32_t *v, loom_err *e);

/* Pending input of (core, slot) for step t + k (k = 0..D), t = steps done. */
loom_status vsim_pending(vsim *s, uint32_t core, uint32_t slot, uint32_t k, int32_t *val,
                         loom_err *e);

/* Clock cycles simulated since vsim_open. */
uint64_t vsim_cycles(const vsim *s);

/* Starts writing an FST waveform of every following cycle to path;
 * vsim_trace_close ends it (vsim_close does too). */
loom_status vsim_trace_open(vsim *s, const char *path, loom_err *e);
void vsim_trace_close(vsim *s);

#ifdef __cplusplus
}
#endif

#endif

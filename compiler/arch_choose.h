/*
 * arch_choose.h -- the arch config of a build chosen from its model
 * (`loom build --board B MODEL`, `loom compile MODEL --board B`).
 *
 * A candidate is a set of widths (W, S, A) from a ladder ordered by cost,
 * with the table sizes (D, neurons, synapse words, profiles, levels, input
 * channels) shrunk to what the model compiled at those widths needs,
 * rounded to powers of two (the RTL takes any size; powers of two are what
 * its memories are built from).  A candidate is kept when the model's
 * agreement with its float reference reaches the target (measured by the
 * caller's arch_measure_fn, as `loom compile --report` measures it) and
 * the array it describes fits the part (arch_fits: block RAM, SPRAM, DSP
 * and logic estimated from the RTL's memory layout, docs/boards.md "What
 * limits the icebreaker").
 *
 * The rule: the board's generic arch when it reaches the target and holds
 * the model (its generic bitstream serves: no synthesis, and loom run on
 * the generic virtual board runs the same machine); otherwise the first
 * candidate of the ladder that reaches the target and fits; when none
 * does, an error naming the best agreement reached and what ran out.
 * Models without an agreement (AIGER, Verilog, SEIR): the generic arch
 * when it holds them; else, when every neuron is memoryless
 * (arch_exact_widths), the narrowest widths that run the model exactly,
 * with the tables shrunk to it and D and A raised where that moves the
 * ring into SPRAM (the cheapest fit in block RAM); else the tables shrunk
 * at the model's own widths.
 * A forced arch (--arch) is taken as it is, with the tables shrunk.
 * Firmware boards (the icestick) run one arch: theirs.
 *
 * Nothing here prints; the choice and its reasons are in arch_choice.
 */
#ifndef ARCH_CHOOSE_H
#define ARCH_CHOOSE_H

#include <stddef.h>
#include <stdint.h>

#include "board.h"
#include "loom_status.h"
#include "seir.h"

#define ARCH_CHOOSE_TARGET 0.99

/* Resources of one build of the array on a board's part (the array, the
 * link and the boot ROM).  Logic is an estimate (logic cells), the rest
 * counted from the RTL's memories. */
typedef struct arch_res {
    uint32_t bram, spram, dsp, luts;
} arch_res;

/* What the array of c needs on board b's device. */
void arch_resources(const board_info *b, const arch_config *c, arch_res *r);

/* 1 when c fits board b's part (r, when not NULL, gets the figures);
 * 0 when not, with every resource that ran out in why ("block RAM 32 > 30;
 * SPRAM 6 > 4"). */
int arch_fits(const board_info *b, const arch_config *c, arch_res *r, char *why, size_t len);

/* Block RAMs (4 Kbit: 256x16, 512x8, 1024x4, 2048x2) that a depth x width
 * memory takes, and SPRAMs (16K x 16). */
uint32_t arch_ebr_blocks(uint32_t depth, uint32_t width);
uint32_t arch_spram_blocks(uint32_t depth, uint32_t width);

/* What a model needs of an array (per core, on the board's core count). */
typedef struct arch_need {
    uint32_t neurons, syn_words, profiles, levels, inputs, max_delay;
} arch_need;

/* The needs of net on `cores` cores at net's widths (map_net on a roomy
 * config).  LOOM_E_CAPACITY when no table size holds it, naming the limits. */
loom_status arch_need_of(const seir_net *net, uint32_t cores, arch_need *n, loom_err *e);

/* The config of board b at widths w with the tables shrunk to n. */
void arch_shrink(const board_info *b, const seir_arch *w, const arch_need *n, arch_config *out);

/* The narrowest widths at which net runs exactly as compiled: every neuron
 * memoryless (a_syn = a_mem = 0, as the AIGER and Verilog lowerings make
 * them), so that no weight, accumulator, i or v can reach the range of
 * those widths (no wrap, no saturation) and the run is the same bit for
 * bit at any wider ones.  Returns 1 with *w (D kept) and a note in why
 * ("weights up to 1, states within +-4, ..."), 0 when some neuron keeps
 * state from step to step (why says which), -1 on OOM.  S and A are at
 * least ARCH_EXACT_MIN_S / _A, W at least 2. */
#define ARCH_EXACT_MIN_S 4
#define ARCH_EXACT_MIN_A 4
int arch_exact_widths(const seir_net *net, seir_arch *w, char *why, size_t len);

/* The widths ladder, cheapest first: arch_ladder_count() entries. */
unsigned arch_ladder_count(void);
seir_arch arch_ladder_at(unsigned i);

/* Compiles the model at widths a (D as given) and returns its net in *net
 * (owned by the callee; valid until the next call) and its agreement in
 * *agreement (< 0: the model has none, e.g. AIGER). */
typedef loom_status (*arch_measure_fn)(void *ctx, const seir_arch *a, const seir_net **net,
                                       double *agreement, loom_err *e);

typedef struct arch_choice {
    arch_config cfg;         /* the chosen config (cfg.name "generic" or "chosen") */
    int generic;             /* 1: the board's generic arch (its generic bitstream) */
    int forced;              /* 1: --arch */
    double target;           /* agreement target */
    double agreement;        /* at the chosen arch; < 0: none (AIGER/SEIR) */
    int have_smaller;        /* a smaller candidate was tried and lost */
    seir_arch smaller;       /* ... its widths */
    double smaller_agreement;
    char smaller_why[160];   /* why it lost: "agreement 0.863 < 0.99", "block RAM 32 > 30" */
    arch_need need;
    arch_res used, total;    /* used by the chosen config; the part's totals */
    unsigned tried;          /* candidates measured */
    char reason[512];        /* one line: why this config */
} arch_choice;

/* Chooses as above.  forced: NULL, or widths to take as they are.  On
 * LOOM_E_CAPACITY (nothing fits, or nothing reaches the target), e names
 * the best agreement reached, at which widths, and the resource that ran
 * out. */
loom_status arch_choose(const board_info *b, double target, const seir_arch *forced,
                        arch_measure_fn fn, void *ctx, arch_choice *out, loom_err *e);

/* "W=12 S=20 A=24 D=15 neurons=1024 syn=16384 profiles=16 levels=256 inputs=128" */
char *arch_config_str(const arch_config *c, char *buf, size_t len);

#endif

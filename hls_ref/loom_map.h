/*
 * loom_map.h -- THE host-visible register and memory map of the Loom array
 * (rtl/loom_array.v), the single source that the RTL, the mapper, the
 * Verilator harness, the link's command unit and docs/memory-map.md agree
 * on.  rtl/loom_map.vh is generated from this file (rtl/gen_map_vh.sh) and
 * a test checks that the two are identical.
 *
 * The bus is word-addressed: 24-bit word addresses, 32-bit words.  Every
 * LOOM_MAP_* macro below is a plain integer constant (no casts) so the
 * Verilog generator can copy it.
 *
 *   0x000000..0x000FFF  registers (LOOM_REG_*)
 *   0x002000..0x002FFF  output spike words of the last finished step:
 *                       core k, word j at LOOM_MAP_OUT_BASE + (k << 8) + j,
 *                       bit b of word j = slot 32*j + b spiked
 *   LOOM_MAP_CORE_BASE(k) = 0x080000 * (k + 1), k < LOOM_MAP_MAX_CORES:
 *                       the memories and registers of core k, 8 regions of
 *                       0x10000 words (LOOM_CORE_*).
 * Unmapped addresses read 0 and ignore writes.
 */
#ifndef LOOM_MAP_H
#define LOOM_MAP_H

#define LOOM_MAP_ID_VALUE 0x4C4F4F4D /* "LOOM" */
#define LOOM_MAP_RTL_VERSION 3 /* 3: per-neuron bias words (region 7), no profile bias */

/* ---- registers ---- */
#define LOOM_REG_ID 0x000          /* R: LOOM_MAP_ID_VALUE */
#define LOOM_REG_VERSION 0x001     /* R: LOOM_MAP_RTL_VERSION */
#define LOOM_REG_ARCH_W 0x002      /* R: weight bits W */
#define LOOM_REG_ARCH_S 0x003      /* R: state bits S */
#define LOOM_REG_ARCH_A 0x004      /* R: accumulator bits A */
#define LOOM_REG_ARCH_D 0x005      /* R: max delay D */
#define LOOM_REG_CORES 0x006       /* R: cores K */
#define LOOM_REG_NEURONS 0x007     /* R: neuron slots per core N */
#define LOOM_REG_SYN_WORDS 0x008   /* R: synapse words per core */
#define LOOM_REG_PROFILES 0x009    /* R: profiles per core */
#define LOOM_REG_MAX_INPUTS 0x00A  /* R: input channels (source ids below it) */
#define LOOM_REG_FANOUT 0x00B      /* R: source ids per core (the fan-out index has one entry more) */
#define LOOM_REG_LEVELS_MAX 0x00C  /* R: level table entries per core */
#define LOOM_REG_RING_LOG2 0x00D   /* R: log2 of the ring stride (max(1, ceil(log2(D+1)))) */
#define LOOM_REG_SINGLE_PORT 0x00E /* R: 1 when ring and synapses are single-port RAM (2 cycles per neuron / event) */
#define LOOM_REG_RING_RAMS 0x00F   /* R: ring RAMs per core: D+1 when banked by ring word (deliveries overlap updates), else 1 */
#define LOOM_REG_CTRL 0x010        /* W: add N steps to run; R: steps pending */
#define LOOM_REG_STATUS 0x011      /* R: STATUS_* bits; W: 1 bits clear the sticky flags */
#define LOOM_REG_TIME 0x012        /* R: steps done; W (idle only): any value sets t = 0 */
#define LOOM_REG_CYCLES_LAST 0x013 /* R: cycles of the last finished step */
#define LOOM_REG_CYCLES_MAX 0x014  /* R: most cycles of any step; W: clear */
#define LOOM_REG_BUDGET 0x015      /* RW: cycle budget per step, 0 = none */
#define LOOM_REG_OVERRUNS 0x016    /* R: steps that exceeded the budget */
#define LOOM_REG_N_LEVELS 0x017    /* RW: levels the sequencer runs each step */
#define LOOM_REG_EVENTS_LAST 0x018 /* R: synaptic events delivered in the last step */
#define LOOM_REG_SPIKES_LAST 0x019 /* R: neuron spikes in the last step */
#define LOOM_REG_INPUT 0x020       /* W: push input event (value << 16 | channel) for the next step; R: events pushed */

#define LOOM_STATUS_BUSY 0x1        /* a step runs or is pending */
#define LOOM_STATUS_OVERRUN 0x2     /* sticky: a step exceeded BUDGET */
#define LOOM_STATUS_IN_READY 0x4    /* no step pending: INPUT writes go to the next step to start */
#define LOOM_STATUS_IN_OVERFLOW 0x8 /* sticky: an INPUT push found the list full (dropped) */

/* ---- output spike words ---- */
#define LOOM_MAP_OUT_BASE 0x002000
#define LOOM_MAP_OUT_CORE_SHIFT 8  /* 256 words = 8192 slots per core */

/* ---- cores ---- */
#define LOOM_MAP_MAX_CORES 16
#define LOOM_MAP_CORE_SPAN 0x080000
#define LOOM_MAP_CORE_BASE(k) (LOOM_MAP_CORE_SPAN * ((k) + 1))
#define LOOM_MAP_REGION_SHIFT 16   /* region = (core offset >> 16) & 7 */

#define LOOM_CORE_MISC 0x00000     /* region 0: core registers, profiles, levels */
#define LOOM_CORE_N_USED 0x00000   /* RW: slots in use (0..N); spike words end there */
#define LOOM_CORE_PROFILE 0x00100  /* RW: profile p field f at + p*8 + f (p < 32) */
#define LOOM_CORE_LEVEL 0x08000    /* RW: level l at + l: end slot (exclusive) of level l */
#define LOOM_CORE_I 0x10000        /* RW: i of slot s at + s (S bits, sign-extended) */
#define LOOM_CORE_V 0x20000        /* RW: v of slot s */
#define LOOM_CORE_PIDX 0x30000     /* RW: profile index of slot s */
#define LOOM_CORE_RING 0x40000     /* RW: ring slot r of slot s at + (s << RING_LOG2) + r (A bits, sign-extended) */
#define LOOM_CORE_FANOUT 0x50000   /* RW: fan-out entry e = 0..FANOUT at + e: 1 + first synapse word of source id e, 0 = not given */
#define LOOM_CORE_SYN 0x60000      /* RW: synapse word j: dst | w << NB | d << (NB+W), NB = ceil(log2 N) */
#define LOOM_CORE_BIAS 0x70000     /* RW: bias of slot s at + s (S bits, sign-extended); single-port builds write it in pairs like synapse words */

/* Profile fields (LOOM_CORE_PROFILE + p*8 + field). */
#define LOOM_PF_A_SYN 0
#define LOOM_PF_A_MEM 1
#define LOOM_PF_THETA 2
#define LOOM_PF_V_RESET 3
#define LOOM_PF_RESET 4            /* 0 zero, 1 subtract, 2 none */
#define LOOM_PF_SHIFT 5            /* -16..15, 5-bit two's complement */
#define LOOM_PF_BIAS 6             /* unused since RTL version 3 (reads 0): the bias is per slot, LOOM_CORE_BIAS */
#define LOOM_PF_WORDS 8

/* Global source ids: input channel c is c; slot s of core k is
 * MAX_INPUTS + k*N + s; FANOUT = MAX_INPUTS + K*N of them.  The fan-out
 * index of a core has FANOUT + 1 entries E[0..FANOUT] (CSR, plus one):
 * source g owns the synapse words [E[g] - 1, E[g+1] - 1) when E[g] != 0 and
 * E[g+1] > E[g], and none otherwise, so a loader may leave every entry 0
 * that is not next to a source with synapses. */

#endif

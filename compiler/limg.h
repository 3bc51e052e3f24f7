/*
 * limg.h -- the Loom runtime image: everything a host writes into an array
 * (rtl/loom_array.v) through its bus to run one network, plus what it needs
 * to read results back.  The mapper (mapper.h) builds one; limg_write /
 * limg_read store it as a `.limg` file (docs/limg.md); the Verilator harness
 * and the link's host driver replay its segments as bus writes.
 *
 * Contents: the arch config the image was built for (a build with any other
 * config must refuse it: limg_check_arch), segments of consecutive bus
 * words (word address, count, words), the neuron -> (core, slot) map and
 * the output list.  The file is little-endian, versioned and ends with a
 * CRC-32 (IEEE 802.3) of everything before it.
 *
 * Ownership: a limg owns all its arrays; limg_free releases them.
 */
#ifndef LIMG_H
#define LIMG_H

#include <stddef.h>
#include <stdint.h>

#include "loom_status.h"
#include "seir.h"

#define LIMG_MAGIC 0x474D494Cu /* "LIMG" little-endian */
#define LIMG_VERSION 3 /* 2: CSR fan-out index (no count words); 3: per-slot bias words (RTL version 3) */

/* The arch config of an array build: the Verilog parameters of loom_array
 * (W, S, A, D; K cores; per core N slots, synapse words, profiles, level
 * entries; input channels).  There are max_inputs + cores * neurons
 * global source ids; the fan-out index of a core has one entry more. */
typedef struct limg_arch {
    seir_arch arch;      /* W, S, A, D */
    uint32_t cores;      /* K, 1..16 */
    uint32_t neurons;    /* neuron slots per core, 2..8192 */
    uint32_t syn_words;  /* synapse words per core, 2..65536 */
    uint32_t profiles;   /* profile entries per core, 1..32 */
    uint32_t levels;     /* level table entries per core, 1..32768 */
    uint32_t max_inputs; /* input channels, 1..65536 */
} limg_arch;

/* Checks the ranges above and the packing rules of the map (a synapse word
 * dst|w|d fits 32 bits, the ring fits its region); message names the field. */
loom_status limg_arch_check(const limg_arch *a, loom_err *e);

/* Bits of a slot index: ceil(log2 N), at least 1. */
uint32_t limg_slot_bits(const limg_arch *a);

/* log2 of the ring stride: max(1, ceil(log2(D+1))). */
uint32_t limg_ring_log2(const limg_arch *a);

/* Global source ids: max_inputs + cores * neurons (the fan-out index of a
 * core has this many entries plus one, docs/memory-map.md). */
uint32_t limg_fanout_entries(const limg_arch *a);

/* Writes "W=8 S=16 A=24 D=15 cores=1 neurons=256 ..." into buf. */
char *limg_arch_str(const limg_arch *a, char *buf, size_t len);

/* 0 when a and b are the same config. */
int limg_arch_cmp(const limg_arch *a, const limg_arch *b);

typedef struct limg_seg {
    uint32_t addr;  /* first word address (24 bits) */
    uint32_t count; /* words */
    size_t off;     /* index of the first word in limg.words */
} limg_seg;

typedef struct limg {
    limg_arch arch;
    uint32_t n_neurons, n_inputs, n_levels;
    uint32_t *core_of, *slot_of; /* [n_neurons] placement of SEIR neuron n */
    uint32_t n_outputs;
    uint32_t *out_neuron;        /* [n_outputs] SEIR neuron */
    uint32_t *out_kind;          /* [n_outputs] seir_out_kind */
    size_t n_segs, cap_segs;
    limg_seg *segs;
    size_t n_words, cap_words;
    uint32_t *words;
} limg;

/* A new empty image for arch a with room for n_neurons / n_outputs.
 * NULL on OOM. */
limg *limg_new(const limg_arch *a, uint32_t n_neurons, uint32_t n_inputs,
               uint32_t n_outputs);

void limg_free(limg *img);

/* Appends one bus write; consecutive addresses extend the last segment.
 * 0, or -1 on OOM. */
int limg_put(limg *img, uint32_t addr, uint32_t word);

/* Bus writes in all (sum of segment counts). */
size_t limg_write_count(const limg *img);

/* CRC-32 (IEEE, reflected, init and final xor 0xFFFFFFFF) of n bytes,
 * continuing from crc (start with 0). */
uint32_t limg_crc32(uint32_t crc, const void *data, size_t n);

/* Writes img to path.  LOOM_E_IO names the file. */
loom_status limg_write(const limg *img, const char *path, loom_err *e);

/* Reads a .limg file.  Fails with LOOM_E_PARSE naming the file and byte
 * offset for a bad magic, unknown version, truncation, inconsistent counts
 * or a wrong checksum.  *out owned by the caller. */
loom_status limg_read(const char *path, limg **out, loom_err *e);

/* Refuses (LOOM_E_CAPACITY) an image built for another arch config than
 * `build`, naming both configs. */
loom_status limg_check_arch(const limg *img, const limg_arch *build, loom_err *e);

#endif

/*
 * build_int.h -- what the parts of loom build share (internal to sw/fpga):
 * build.c (sources and stages), build_tool.c, build_boot.c, build_report.c,
 * build_ram.c.
 */
#ifndef BUILD_INT_H
#define BUILD_INT_H

#include <stddef.h>
#include <stdint.h>

#include "build.h"
#include "limg.h"
#include "loom_status.h"
#include "seir.h"

/* snprintf that always terminates; paths longer than the buffers (4 KiB)
 * are cut, which only makes the following open() fail with its name. */
int fmt_to(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

void progress(const build_opts *o, const char *stage, double el, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* What stage_model learnt about the model, for the report. */
typedef struct model_share {
    int have;
    char path[1024];
    uint32_t neurons, inputs, levels, outputs;
    uint64_t synapses;
    double cycles, steps_per_s;
    uint32_t boot_used;
} model_share;

double now_s(void);

int file_exists(const char *p);

int exe_dir(int up, char *buf, size_t len);

loom_status mkdir_p(const char *dir, loom_err *e);

loom_status run_tool(char *const argv[], const char *in_path, const char *out_path,
                     const char *log_path, const char *cwd, loom_err *e);

uint64_t fnv(uint64_t h, const void *p, size_t n);

loom_status hash_file(uint64_t *h, const char *path, loom_err *e);

loom_status write_placeholder(const char *path, uint32_t n, loom_err *e);

int pnr_overflow(const char *log, char *out, size_t n);

char *slurp(const char *path, size_t *n);

/* The nextpnr placements a build tried (DIR/nextpnr-seeds.txt): seed k
 * reached fmax[k] MHz; the bitstream is seed[chosen]'s.  A folder built
 * before the file existed reads as one placement, seed 1, at its report's
 * Fmax. */
typedef struct pnr_tries {
    int n, chosen;
    int seed[BUILD_MAX_SEEDS];
    double fmax[BUILD_MAX_SEEDS];
} pnr_tries;

#define PNR_TRIES_FILE "nextpnr-seeds.txt"

/* 0 when dir holds no readable place-and-route result. */
int pnr_tries_read(const char *dir, pnr_tries *t);

loom_status pnr_tries_write(const char *dir, const pnr_tries *t, loom_err *e);

loom_status write_report(const build_opts *o, const char *dir, const model_share *ms,
                         double t_yosys, double t_pnr, int cached, loom_err *e);

/* DIR/plan.json: the board, the model and o->choice (loom build --plan). */
loom_status write_plan(const build_opts *o, const char *dir, loom_err *e);

loom_status bake_fw(const build_opts *o, const seir_net *net, const limg *img,
                     const char *hex, double *cycles, loom_err *e);

loom_status ram_swap(const char *gasc, const char *from_hex, const char *to_hex,
                     const char *asc, size_t words, loom_err *e);

#endif

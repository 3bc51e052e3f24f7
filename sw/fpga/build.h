/*
 * build.h -- bitstreams for iCE40 boards (`loom build`, `loom report`).
 *
 * A build directory DIR holds one board's bitstream and everything that
 * made it:
 *
 *   generic.asc            place-and-route result with the boot ROM holding
 *                          the random placeholder boot_placeholder.hex
 *   boot.hex               the boot ROM contents of loom.asc (the
 *                          placeholder for a generic build, link frames that
 *                          load the model for a baked one)
 *   loom.asc, loom.bin     the bitstream (icepack)
 *   report.json            utilisation, Fmax, capacity, model share
 *   yosys.ys, yosys.log, yosys-stat.json, loom.json    synthesis
 *   nextpnr.log, nextpnr-report.json                   place and route
 *   icebram.log, icepack.log
 *   inputs.hash            hash of every input of synthesis and P&R; an
 *                          unchanged hash skips both (incremental rebuild)
 *   flash.bin              flash boards (board_info.flash_offset > 0, the
 *                          icebreaker): the baked model's flash image
 *                          (build_flash_image); loom.asc is then generic.asc
 *   arch.json              the arch config the array was built with (W, S,
 *                          A, D, cores, neurons, syn_words, profiles,
 *                          levels, max_inputs, eq, single_port), its
 *                          "board" and "flash_offset" (build_write_arch;
 *                          `loom vboard --build DIR` runs this design)
 *   plan.json              `loom build --plan`: the arch choice alone
 *
 * The synthesis cache: a finished place-and-route (generic.asc, the boot
 * ROM placeholder, the tool reports and logs) is also stored under
 * CACHE/<key>, the key a hash of the arch config and every other
 * parameter, the RTL and board sources and the tool versions; a build
 * whose key is there copies it instead of running yosys and nextpnr.
 * CACHE is $LOOM_SYNTH_CACHE, else $XDG_CACHE_HOME/loom/synth, else
 * ~/.cache/loom/synth (build_cache_dir); build_opts.no_cache skips it.
 *
 * A model is baked in by putting into the boot ROM (boards/common/
 * loom_boot.v) the link frames that load its image; this only changes
 * block-RAM contents, so it is done with icebram on generic.asc: a baked
 * build costs one generic build (cached) plus seconds, and --patch swaps
 * the network of an existing DIR without synthesis or P&R.  A firmware
 * board (the icestick) has no boot ROM: there boot.hex is the processor's
 * RAM image (fw.hex, the firmware, for a generic build; the RAM as loading
 * the model on the virtual board left it, for a baked one: build_opts.bake)
 * and loom swaps it into generic.asc's block RAMs itself.
 *
 * External tools (yosys, nextpnr-ice40, icebram, icepack) are run as child
 * processes with their output in the logs above; nothing here prints.
 */
#ifndef BUILD_H
#define BUILD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "arch_choose.h"
#include "board.h"
#include "loom_status.h"
#include "model.h"

/* Progress callback: stage ("yosys", "nextpnr", "icebram", "icepack",
 * "map", "cache") and one line of text; elapsed is the stage's wall time in
 * seconds once done (negative when the stage starts). */
typedef void (*build_progress_fn)(void *ctx, const char *stage, const char *msg, double elapsed);

/* Firmware boards (board_info.fw_ram_bytes > 0): loads img (of net) onto
 * the board's virtual board, copies its RAM (words 32-bit words) into ram
 * once the load is done -- the baked board -- and then runs some steps of
 * random input (input_rate per channel per step) and returns in *cycles
 * the most clock cycles one took.  The CLI supplies it (it runs the
 * Verilator model); without one, models cannot be baked into such a board. */
typedef loom_status (*build_bake_fn)(void *ctx, const board_info *b, const seir_net *net,
                                     const limg *img, double input_rate, uint32_t *ram,
                                     size_t words, double *cycles, loom_err *e);

typedef struct build_opts {
    const board_info *board;   /* required */
    const char *outdir;        /* required; created when missing */
    const char *model_path;    /* NULL: generic bitstream */
    model_opts mopts;          /* how to compile model_path */
    int patch;                 /* 1: only re-fill the boot ROM of outdir's
                                  existing build (model_path required) */
    int force;                 /* 1: synthesise even when inputs.hash matches */
    int allow_timing_fail;     /* 1: a missed clock is not an error */
    int boot_only;             /* 1: only map model_path and write
                                  outdir/boot.hex (no tools run) */
    const char *root;          /* source tree root (NULL: build_find_root) */
    double input_rate;         /* activity for the cycle prediction [0.05] */
    double neuron_rate;        /* [0.05] */
    build_progress_fn progress;
    void *progress_ctx;
    build_bake_fn bake;        /* firmware boards with a model [NULL] */
    void *bake_ctx;
    const arch_config *cfg;    /* the array's arch config [NULL: the board's
                                  generic one]; eq and single_port included */
    const arch_choice *choice; /* how cfg was chosen, for the report [NULL] */
    int plan;                  /* 1: only write outdir/arch.json and
                                  outdir/plan.json (no tools run) */
    int no_cache;              /* 1: neither read nor fill the synthesis cache */
    int pnr_seeds;             /* nextpnr seeds tried, 1, 2, ..., while Fmax
                                  misses the target below [3; 1..BUILD_MAX_SEEDS] */
    double timing_margin;      /* the target: clock x (1 + margin) [0; 0..1];
                                  the first seed that reaches it is kept, else
                                  the fastest.  An error still needs Fmax <
                                  the clock itself (allow_timing_fail aside). */
} build_opts;

#define BUILD_MAX_SEEDS 16

void build_opts_default(build_opts *o);

/* The data folder holding rtl/ and boards/ (loom_paths.h loom_data_root:
 * $LOOM_DATADIR, else the installed PREFIX/share/loom or the source tree
 * found from the running executable, else ".").
 * Writes into buf (len bytes) and returns buf. */
char *build_find_root(char *buf, size_t len);

/* Runs a build as described above.  Errors: LOOM_E_ARG (bad options),
 * LOOM_E_IO (a tool could not run or failed: the message names the tool
 * and its log), LOOM_E_CAPACITY (model does not fit the board's arch or
 * the boot ROM; timing missed), model_load's errors for the model. */
loom_status build_run(const build_opts *o, loom_err *e);

/* Writes the boot ROM image for img into path: the header, the wire frames
 * of BATCH writes (payloads of at most max_payload bytes) and zero fill up
 * to rom_bytes, one byte per line in hex.  *used gets the bytes used.
 * LOOM_E_CAPACITY when the frames need more than rom_bytes, naming both. */
loom_status build_boot_hex(const limg *img, uint32_t max_payload, uint32_t rom_bytes,
                           const char *path, uint32_t *used, loom_err *e);

/* The boot stream of img: the wire frames of BATCH writes (payloads of at
 * most max_payload bytes) that load it, zero words of core memories left
 * out (in pairs where the array stores pairs); sparse also leaves out the
 * fan-out entries never read (of a source without synapses), for a small
 * boot ROM.  *out is malloc'ed (owned by the caller), *out_len its length. */
loom_status build_boot_stream(const limg *img, uint32_t max_payload, int sparse, uint8_t **out,
                              size_t *out_len, loom_err *e);

/* Flash images (boards/common/loom_flash_boot.v reads them at power-up from
 * board_info.flash_offset): BUILD_FLASH_HDR header bytes -- 'L' 'O' 'O' 'M',
 * the stream length and the stream's CRC-32 (build_flash_crc), each 4
 * bytes little-endian -- then the boot stream.  An erased flash (FF...) or a
 * header or CRC that does not match makes the design boot generic. */
#define BUILD_FLASH_HDR 12u
#define BUILD_FLASH_FILE "flash.bin" /* in DIR */
#define BUILD_FLASH_MAX 1048576u /* longest stream the RTL accepts (its MAXLEN) */
/* CRC-32, polynomial 04C11DB7, bits MSB first, initial FFFFFFFF, no final xor. */
uint32_t build_flash_crc(const uint8_t *p, size_t n);
/* Writes the flash image of img into path (binary, header + stream); *used
 * gets its size.  LOOM_E_CAPACITY when the stream exceeds BUILD_FLASH_MAX or
 * the flash above offset, naming both. */
loom_status build_flash_image(const limg *img, uint32_t max_payload, uint32_t flash_bytes,
                              uint32_t offset, const char *path, uint32_t *used, loom_err *e);
/* Checks an image (n bytes at p) as the RTL does: header, length, CRC.
 * LOOM_E_PARSE saying what is wrong (erased, no header, cut short, CRC);
 * *len gets the stream length. */
loom_status build_flash_check(const uint8_t *p, size_t n, uint32_t *len, loom_err *e);

/* Writes DIR/arch.json: the arch the design in DIR was built with -- W, S,
 * A, D, cores, neurons, syn_words, profiles, levels, max_inputs, eq,
 * single_port -- with "board" and, for a flash board, "flash_offset" (what
 * `loom vboard --build DIR` runs). */
loom_status build_write_arch(const board_info *b, const arch_config *c, const char *dir, loom_err *e);

/* The synthesis cache folder (see above) into buf; returns buf. */
char *build_cache_dir(char *buf, size_t len);

/* The arch config of build_opts o: o->cfg, else the board's generic one. */
arch_config build_arch(const build_opts *o);

/* Reads DIR/arch.json into *c (name "build").  LOOM_E_IO when missing,
 * LOOM_E_INVALID when a field is missing or out of range or the arch
 * breaks limg_arch_check. */
loom_status build_read_arch(const char *dir, arch_config *c, loom_err *e);
/* The same fields without the arch check (loom vboard --build Verilates
 * whatever a folder records, and lets Verilator's log say what failed). */
loom_status build_read_arch_fields(const char *dir, arch_config *c, loom_err *e);

/* Writes the choice as one JSON object (keys in docs/boards.md) to f,
 * indented by `indent` spaces, without a trailing newline. */
void build_choice_json(FILE *f, const board_info *b, const arch_choice *c, int indent);

/* Reads DIR/report.json into a malloc'ed NUL-terminated string (*out, owned
 * by the caller).  LOOM_E_IO when missing. */
loom_status build_read_report(const char *dir, char **out, loom_err *e);

#endif

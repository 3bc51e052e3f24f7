/*
 * build.c -- yosys -> nextpnr-ice40 -> icebram -> icepack for one board
 * (build.h): the sources and the stages.  The tool runner is build_tool.c,
 * the boot image build_boot.c, the P&R report build_report.c, the RAM image
 * of firmware boards and its .asc patching build_ram.c (build_int.h).
 *
 * Invariants: generic.asc is only ever written by nextpnr (as the kept
 * seed's generic-seedK.asc, renamed, place_route) and only read
 * afterwards, so every loom.asc of a DIR (generic, baked, patched) is
 * generic.asc with a different boot ROM; inputs.hash is written last, after
 * generic.asc, the nextpnr report and nextpnr-seeds.txt are complete, so an
 * interrupted build is never mistaken for a finished one.
 */
#include "build.h"
#include "build_int.h"
#include "ramhex.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "afile.h"
#include "loom_paths.h"
#include "link.h"
#include "loom_map.h"
#include "map_fit.h"
#include "mapper.h"
#include "report_json.h"

void build_opts_default(build_opts *o)
{
    memset(o, 0, sizeof *o);
    model_opts_default(&o->mopts);
    o->mopts.quiet = 1;
    o->input_rate = 0.05;
    o->neuron_rate = 0.05;
    o->pnr_seeds = 3;
}

/* ---- sources ----------------------------------------------------------------- */

typedef struct srcs {
    char **v;
    size_t n;
    glob_t g1, g2;
    char top[4096], pcf[4096];
} srcs;

/* Verilog name of the board top: loom_board_<name> with '-' as '_'
 * (hx8k-breakout -> loom_board_hx8k_breakout). */
static void top_name(const board_info *b, char *buf, size_t len)
{
    fmt_to(buf, len, "loom_board_%s", b->name);
    for (char *p = buf; *p; p++)
        if (*p == '-')
            *p = '_';
}

static loom_status find_sources(const char *root, const board_info *b, srcs *s, loom_err *e)
{
    char pat[4096];
    memset(s, 0, sizeof *s);
    fmt_to(pat, sizeof pat, "%s/rtl/loom_*.v", root);
    if (glob(pat, 0, NULL, &s->g1) != 0)
        return loom_fail(e, LOOM_E_IO, "%s: no RTL sources (set LOOM_DATADIR to the folder holding rtl/ and boards/)", pat);
    fmt_to(pat, sizeof pat, "%s/boards/common/loom_*.v", root);
    if (glob(pat, 0, NULL, &s->g2) != 0) {
        globfree(&s->g1);
        return loom_fail(e, LOOM_E_IO, "%s: no board support sources", pat);
    }
    char top[128];
    top_name(b, top, sizeof top);
    fmt_to(s->top, sizeof s->top, "%s/boards/%s/%s.v", root, b->name, top);
    fmt_to(s->pcf, sizeof s->pcf, "%s/boards/%s/%s.pcf", root, b->name, b->name);
    if (!file_exists(s->top) || !file_exists(s->pcf)) {
        globfree(&s->g1);
        globfree(&s->g2);
        return loom_fail(e, LOOM_E_IO, "board %s: missing %s or %s", b->name, s->top, s->pcf);
    }
    return LOOM_OK;
}

static void free_sources(srcs *s)
{
    globfree(&s->g1);
    globfree(&s->g2);
}

/* chparam list of the board top: the arch config c, clocks, link, boot ROM;
 * for a firmware board (fw_ram_bytes > 0) the UART, the RAM and its image. */
static void param_string(const board_info *b, const arch_config *c, const char *boot_hex,
                         const char *fw_hex, char *buf, size_t len)
{
    const limg_arch *a = &c->arch;
    if (b->fw_ram_bytes) {
        fmt_to(buf, len, "-set CLKS_PER_BIT %u -set RAM_WORDS %u -set FW_FILE \"%s\"",
               board_clks_per_bit(b), b->fw_ram_bytes / 4, fw_hex);
        return;
    }
    fmt_to(buf, len,
             "-set W %u -set S %u -set A %u -set D %u -set K %u -set N %u -set SYN %u "
             "-set P %u -set LMAX %u -set MAXIN %u -set EQ %u -set CLK_HZ %u "
             "-set CLKS_PER_BIT %u -set BOARD_ID %u -set MAX_PAYLOAD %u -set BOOT_BYTES %u "
             "-set BOOT_FILE \"%s\"",
             (unsigned)a->arch.w, (unsigned)a->arch.s, (unsigned)a->arch.a, (unsigned)a->arch.d, a->cores, a->neurons, a->syn_words,
             a->profiles, a->levels, a->max_inputs, c->eq, (unsigned)(b->clock_mhz * 1e6 + 0.5),
             board_clks_per_bit(b), b->board_id, b->max_payload, b->boot_bytes, boot_hex);
    if (b->flash_offset) { /* only the tops with a flash reader have the parameter */
        size_t n = strlen(buf);
        fmt_to(buf + n, len - n, " -set FLASH_OFFSET %u", b->flash_offset);
    }
}

arch_config build_arch(const build_opts *o)
{
    if (o->cfg)
        return *o->cfg;
    const board_info *b = o->board;
    return (arch_config){.name = b->name, .arch = b->arch, .eq = b->eq, .single_port = b->single_port};
}

char *build_cache_dir(char *buf, size_t len)
{
    const char *env = getenv("LOOM_SYNTH_CACHE");
    if (env && *env) {
        fmt_to(buf, len, "%s", env);
        return buf;
    }
    env = getenv("XDG_CACHE_HOME");
    if (env && *env) {
        fmt_to(buf, len, "%s/loom/synth", env);
        return buf;
    }
    env = getenv("HOME");
    fmt_to(buf, len, "%s/.cache/loom/synth", env && *env ? env : "/tmp");
    return buf;
}

/* What a cache entry holds: what stage_pack and write_report read. */
static const char *const cache_files[] = {"generic.asc", "boot_placeholder.hex", "nextpnr-report.json",
                                          "yosys-stat.json", "yosys.log", "nextpnr.log", "yosys.ys",
                                          "fw.hex", PNR_TRIES_FILE};
#define N_CACHE_FILES (sizeof cache_files / sizeof cache_files[0])

/* Copies cache entry `key` into dir: 1 on a hit, 0 when absent or incomplete. */
static int cache_fetch(const char *cache, const char *key, const char *dir, int fw)
{
    char from[4096], to[4096];
    for (size_t k = 0; k < 4; k++) { /* the first four make an entry */
        fmt_to(from, sizeof from, "%s/%s/%s", cache, key, cache_files[k]);
        if (!file_exists(from))
            return 0;
    }
    fmt_to(from, sizeof from, "%s/%s/fw.hex", cache, key);
    if (fw && !file_exists(from))
        return 0;
    for (size_t k = 0; k < N_CACHE_FILES; k++) {
        loom_err e2;
        fmt_to(from, sizeof from, "%s/%s/%s", cache, key, cache_files[k]);
        fmt_to(to, sizeof to, "%s/%s", dir, cache_files[k]);
        if (!file_exists(from))
            continue;
        if (afile_copy(from, to, &e2) != LOOM_OK)
            return 0;
    }
    return 1;
}

/* Stores dir's finished place-and-route as cache entry `key` (written into
 * a folder of its own and renamed, so an entry is whole or absent). */
static loom_status cache_store(const char *cache, const char *key, const char *dir, loom_err *e)
{
    char tmp[4096], fin[4096], from[4096], to[4096];
    fmt_to(tmp, sizeof tmp, "%s/.%s.%ld", cache, key, (long)getpid());
    fmt_to(fin, sizeof fin, "%s/%s", cache, key);
    loom_status st = mkdir_p(tmp, e);
    for (size_t k = 0; !st && k < N_CACHE_FILES; k++) {
        fmt_to(from, sizeof from, "%s/%s", dir, cache_files[k]);
        fmt_to(to, sizeof to, "%s/%s", tmp, cache_files[k]);
        if (file_exists(from))
            st = afile_copy(from, to, e);
    }
    if (!st && rename(tmp, fin) != 0) {
        if (errno == EEXIST || errno == ENOTEMPTY) {
            /* an entry whose placement needed more seeds (pnr_settled): it
             * is moved away whole, then replaced */
            char old[4096];
            fmt_to(old, sizeof old, "%s/.%s.old.%ld", cache, key, (long)getpid());
            if (rename(fin, old) == 0) {
                for (size_t k = 0; k < N_CACHE_FILES; k++) {
                    fmt_to(to, sizeof to, "%s/%s", old, cache_files[k]);
                    remove(to);
                }
                rmdir(old);
            }
            if (rename(tmp, fin) != 0 && errno != EEXIST && errno != ENOTEMPTY)
                st = loom_fail(e, LOOM_E_IO, "%s: cannot store the cache entry: %s", fin, strerror(errno));
        } else {
            st = loom_fail(e, LOOM_E_IO, "%s: cannot store the cache entry: %s", fin, strerror(errno));
        }
    }
    if (file_exists(fin) == 0) { /* rename done, or failed: clean the scratch folder */
        for (size_t k = 0; k < N_CACHE_FILES; k++) {
            fmt_to(to, sizeof to, "%s/%s", tmp, cache_files[k]);
            remove(to);
        }
        rmdir(tmp);
    }
    return st;
}

/* The firmware image of a firmware board: $LOOM_FW, else BUILD/fw/NAME.hex
 * beside the running loom (BUILD/bin/loom), else ROOT/fw/NAME.hex (installed),
 * else ROOT/build/fw/NAME.hex. */
static int find_firmware(const board_info *b, const char *root, char *buf, size_t len)
{
    const char *env = getenv("LOOM_FW");
    if (env && *env) {
        fmt_to(buf, len, "%s", env);
        return file_exists(buf);
    }
    char dir[4096];
    if (exe_dir(2, dir, sizeof dir)) { /* BUILD, above loom and bin */
        fmt_to(buf, len, "%s/fw/%s.hex", dir, b->name);
        if (file_exists(buf))
            return 1;
    }
    fmt_to(buf, len, "%s/fw/%s.hex", root, b->name); /* an installed tree */
    if (file_exists(buf))
        return 1;
    fmt_to(buf, len, "%s/build/fw/%s.hex", root, b->name);
    return file_exists(buf);
}

/* ---- the stages -------------------------------------------------------------------- */

/* The source tree as seen from a build folder: yosys reads the RTL through
 * this link so that the tree's own path (which may hold spaces, quotes or
 * ';') never appears in a yosys script. */
#define SRC_LINK "loom-src"

static loom_status link_sources(const char *root, const char *dir, loom_err *e)
{
    char abs_root[PATH_MAX], link[4096];
    if (!realpath(root, abs_root))
        return loom_fail(e, LOOM_E_IO, "%s: cannot resolve the source tree: %s", root, strerror(errno));
    fmt_to(link, sizeof link, "%s/%s", dir, SRC_LINK);
    struct stat st;
    if (lstat(link, &st) == 0) {
        if (!S_ISLNK(st.st_mode))
            return loom_fail(e, LOOM_E_IO, "%s: exists and is not the link loom build makes; remove it",
                             link);
        if (unlink(link) != 0)
            return loom_fail(e, LOOM_E_IO, "%s: cannot replace: %s", link, strerror(errno));
    }
    if (symlink(abs_root, link) != 0)
        return loom_fail(e, LOOM_E_IO, "%s: cannot create a link to %s: %s", link, abs_root,
                         strerror(errno));
    return LOOM_OK;
}

/* ---- place and route ------------------------------------------------------------ */

/* The Fmax a placement must reach to be kept at once. */
static double pnr_target(const build_opts *o)
{
    return o->board->clock_mhz * (1.0 + o->timing_margin);
}

static int seeds_wanted(const build_opts *o)
{
    return o->pnr_seeds < 1 ? 1 : o->pnr_seeds > BUILD_MAX_SEEDS ? BUILD_MAX_SEEDS : o->pnr_seeds;
}

/* 1 when dir's place and route needs no more seeds: its kept placement
 * reaches the target, or it tried as many seeds as o asks for. */
static int pnr_settled(const build_opts *o, const char *dir)
{
    pnr_tries t;
    if (!pnr_tries_read(dir, &t))
        return 0;
    return t.fmax[t.chosen] >= pnr_target(o) || t.n >= seeds_wanted(o);
}

/* What one placement leaves: seed K's under its own names while the seeds
 * run (the log's stays), the kept one's under the usual names. */
static const char *const pnr_seed_fmt[3] = {"generic-seed%d.asc", "nextpnr-seed%d.log",
                                            "nextpnr-seed%d-report.json"};
static const char *const pnr_out[3] = {"generic.asc", "nextpnr.log", "nextpnr-report.json"};

static void pnr_path(char *buf, size_t len, const char *dir, int i, int seed)
{
    char name[64];
    fmt_to(name, sizeof name, pnr_seed_fmt[i], seed);
    fmt_to(buf, len, "%s/%s", dir, name);
}

/* nextpnr with seed 1, 2, ... until a placement reaches pnr_target (at
 * most o->pnr_seeds of them); the first that does is kept, else the
 * fastest.  Writes dir/generic.asc, nextpnr.log and nextpnr-report.json
 * of the kept one, the logs of the others as nextpnr-seedK.log, and
 * dir/nextpnr-seeds.txt. */
static loom_status place_route(const build_opts *o, const char *dir, const char *root, double *t_pnr,
                               loom_err *e)
{
    const board_info *b = o->board;
    char json[4096], dev[32], freq[32], pcf[4096], pkg[32], perr[4096], seed[16], path[4096],
        files[3][4096];
    fmt_to(json, sizeof json, "%s/loom.json", dir);
    fmt_to(dev, sizeof dev, "--%s", b->pnr_device);
    fmt_to(freq, sizeof freq, "%.3f", b->clock_mhz);
    fmt_to(pcf, sizeof pcf, "%s/boards/%s/%s.pcf", root, b->name, b->name);
    fmt_to(pkg, sizeof pkg, "%s", b->package);
    fmt_to(perr, sizeof perr, "%s/nextpnr.stderr", dir);
    /* what an earlier build of this folder left */
    for (int k = 1; k <= BUILD_MAX_SEEDS; k++)
        for (int i = 0; i < 3; i++) {
            pnr_path(path, sizeof path, dir, i, k);
            remove(path);
        }
    fmt_to(path, sizeof path, "%s/%s", dir, PNR_TRIES_FILE);
    remove(path);

    const int want = seeds_wanted(o);
    const double target = pnr_target(o);
    pnr_tries t;
    memset(&t, 0, sizeof t);
    double t0 = now_s();
    for (int k = 0; k < want; k++) {
        fmt_to(seed, sizeof seed, "%d", k + 1);
        for (int i = 0; i < 3; i++)
            pnr_path(files[i], sizeof files[i], dir, i, k + 1);
        progress(o, "nextpnr", -1, "placing and routing for %s-%s at %s MHz, seed %s (log %s)", b->device,
                 b->package, freq, seed, files[1]);
        char *pargv[] = {"nextpnr-ice40", dev, "--package", pkg, "--json", json, "--pcf", pcf,
                         "--asc", files[0], "--freq", freq, "--report", files[2], "--seed", seed,
                         "--timing-allow-fail", "-q", "-l", files[1], NULL};
        double t1 = now_s();
        loom_status st = run_tool(pargv, NULL, NULL, perr, NULL, e);
        if (st) {
            char over[512];
            if (pnr_overflow(files[1], over, sizeof over))
                return loom_fail(e, LOOM_E_CAPACITY, "the design does not fit the %s: it needs %s (log %s)",
                                 b->device, over, files[1]);
            return loom_err_prefix(e, "place and route (log %s)", files[1]);
        }
        double fmax;
        if ((st = report_pnr_read(files[2], NULL, 0, NULL, NULL, &fmax, e)))
            return loom_err_prefix(e, "place and route, seed %d", k + 1);
        t.seed[t.n] = k + 1;
        t.fmax[t.n++] = fmax;
        if (fmax > t.fmax[t.chosen])
            t.chosen = k;
        if (fmax >= target)
            break;
        progress(o, "nextpnr", now_s() - t1, "seed %d: Fmax %.2f MHz, under the %.2f MHz target%s", k + 1,
                 fmax, target, k + 1 < want ? "; another seed" : "");
    }
    *t_pnr = now_s() - t0;
    /* the kept placement under the usual names; the others' bitstreams
     * and reports go, their logs stay */
    for (int k = 0; k < t.n; k++)
        for (int i = 0; i < 3; i++) {
            pnr_path(path, sizeof path, dir, i, t.seed[k]);
            if (k == t.chosen) {
                char to[4096];
                fmt_to(to, sizeof to, "%s/%s", dir, pnr_out[i]);
                if (rename(path, to) != 0)
                    return loom_fail(e, LOOM_E_IO, "%s: cannot rename to %s: %s", path, to, strerror(errno));
            } else if (i != 1) {
                remove(path);
            }
        }
    if (t.n > 1)
        progress(o, "nextpnr", *t_pnr, "done: kept seed %d of %d tried, Fmax %.2f MHz", t.seed[t.chosen], t.n,
                 t.fmax[t.chosen]);
    else
        progress(o, "nextpnr", *t_pnr, "done: Fmax %.2f MHz", t.fmax[0]);
    return pnr_tries_write(dir, &t, e);
}

static loom_status stage_synth_pnr(const build_opts *o, const char *dir, const char *root,
                                   double *t_yosys, double *t_pnr, int *cached, loom_err *e)
{
    const board_info *b = o->board;
    const arch_config cfg = build_arch(o);
    srcs s;
    loom_status st = find_sources(root, b, &s, e);
    if (st)
        return st;
    char ph[4096], path[4096], params[2048], top[128], fw_src[4096], fw[4096];
    fmt_to(ph, sizeof ph, "%s/boot_placeholder.hex", dir);
    fmt_to(fw, sizeof fw, "%s/fw.hex", dir);
    top_name(b, top, sizeof top);
    /* yosys runs inside dir and reads every file by a relative name, so no
     * user-chosen path is ever written into its script (whose ';' and
     * `exec` would otherwise run commands). */
    param_string(b, &cfg, "boot_placeholder.hex", "fw.hex", params, sizeof params);
    if (b->fw_ram_bytes && !find_firmware(b, root, fw_src, sizeof fw_src)) {
        free_sources(&s);
        return loom_fail(e, LOOM_E_IO,
                         "board %s runs firmware, and its image %s is missing: build it with "
                         "`make` (needs gcc-riscv64-unknown-elf, see `make deps`) or set LOOM_FW",
                         b->name, fw_src);
    }

    /* hash every input: sources, pcf, parameters, board entry, tool set
     * and the tools' versions */
    uint64_t h = 0xcbf29ce484222325ULL;
    static const char *const vtool[2][3] = {{"yosys", "-V", "yosys.version"},
                                            {"nextpnr-ice40", "--version", "nextpnr.version"}};
    for (int k = 0; !st && k < 2; k++) {
        char *vargv[] = {(char *)vtool[k][0], (char *)vtool[k][1], NULL};
        fmt_to(path, sizeof path, "%s/%s", dir, vtool[k][2]);
        if (!(st = run_tool(vargv, NULL, NULL, path, NULL, e)))
            st = hash_file(&h, path, e);
    }
    for (size_t i = 0; !st && i < s.g1.gl_pathc; i++)
        st = hash_file(&h, s.g1.gl_pathv[i], e);
    for (size_t i = 0; !st && i < s.g2.gl_pathc; i++)
        st = hash_file(&h, s.g2.gl_pathv[i], e);
    if (!st)
        st = hash_file(&h, s.top, e);
    if (!st)
        st = hash_file(&h, s.pcf, e);
    if (!st && b->fw_ram_bytes)
        st = hash_file(&h, fw_src, e);
    if (st) {
        free_sources(&s);
        return st;
    }
    h = fnv(h, params, strlen(params));
    h = fnv(h, b->pnr_device, strlen(b->pnr_device));
    h = fnv(h, b->package, strlen(b->package));
    h = fnv(h, cfg.single_port ? "sp1" : "sp0", 3);
    char hash[32];
    fmt_to(hash, sizeof hash, "%016llx", (unsigned long long)h);

    char hpath[4096], gasc[4096];
    fmt_to(hpath, sizeof hpath, "%s/inputs.hash", dir);
    fmt_to(gasc, sizeof gasc, "%s/generic.asc", dir);
    char *old = slurp(hpath, NULL);
    if (old && !o->force && !strncmp(old, hash, 16) && file_exists(gasc) && file_exists(ph) &&
        (!b->fw_ram_bytes || file_exists(fw)) && pnr_settled(o, dir)) {
        free(old);
        free_sources(&s);
        *cached = 1;
        progress(o, "cache", 0, "inputs unchanged (hash %s): synthesis and place-and-route skipped", hash);
        return LOOM_OK;
    }
    free(old);
    remove(hpath);
    *cached = 0;
    char cache[4096];
    build_cache_dir(cache, sizeof cache);
    if (!o->no_cache && !o->force && cache_fetch(cache, hash, dir, b->fw_ram_bytes != 0) &&
        pnr_settled(o, dir)) {
        free_sources(&s);
        FILE *hf = fopen(hpath, "w");
        if (!hf || fprintf(hf, "%s\n", hash) < 0 || fclose(hf) != 0)
            return loom_fail(e, LOOM_E_IO, "%s: cannot write", hpath);
        *cached = 2;
        progress(o, "cache", 0, "synthesis cached: %s/%s holds this arch's place-and-route "
                 "(yosys and nextpnr not run)", cache, hash);
        return LOOM_OK;
    }

    st = write_placeholder(ph, b->boot_bytes ? b->boot_bytes : 16, e);
    if (!st && b->fw_ram_bytes) { /* the build folder keeps the image it was built with */
        char *argv[] = {"cp", fw_src, fw, NULL};
        fmt_to(path, sizeof path, "%s/cp.log", dir);
        if (!(st = run_tool(argv, NULL, NULL, path, NULL, e)))
            remove(path);
    }
    if (st) {
        free_sources(&s);
        return st;
    }

    /* yosys */
    fmt_to(path, sizeof path, "%s/yosys.ys", dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        free_sources(&s);
        return loom_fail(e, LOOM_E_IO, "%s: cannot create: %s", path, strerror(errno));
    }
    size_t rl = strlen(root);
    char astr[256];
    fprintf(f, "# written by loom build for board %s, arch %s\nread_verilog -I%s/rtl", b->name,
            arch_config_str(&cfg, astr, sizeof astr), SRC_LINK);
    for (size_t i = 0; i < s.g1.gl_pathc; i++)
        fprintf(f, " %s%s", SRC_LINK, s.g1.gl_pathv[i] + rl);
    for (size_t i = 0; i < s.g2.gl_pathc; i++)
        fprintf(f, " %s%s", SRC_LINK, s.g2.gl_pathv[i] + rl);
    fprintf(f, " %s%s\n", SRC_LINK, s.top + rl);
    fprintf(f, "chparam %s %s\n", params, top);
    if (cfg.single_port && !b->fw_ram_bytes) /* board tops leave SP to loom_board_core's default */
        fprintf(f, "chparam -set SP 1 loom_board_core\n");
    fprintf(f, "read_verilog -lib +/ice40/cells_sim.v\nhierarchy -check -top %s\n", top);
    fprintf(f, "synth_ice40 -top %s%s -json loom.json\n", top, b->sprams ? " -dsp -spram" : "");
    fprintf(f, "tee -q -o yosys-stat.json stat -json\n");
    fclose(f);
    free_sources(&s);

    char ylog[4096];
    fmt_to(ylog, sizeof ylog, "%s/yosys.log", dir);
    progress(o, "yosys", -1, "synthesising %s for %s (log %s)", top, b->device, ylog);
    double t0 = now_s();
    char *yargv[] = {"yosys", "-q", "-l", "yosys.log", "yosys.ys", NULL};
    char yerr[4096];
    fmt_to(yerr, sizeof yerr, "%s/yosys.stderr", dir);
    st = link_sources(root, dir, e);
    if (!st)
        st = run_tool(yargv, NULL, NULL, yerr, dir, e);
    *t_yosys = now_s() - t0;
    if (st)
        return loom_err_prefix(e, "synthesis (log %s)", ylog);
    progress(o, "yosys", *t_yosys, "done");

    /* nextpnr */
    st = place_route(o, dir, root, t_pnr, e);
    if (st)
        return st;

    f = fopen(hpath, "w");
    if (!f || fprintf(f, "%s\n", hash) < 0 || fclose(f) != 0)
        return loom_fail(e, LOOM_E_IO, "%s: cannot write", hpath);
    if (!o->no_cache) {
        loom_err e2;
        if (cache_store(cache, hash, dir, &e2) == LOOM_OK)
            progress(o, "cache", 0, "stored as %s/%s", cache, hash);
        else
            progress(o, "cache", 0, "not stored: %s", e2.msg);
    }
    return LOOM_OK;
}

/* icebram placeholder -> boot.hex on generic.asc, then icepack. */
static loom_status stage_pack(const build_opts *o, const char *dir, int baked, loom_err *e)
{
    char ph[4096], boot[4096], gasc[4096], asc[4096], bin[4096], lg[4096];
    fmt_to(ph, sizeof ph, "%s/boot_placeholder.hex", dir);
    fmt_to(boot, sizeof boot, "%s/boot.hex", dir);
    fmt_to(gasc, sizeof gasc, "%s/generic.asc", dir);
    fmt_to(asc, sizeof asc, "%s/loom.asc", dir);
    fmt_to(bin, sizeof bin, "%s/loom.bin", dir);
    loom_status st;
    double t0 = now_s();
    /* a firmware board: boot.hex is the RAM image of loom.asc, fw.hex the
     * generic one (its "placeholder") */
    const int fw = o->board->fw_ram_bytes != 0;
    if (fw)
        fmt_to(ph, sizeof ph, "%s/fw.hex", dir);
    if (o->board->flash_offset)
        baked = 0; /* the model is in flash.bin: the bitstream stays generic */
    if (baked && fw) {
        progress(o, "ram", -1, "writing the baked RAM image into the bitstream");
        if ((st = ram_swap(gasc, ph, boot, asc, o->board->fw_ram_bytes / 4, e)))
            return st;
        progress(o, "ram", now_s() - t0, "done");
    } else if (baked) {
        fmt_to(lg, sizeof lg, "%s/icebram.log", dir);
        progress(o, "icebram", -1, "writing the model into the boot ROM");
        char *argv[] = {"icebram", ph, boot, NULL};
        st = run_tool(argv, gasc, asc, lg, NULL, e);
        if (st)
            return st;
        progress(o, "icebram", now_s() - t0, "done");
    } else {
        /* generic: loom.asc is generic.asc, boot.hex the placeholder */
        char *argv[] = {"cp", gasc, asc, NULL};
        fmt_to(lg, sizeof lg, "%s/cp.log", dir);
        if ((st = run_tool(argv, NULL, NULL, lg, NULL, e)))
            return st;
        char *argv2[] = {"cp", ph, boot, NULL};
        if ((st = run_tool(argv2, NULL, NULL, lg, NULL, e)))
            return st;
        remove(lg);
    }
    fmt_to(lg, sizeof lg, "%s/icepack.log", dir);
    progress(o, "icepack", -1, "packing %s", bin);
    t0 = now_s();
    char *argv[] = {"icepack", asc, bin, NULL};
    st = run_tool(argv, NULL, NULL, lg, NULL, e);
    if (st)
        return st;
    progress(o, "icepack", now_s() - t0, "done: %s", bin);
    return LOOM_OK;
}

/* Maps the model onto the board's arch and writes DIR/boot.hex. */
/* Loads the model and maps it onto the board's arch; a refusal names every
 * whole-array limit exceeded and the board.  On success the caller frees
 * *m (model_free) and *mr (map_free); on failure nothing is left. */
static loom_status load_and_map(const build_opts *o, model *m, map_result **mr, loom_err *e)
{
    const board_info *b = o->board;
    const arch_config cfg = build_arch(o);
    loom_status st = model_load(o->model_path, &o->mopts, m, e);
    if (st)
        return st;
    st = map_fit_explain(map_net(m->net, &cfg.arch, mr, e), m->net, &cfg.arch, e);
    if (st) {
        model_free(m);
        char arch[256];
        limg_arch_str(&cfg.arch, arch, sizeof arch);
        return loom_err_prefix(e, "%s does not fit board %s (%s)", o->model_path, b->name, arch);
    }
    return LOOM_OK;
}

static loom_status stage_model(const build_opts *o, const char *dir, model_share *ms, loom_err *e)
{
    const board_info *b = o->board;
    if (b->boot_bytes == 0 && !b->fw_ram_bytes && !b->flash_offset)
        return loom_fail(e, LOOM_E_CAPACITY,
                         "board %s has no boot ROM: models cannot be baked in; build it without a "
                         "model and load the model at run time with loom run",
                         b->name);
    if (b->fw_ram_bytes && !o->bake)
        return loom_fail(e, LOOM_E_UNSUPPORTED,
                         "baking a model into board %s takes its virtual board (loom build has one; "
                         "this program gave none)", b->name);
    model m;
    map_result *mr = NULL;
    double t0 = now_s();
    progress(o, "map", -1, "compiling %s and mapping it onto %s", o->model_path, b->name);
    loom_status st = load_and_map(o, &m, &mr, e);
    if (st)
        return st;
    char boot[4096];
    fmt_to(boot, sizeof boot, "%s/%s", dir, b->flash_offset ? BUILD_FLASH_FILE : "boot.hex");
    memset(ms, 0, sizeof *ms);
    double fw_cycles = 0;
    if (b->fw_ram_bytes)
        st = bake_fw(o, m.net, mr->img, boot, &fw_cycles, e);
    else if (b->flash_offset) {
        /* written beside and renamed, so a refused model leaves DIR's image */
        char tmp[4200];
        fmt_to(tmp, sizeof tmp, "%s.tmp", boot);
        st = build_flash_image(mr->img, b->max_payload, b->flash_bytes, b->flash_offset, tmp,
                               &ms->boot_used, e);
        if (!st && rename(tmp, boot) != 0)
            st = loom_fail(e, LOOM_E_IO, "%s: cannot write: %s", boot, strerror(errno));
        remove(tmp);
    } else
        st = build_boot_hex(mr->img, b->max_payload, b->boot_bytes, boot, &ms->boot_used, e);
    if (st) {
        if (st == LOOM_E_CAPACITY && b->bake_limit && e) {
            char why[LOOM_ERR_MSG];
            fmt_to(why, sizeof why, "%s", e->msg);
            loom_fail(e, st, "%s (%s)", why, b->bake_limit);
        }
        loom_err_prefix(e, "%s on board %s", o->model_path, b->name);
    } else {
        ms->have = 1;
        fmt_to(ms->path, sizeof ms->path, "%s", o->model_path);
        ms->neurons = mr->n_neurons;
        ms->inputs = mr->n_inputs;
        ms->levels = mr->n_levels;
        ms->synapses = mr->n_syn;
        mr->port_cycles = build_arch(o).single_port ? 2 : 1;   /* SP=1: 2 cycles per neuron / event */
        /* the array's cycle model; a firmware board's step was measured */
        ms->cycles = b->fw_ram_bytes ? fw_cycles
                                     : map_predict_cycles(mr, o->input_rate, NULL, o->neuron_rate);
        ms->steps_per_s = ms->cycles > 0 ? b->clock_mhz * 1e6 / ms->cycles : 0;
        if (b->fw_ram_bytes)
            progress(o, "map", now_s() - t0, "%u neurons, %llu synapses, RAM image taken, "
                     "at most %.0f cycles per step", ms->neurons, (unsigned long long)ms->synapses,
                     fw_cycles);
        else if (b->flash_offset)
            progress(o, "map", now_s() - t0, "%u neurons, %llu synapses, flash image %s: %u bytes "
                     "(iceprog -o %u)", ms->neurons, (unsigned long long)ms->synapses, boot,
                     ms->boot_used, b->flash_offset);
        else
            progress(o, "map", now_s() - t0, "%u neurons, %llu synapses, %u of %u boot ROM bytes",
                     ms->neurons, (unsigned long long)ms->synapses, ms->boot_used, b->boot_bytes);
    }
    map_free(mr);
    model_free(&m);
    return st;
}

/* Loads, compiles and maps the model for the board before any tool runs,
 * so a missing file or a model that does not fit costs a second, not a
 * synthesis run.  Writes nothing. */
static loom_status precheck_model(const build_opts *o, loom_err *e)
{
    model m;
    map_result *mr = NULL;
    loom_status st = load_and_map(o, &m, &mr, e);
    if (!st) {
        map_free(mr);
        model_free(&m);
    }
    return st;
}

/* Board recorded in an existing DIR's report (for --patch). */
static int report_board_is(const char *dir, const char *name)
{
    char path[4096];
    fmt_to(path, sizeof path, "%s/report.json", dir);
    int ok = 0;
    loom_err e;
    return report_top_str_is(path, "board", name, &ok, &e) == LOOM_OK && ok;
}

static double report_num(const char *dir, const char *key)
{
    char path[4096];
    fmt_to(path, sizeof path, "%s/report.json", dir);
    double v = -1;
    loom_err e;
    if (report_top_num(path, key, &v, &e) != LOOM_OK)
        return 0;
    return v < 0 ? 0 : v;
}

loom_status build_run(const build_opts *o, loom_err *e)
{
    if (!o->board || !o->outdir || !*o->outdir)
        return loom_fail(e, LOOM_E_ARG, "build: board and output folder are required");
    if (o->patch && !o->model_path)
        return loom_fail(e, LOOM_E_ARG, "--patch needs a model to put into the bitstream");
    char root[4096];
    if (o->root)
        fmt_to(root, sizeof root, "%s", o->root);
    else
        build_find_root(root, sizeof root);
    const char *dir = o->outdir;
    loom_status st;
    model_share ms;
    memset(&ms, 0, sizeof ms);
    double ty = 0, tp = 0;
    int cached = 1;

    const arch_config cfg = build_arch(o);
    if (o->plan) {
        if ((st = mkdir_p(dir, e)) || (st = build_write_arch(o->board, &cfg, dir, e)))
            return st;
        return write_plan(o, dir, e);
    }
    if (o->boot_only) {
        if (!o->model_path)
            return loom_fail(e, LOOM_E_ARG, "--boot-only needs a model");
        if ((st = mkdir_p(dir, e)) || (st = build_write_arch(o->board, &cfg, dir, e)))
            return st;
        return stage_model(o, dir, &ms, e); /* loom vboard --build DIR runs it */
    }
    if (o->patch) {
        char gasc[4096], ph[4096];
        fmt_to(gasc, sizeof gasc, "%s/generic.asc", dir);
        fmt_to(ph, sizeof ph, "%s/boot_placeholder.hex", dir);
        if (!file_exists(gasc) || !file_exists(ph))
            return loom_fail(e, LOOM_E_IO,
                             "%s: no previous build to patch (generic.asc, boot_placeholder.hex); "
                             "run loom build --board %s -o %s first",
                             dir, o->board->name, dir);
        if (!report_board_is(dir, o->board->name))
            return loom_fail(e, LOOM_E_ARG, "%s was not built for board %s (see %s/report.json)",
                             dir, o->board->name, dir);
        ty = report_num(dir, "yosys_s");
        tp = report_num(dir, "nextpnr_s");
    } else {
        if (o->model_path && (st = precheck_model(o, e)))
            return st;
        if ((st = mkdir_p(dir, e)))
            return st;
        if ((st = stage_synth_pnr(o, dir, root, &ty, &tp, &cached, e)))
            return st;
        if ((st = build_write_arch(o->board, &cfg, dir, e)))
            return st;
    }
    if (o->model_path) {
        if ((st = stage_model(o, dir, &ms, e)))
            return st;
    } else if (o->board->flash_offset) {
        char fl[4096];
        fmt_to(fl, sizeof fl, "%s/%s", dir, BUILD_FLASH_FILE);
        remove(fl); /* a generic build: no image (make flash erases the old one) */
    }
    /* a flash board's --patch changes only flash.bin: loom.bin stays */
    if (!(o->patch && o->board->flash_offset) && (st = stage_pack(o, dir, o->model_path != NULL, e)))
        return st;
    return write_report(o, dir, &ms, ty, tp, cached, e);
}

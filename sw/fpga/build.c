/*
 * build.c -- yosys -> nextpnr-ice40 -> icebram -> icepack for one board
 * (build.h), and the report that goes with the bitstream.
 *
 * Invariants: generic.asc is only ever written by nextpnr and only read
 * afterwards, so every loom.asc of a DIR (generic, baked, patched) is
 * generic.asc with a different boot ROM; inputs.hash is written last, after
 * generic.asc and the nextpnr report are complete, so an interrupted build
 * is never mistaken for a finished one.
 */
#include "build.h"

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

#include "loom_paths.h"
#include "link.h"
#include "loom_map.h"
#include "map_fit.h"
#include "mapper.h"
#include "report_json.h"

#define BOOT_MAGIC0 0xB0
#define BOOT_MAGIC1 0x07

/* snprintf that always terminates; paths longer than the buffers (4 KiB)
 * are cut, which only makes the following open() fail with its name. */
static int fmt_to(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fmt_to(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, len, fmt, ap);
    va_end(ap);
    return n;
}

void build_opts_default(build_opts *o)
{
    memset(o, 0, sizeof *o);
    model_opts_default(&o->mopts);
    o->mopts.quiet = 1;
    o->input_rate = 0.05;
    o->neuron_rate = 0.05;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void progress(const build_opts *o, const char *stage, double el, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void progress(const build_opts *o, const char *stage, double el, const char *fmt, ...)
{
    if (!o->progress)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    o->progress(o->progress_ctx, stage, msg, el);
}

static int file_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* The folder `up` levels above the running executable into buf (up = 1:
 * the folder holding it).  0 when /proc/self/exe cannot be read. */
static int exe_dir(int up, char *buf, size_t len)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return 0;
    exe[n] = 0;
    for (int k = 0; k < up; k++) {
        char *s = strrchr(exe, '/');
        if (!s)
            break;
        *s = 0;
    }
    fmt_to(buf, len, "%s", exe);
    return 1;
}

char *build_find_root(char *buf, size_t len)
{
    return loom_data_root(buf, len); /* loom_paths.h */
}

static loom_status mkdir_p(const char *dir, loom_err *e)
{
    char tmp[4096];
    fmt_to(tmp, sizeof tmp, "%s", dir);
    for (char *p = tmp + 1; *p; p++) {
        if (*p == '/') {
            *p = 0;
            if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
                return loom_fail(e, LOOM_E_IO, "%s: cannot create folder: %s", tmp, strerror(errno));
            *p = '/';
        }
    }
    if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
        return loom_fail(e, LOOM_E_IO, "%s: cannot create folder: %s", tmp, strerror(errno));
    return LOOM_OK;
}

/* Runs argv with stdin from in_path (or /dev/null), stdout to out_path (or
 * the log) and stderr to log_path, in the folder cwd (NULL: the current
 * one; the three paths are opened before the change of folder).  Returns
 * LOOM_E_IO naming the tool and its log on a failure to start or a non-zero
 * exit.  Nothing goes through a shell. */
static loom_status run_tool(char *const argv[], const char *in_path, const char *out_path,
                            const char *log_path, const char *cwd, loom_err *e)
{
    pid_t pid = fork();
    if (pid < 0)
        return loom_fail(e, LOOM_E_IO, "%s: cannot fork: %s", argv[0], strerror(errno));
    if (pid == 0) {
        int lfd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        int ifd = open(in_path ? in_path : "/dev/null", O_RDONLY);
        int ofd = out_path ? open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0666) : lfd;
        if (lfd < 0 || ifd < 0 || ofd < 0)
            _exit(126);
        if (cwd && chdir(cwd) != 0) {
            dprintf(lfd, "cannot enter %s: %s\n", cwd, strerror(errno));
            _exit(126);
        }
        dup2(ifd, 0);
        dup2(ofd, 1);
        dup2(lfd, 2);
        execvp(argv[0], argv);
        dprintf(lfd, "cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return loom_fail(e, LOOM_E_IO, "%s: wait failed: %s", argv[0], strerror(errno));
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        return loom_fail(e, LOOM_E_IO, "%s not found (install it: make deps); see %s", argv[0],
                         log_path);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return loom_fail(e, LOOM_E_IO, "%s failed (exit %d); see %s", argv[0],
                         WIFEXITED(status) ? WEXITSTATUS(status) : -1, log_path);
    return LOOM_OK;
}

/* ---- input hash ------------------------------------------------------------ */

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++) {
        h ^= c[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static loom_status hash_file(uint64_t *h, const char *path, loom_err *e)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return loom_fail(e, LOOM_E_IO, "%s: cannot open: %s", path, strerror(errno));
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    *h = fnv(*h, base, strlen(base) + 1);
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        *h = fnv(*h, buf, n);
    fclose(f);
    return LOOM_OK;
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

/* chparam list of the board top: the arch config, clocks, link, boot ROM;
 * for a firmware board (fw_ram_bytes > 0) the UART, the RAM and its image. */
static void param_string(const board_info *b, const char *boot_hex, const char *fw_hex, char *buf,
                         size_t len)
{
    const limg_arch *a = &b->arch;
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
             a->profiles, a->levels, a->max_inputs, b->eq, (unsigned)(b->clock_mhz * 1e6 + 0.5),
             board_clks_per_bit(b), b->board_id, b->max_payload, b->boot_bytes, boot_hex);
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

/* ---- boot ROM ------------------------------------------------------------------ */

static loom_status write_rom(const char *path, const uint8_t *rom, uint32_t n, loom_err *e)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return loom_fail(e, LOOM_E_IO, "%s: cannot create: %s", path, strerror(errno));
    /* 16-bit words, byte 2j in the low half of word j (loom_boot.v) */
    for (uint32_t i = 0; i + 1 < n; i += 2)
        fprintf(f, "%04x\n", rom[i] | (unsigned)rom[i + 1] << 8);
    if (fclose(f) != 0)
        return loom_fail(e, LOOM_E_IO, "%s: write failed", path);
    return LOOM_OK;
}

/* Random placeholder (xorshift64*, fixed seed) whose header is never the
 * boot magic, so a generic bitstream replays nothing. */
static loom_status write_placeholder(const char *path, uint32_t n, loom_err *e)
{
    uint8_t *rom = malloc(n ? n : 1);
    if (!rom)
        return loom_fail(e, LOOM_E_NOMEM, "boot placeholder: out of memory");
    uint64_t x = 0x9E3779B97F4A7C15ULL;
    for (uint32_t i = 0; i < n; i++) {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        rom[i] = (uint8_t)((x * 0x2545F4914F6CDD1DULL) >> 56);
    }
    if (n > 1 && rom[0] == BOOT_MAGIC0)
        rom[0] ^= 0xFF;
    loom_status st = write_rom(path, rom, n, e);
    free(rom);
    return st;
}

loom_status build_boot_hex(const limg *img, uint32_t max_payload, uint32_t rom_bytes,
                           const char *path, uint32_t *used, loom_err *e)
{
    if (rom_bytes < 8)
        return loom_fail(e, LOOM_E_CAPACITY, "this board has no boot ROM: models cannot be baked in; "
                                             "load them at run time with loom run");
    max_payload = link_max_payload(max_payload); /* what the RTL link accepts */
    if (max_payload < 16)
        return loom_fail(e, LOOM_E_ARG, "boot ROM: max payload %u too small (16 bytes at least)",
                         max_payload);
    uint8_t *rom = calloc(rom_bytes, 1);
    link_frame *fr = malloc(sizeof *fr);
    uint8_t *wire = malloc(LINK_MAX_WIRE);
    if (!rom || !fr || !wire) {
        free(rom);
        free(fr);
        free(wire);
        return loom_fail(e, LOOM_E_NOMEM, "boot ROM: out of memory");
    }
    size_t pos = 4, need = 4;
    uint8_t seq = 0;
    fr->len = 0;
    loom_status st = LOOM_OK;
    /* Runs of words to write: a zero word of a core's memories is skipped,
     * since the boot runs right after configuration, when every block RAM,
     * SPRAM word and register of the array is zero.  Each run is cut into
     * WRITE ops that fit the frame payload; a frame is flushed when the
     * next op would not fit. */
    /* Fan-out index (docs/memory-map.md): entry e holds 1 + the first
     * synapse word of source e, 0 meaning "not given"; source g has the run
     * [E[g]-1, E[g+1]-1) only when both entries are given and E[g+1] >
     * E[g].  So only the two entries around a source with synapses are
     * written; keep[] marks them per core. */
    const uint32_t fan = limg_fanout_entries(&img->arch), ne = fan + 1;
    uint32_t *ent = calloc((size_t)img->arch.cores * ne + 1, sizeof *ent);
    uint8_t *keep = calloc((size_t)img->arch.cores * ne + 1, 1);
    if (!ent || !keep) {
        free(ent);
        free(keep);
        free(rom);
        free(fr);
        free(wire);
        return loom_fail(e, LOOM_E_NOMEM, "boot ROM: out of memory");
    }
    for (size_t sg = 0; sg < img->n_segs; sg++)
        for (uint32_t j = 0; j < img->segs[sg].count; j++) {
            const uint32_t ad = img->segs[sg].addr + j;
            if (ad < LOOM_MAP_CORE_BASE(0))
                continue;
            const uint32_t k = ad / LOOM_MAP_CORE_SPAN - 1, off = ad % LOOM_MAP_CORE_SPAN;
            if (k < img->arch.cores && off >= LOOM_CORE_FANOUT && off - LOOM_CORE_FANOUT < ne)
                ent[(size_t)k * ne + off - LOOM_CORE_FANOUT] = img->words[img->segs[sg].off + j];
        }
    for (uint32_t k = 0; k < img->arch.cores; k++) {
        const uint32_t *E = &ent[(size_t)k * ne];
        uint8_t *nd = &keep[(size_t)k * ne];
        for (uint32_t g = 0; g < fan; g++)
            if (E[g] != 0 && E[g + 1] > E[g])
                nd[g] = nd[g + 1] = 1;
    }
    free(ent);
#define BOOT_SKIP(ad, w)                                                                      \
    ((ad) >= LOOM_MAP_CORE_BASE(0) &&                                                         \
     ((w) == 0 || ((ad) % LOOM_MAP_CORE_SPAN >= LOOM_CORE_FANOUT &&                          \
                   (ad) % LOOM_MAP_CORE_SPAN - LOOM_CORE_FANOUT < ne &&                      \
                   (ad) / LOOM_MAP_CORE_SPAN - 1 < img->arch.cores &&                          \
                   !keep[(size_t)((ad) / LOOM_MAP_CORE_SPAN - 1) * ne +                        \
                         (ad) % LOOM_MAP_CORE_SPAN - LOOM_CORE_FANOUT])))
    for (size_t sg = 0; !st && sg <= img->n_segs; sg++) {
        const limg_seg *g = sg < img->n_segs ? &img->segs[sg] : NULL;
        size_t j = 0;
        for (;;) {
            size_t run0 = j, run1 = j;
            if (g) {
                const uint32_t *w = img->words + g->off;
                while (run0 < g->count && BOOT_SKIP(g->addr + run0, w[run0]))
                    run0++;
                run1 = run0;
                while (run1 < g->count && !BOOT_SKIP(g->addr + run1, w[run1]))
                    run1++;
            }
            size_t room = (size_t)fr->len + 6 + 4 <= max_payload ? (max_payload - fr->len - 6) / 4 : 0;
            if (g && run1 > run0 && room > 0) {
                size_t chunk = run1 - run0 < room ? run1 - run0 : room;
                size_t plen = fr->len;
                st = link_batch_write(fr->payload, max_payload, &plen, g->addr + (uint32_t)run0,
                                      img->words + g->off + run0, chunk, 0, e);
                fr->len = (uint16_t)plen;
                j = run0 + chunk;
                if (st)
                    break;
                continue;
            }
            if (fr->len && (!g || run1 > run0)) { /* payload full, or the end: flush */
                fr->seq = seq++;
                fr->cmd = LINK_CMD_BATCH;
                size_t wn = link_frame_encode(fr, wire);
                if (need + wn <= rom_bytes)
                    memcpy(rom + pos, wire, wn);
                need += wn;
                pos += wn;
                fr->len = 0;
                if (g)
                    continue;
            }
            break;
        }
    }
#undef BOOT_SKIP
    free(keep);
    free(fr);
    free(wire);
    if (!st && need > rom_bytes)
        st = loom_fail(e, LOOM_E_CAPACITY,
                       "the model's image needs %zu boot ROM bytes, the board has %u; "
                       "load it at run time with loom run instead",
                       need, rom_bytes);
    if (!st && need - 4 > 0xFFFF)
        st = loom_fail(e, LOOM_E_CAPACITY, "boot stream of %zu bytes exceeds 65535", need - 4);
    if (!st) {
        rom[0] = BOOT_MAGIC0;
        rom[1] = BOOT_MAGIC1;
        rom[2] = (uint8_t)((need - 4) & 0xFF);
        rom[3] = (uint8_t)((need - 4) >> 8);
        st = write_rom(path, rom, rom_bytes, e);
        if (used)
            *used = (uint32_t)need;
    }
    free(rom);
    return st;
}

/* After a failed placement: the resources nextpnr's utilisation table
 * shows over 100 % ("ICESTORM_LC:  5581/ 1280   436%"), as "5581 of 1280
 * logic cells, 17 of 16 RAM blocks".  0 when none is over. */
static int pnr_overflow(const char *log, char *out, size_t n)
{
    static const struct { const char *cell, *what; } kinds[] = {
        {"ICESTORM_LC:", "logic cells"}, {"ICESTORM_RAM:", "RAM blocks"},
        {"ICESTORM_SPRAM:", "SPRAM blocks"}, {"ICESTORM_DSP:", "DSP blocks"}, {"SB_IO:", "I/O pins"}};
    FILE *f = fopen(log, "r");
    if (!f)
        return 0;
    char line[512];
    size_t len = 0;
    unsigned seen = 0;
    out[0] = '\0';
    while (fgets(line, sizeof line, f)) {
        for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
            const char *c = strstr(line, kinds[k].cell);
            long used, total;
            if (!c || sscanf(c + strlen(kinds[k].cell), " %ld/ %ld", &used, &total) != 2 || used <= total)
                continue;
            if (seen & (1u << k))
                continue; /* the table can appear more than once */
            seen |= 1u << k;
            int w = snprintf(out + len, n - len, "%s%ld of %ld %s", len ? ", " : "", used, total, kinds[k].what);
            if (w > 0 && (size_t)w < n - len)
                len += (size_t)w;
        }
    }
    fclose(f);
    return len > 0;
}

/* ---- small JSON scanning (nextpnr / yosys reports, our own report) ------------ */

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 65536, len = 0;
    char *b = malloc(cap + 1);
    while (b) {
        size_t r = fread(b + len, 1, cap - len, f);
        len += r;
        if (len < cap)
            break;
        char *nb = realloc(b, 2 * cap + 1);
        if (!nb) {
            free(b);
            b = NULL;
            break;
        }
        b = nb;
        cap *= 2;
    }
    fclose(f);
    if (b) {
        b[len] = 0;
        if (n)
            *n = len;
    }
    return b;
}

/* ---- the report ------------------------------------------------------------------ */

typedef struct model_share {
    int have;
    char path[1024];
    uint32_t neurons, inputs, levels, outputs;
    uint64_t synapses;
    double cycles, steps_per_s;
    uint32_t boot_used;
} model_share;

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fprintf(f, "\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            fprintf(f, "\\u%04x", *s);
        else
            fputc(*s, f);
    }
    fputc('"', f);
}

static loom_status write_report(const build_opts *o, const char *dir, const model_share *ms,
                                double t_yosys, double t_pnr, int cached, loom_err *e)
{
    const board_info *b = o->board;
    char path[4096];
    fmt_to(path, sizeof path, "%s/nextpnr-report.json", dir);
    if (access(path, R_OK) != 0)
        return loom_fail(e, LOOM_E_IO, "%s: missing (was the build interrupted? rerun with --force)", path);
    static const char *const bels[4] = {"ICESTORM_LC", "ICESTORM_RAM", "ICESTORM_SPRAM", "ICESTORM_DSP"};
    double used[4], avail[4], fmax;
    loom_status rst = report_pnr_read(path, bels, 4, used, avail, &fmax, e);
    if (rst)
        return rst;
    double lc = used[0], ram = used[1], spr = used[2], dsp = used[3];
    double lc_av = avail[0], ram_av = avail[1], spr_av = avail[2], dsp_av = avail[3];
    fmt_to(path, sizeof path, "%s/yosys-stat.json", dir);
    static const char *const cells[3] = {"SB_CARRY", "SB_DFF", "SB_LUT4"};
    long sums[3] = {-1, -1, -1};
    if (access(path, R_OK) == 0 && (rst = report_stat_cells(path, cells, 3, sums, e)))
        return rst;
    long carries = sums[0], ffs = sums[1], lut4 = sums[2];
    const limg_arch *a = &b->arch;
    fmt_to(path, sizeof path, "%s/report.json", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return loom_fail(e, LOOM_E_IO, "%s: cannot create: %s", path, strerror(errno));
    fprintf(f, "{\n  \"board\": ");
    json_str(f, b->name);
    fprintf(f, ",\n  \"device\": ");
    json_str(f, b->device);
    fprintf(f, ",\n  \"package\": ");
    json_str(f, b->package);
    fprintf(f, ",\n  \"clock_source\": ");
    json_str(f, b->clock_src);
    fprintf(f, ",\n  \"engine\": \"%s\"", b->fw_ram_bytes ? "firmware" : "array");
    fprintf(f,
            ",\n  \"clock_mhz\": %.3f,\n  \"fmax_mhz\": %.2f,\n  \"timing_met\": %s,\n"
            "  \"luts_used\": %.0f,\n  \"luts_total\": %.0f,\n  \"lut4_cells\": %ld,\n"
            "  \"carries\": %ld,\n  \"ffs\": %ld,\n"
            "  \"bram_used\": %.0f,\n  \"bram_total\": %.0f,\n"
            "  \"spram_used\": %.0f,\n  \"spram_total\": %.0f,\n"
            "  \"dsp_used\": %.0f,\n  \"dsp_total\": %.0f,\n",
            b->clock_mhz, fmax, fmax >= b->clock_mhz ? "true" : "false", lc < 0 ? 0 : lc,
            lc_av > 0 ? lc_av : (double)b->luts, lut4, carries, ffs, ram < 0 ? 0 : ram,
            ram_av > 0 ? ram_av : (double)b->brams, spr < 0 ? 0 : spr,
            spr_av > 0 ? spr_av : (double)b->sprams, dsp < 0 ? 0 : dsp,
            dsp_av > 0 ? dsp_av : (double)b->dsps);
    fprintf(f,
            "  \"W\": %u,\n  \"S\": %u,\n  \"A\": %u,\n  \"cores\": %u,\n"
            "  \"neurons\": %llu,\n  \"synapses\": %llu,\n  \"max_delay\": %u,\n"
            "  \"profiles\": %u,\n  \"levels\": %u,\n  \"inputs\": %u,\n"
            "  \"baud\": %u,\n  \"boot_bytes_total\": %u,\n",
            (unsigned)a->arch.w, (unsigned)a->arch.s, (unsigned)a->arch.a, a->cores, (unsigned long long)board_neurons(b),
            (unsigned long long)board_synapses(b), (unsigned)a->arch.d, a->profiles * a->cores, a->levels,
            a->max_inputs, b->baud, b->boot_bytes);
    fprintf(f, "  \"yosys_s\": %.1f,\n  \"nextpnr_s\": %.1f,\n  \"cached\": %s,\n", t_yosys, t_pnr,
            cached ? "true" : "false");
    if (ms && ms->have) {
        fprintf(f, "  \"model\": {\n    \"path\": ");
        json_str(f, ms->path);
        fprintf(f,
                ",\n    \"neurons\": %u,\n    \"synapses\": %llu,\n    \"inputs\": %u,\n"
                "    \"levels\": %u,\n    \"neuron_share\": %.4f,\n    \"synapse_share\": %.4f,\n"
                "    \"boot_bytes_used\": %u,\n    \"input_rate\": %g,\n    \"neuron_rate\": %g,\n"
                "    \"cycles_per_step\": %.1f,\n    \"steps_per_s\": %.0f\n  }\n}\n",
                ms->neurons, (unsigned long long)ms->synapses, ms->inputs, ms->levels,
                (double)ms->neurons / (double)board_neurons(b),
                (double)ms->synapses / (double)board_synapses(b), ms->boot_used, o->input_rate,
                o->neuron_rate, ms->cycles, ms->steps_per_s);
    } else {
        fprintf(f, "  \"model\": null\n}\n");
    }
    if (fclose(f) != 0)
        return loom_fail(e, LOOM_E_IO, "%s: write failed", path);
    if (fmax < b->clock_mhz && !o->allow_timing_fail)
        return loom_fail(e, LOOM_E_CAPACITY,
                         "timing not met on %s: Fmax %.2f MHz < clock %.2f MHz (see %s/nextpnr.log; "
                         "--allow-timing-fail keeps the bitstream)",
                         b->name, fmax, b->clock_mhz, dir);
    return LOOM_OK;
}

loom_status build_read_report(const char *dir, char **out, loom_err *e)
{
    char path[4096];
    fmt_to(path, sizeof path, "%s/report.json", dir);
    *out = slurp(path, NULL);
    if (!*out)
        return loom_fail(e, LOOM_E_IO, "%s: cannot read (not a loom build folder?)", path);
    return LOOM_OK;
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

static loom_status stage_synth_pnr(const build_opts *o, const char *dir, const char *root,
                                   double *t_yosys, double *t_pnr, int *cached, loom_err *e)
{
    const board_info *b = o->board;
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
    param_string(b, "boot_placeholder.hex", "fw.hex", params, sizeof params);
    if (b->fw_ram_bytes && !find_firmware(b, root, fw_src, sizeof fw_src)) {
        free_sources(&s);
        return loom_fail(e, LOOM_E_IO,
                         "board %s runs firmware, and its image %s is missing: build it with "
                         "`make` (needs gcc-riscv64-unknown-elf, see `make deps`) or set LOOM_FW",
                         b->name, fw_src);
    }

    /* hash every input: sources, pcf, parameters, board entry, tool set */
    uint64_t h = 0xcbf29ce484222325ULL;
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
    h = fnv(h, b->single_port ? "sp1" : "sp0", 3);
    char hash[32];
    fmt_to(hash, sizeof hash, "%016llx", (unsigned long long)h);

    char hpath[4096], gasc[4096];
    fmt_to(hpath, sizeof hpath, "%s/inputs.hash", dir);
    fmt_to(gasc, sizeof gasc, "%s/generic.asc", dir);
    char *old = slurp(hpath, NULL);
    if (old && !o->force && !strncmp(old, hash, 16) && file_exists(gasc) && file_exists(ph) &&
        (!b->fw_ram_bytes || file_exists(fw))) {
        free(old);
        free_sources(&s);
        *cached = 1;
        progress(o, "cache", 0, "inputs unchanged (hash %s): synthesis and place-and-route skipped", hash);
        return LOOM_OK;
    }
    free(old);
    remove(hpath);
    *cached = 0;

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
    fprintf(f, "# written by loom build for board %s\nread_verilog -I%s/rtl", b->name, SRC_LINK);
    for (size_t i = 0; i < s.g1.gl_pathc; i++)
        fprintf(f, " %s%s", SRC_LINK, s.g1.gl_pathv[i] + rl);
    for (size_t i = 0; i < s.g2.gl_pathc; i++)
        fprintf(f, " %s%s", SRC_LINK, s.g2.gl_pathv[i] + rl);
    fprintf(f, " %s%s\n", SRC_LINK, s.top + rl);
    fprintf(f, "chparam %s %s\n", params, top);
    if (b->single_port && !b->fw_ram_bytes) /* board tops leave SP to loom_board_core's default */
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
    char plog[4096], prep[4096], json[4096], dev[32], freq[32], pcf[4096];
    fmt_to(plog, sizeof plog, "%s/nextpnr.log", dir);
    fmt_to(prep, sizeof prep, "%s/nextpnr-report.json", dir);
    fmt_to(json, sizeof json, "%s/loom.json", dir);
    fmt_to(dev, sizeof dev, "--%s", b->pnr_device);
    fmt_to(freq, sizeof freq, "%.3f", b->clock_mhz);
    fmt_to(pcf, sizeof pcf, "%s/boards/%s/%s.pcf", root, b->name, b->name);
    char pkg[32];
    fmt_to(pkg, sizeof pkg, "%s", b->package);
    progress(o, "nextpnr", -1, "placing and routing for %s-%s at %s MHz (log %s)", b->device,
             b->package, freq, plog);
    t0 = now_s();
    char *pargv[] = {"nextpnr-ice40", dev, "--package", pkg, "--json", json, "--pcf", pcf,
                     "--asc", gasc, "--freq", freq, "--report", prep, "--seed", "1",
                     "--timing-allow-fail", "-q", "-l", plog, NULL};
    char perr[4096];
    fmt_to(perr, sizeof perr, "%s/nextpnr.stderr", dir);
    st = run_tool(pargv, NULL, NULL, perr, NULL, e);
    *t_pnr = now_s() - t0;
    if (st) {
        char over[512];
        if (pnr_overflow(plog, over, sizeof over))
            return loom_fail(e, LOOM_E_CAPACITY, "the design does not fit the %s: it needs %s (log %s)",
                             b->device, over, plog);
        return loom_err_prefix(e, "place and route (log %s)", plog);
    }
    progress(o, "nextpnr", *t_pnr, "done");

    f = fopen(hpath, "w");
    if (!f || fprintf(f, "%s\n", hash) < 0 || fclose(f) != 0)
        return loom_fail(e, LOOM_E_IO, "%s: cannot write", hpath);
    return LOOM_OK;
}

/* icebram placeholder -> boot.hex on generic.asc, then icepack. */
/* ---- firmware boards: the RAM image ----------------------------------------------- */

loom_status build_ram_hex_read(const char *path, uint32_t *w, size_t cap, size_t *n, loom_err *e)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return loom_fail(e, LOOM_E_IO, "%s: cannot open: %s", path, strerror(errno));
    char line[64];
    size_t k = 0;
    while (fgets(line, sizeof line, f)) {
        char *end;
        unsigned long v = strtoul(line, &end, 16);
        if (end == line || (*end && *end != '\n' && *end != '\r') || v > 0xFFFFFFFFul ||
            strlen(line) > 10) {
            fclose(f);
            return loom_fail(e, LOOM_E_PARSE, "%s:%zu: not a 32-bit hex word", path, k + 1);
        }
        if (k < cap)
            w[k] = (uint32_t)v;
        k++;
    }
    fclose(f);
    *n = k;
    return LOOM_OK;
}

/* Reads a RAM image of exactly `words` words. */
static loom_status read_ram_hex(const char *path, uint32_t *w, size_t words, loom_err *e)
{
    size_t n;
    loom_status st = build_ram_hex_read(path, w, words, &n, e);
    if (!st && n != words)
        st = loom_fail(e, LOOM_E_PARSE, "%s: %zu words, the RAM has %zu", path, n, words);
    return st;
}

static loom_status write_ram_hex(const char *path, const uint32_t *w, size_t words, loom_err *e)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return loom_fail(e, LOOM_E_IO, "%s: cannot create: %s", path, strerror(errno));
    for (size_t i = 0; i < words; i++)
        fprintf(f, "%08x\n", (unsigned)w[i]);
    if (fclose(f) != 0)
        return loom_fail(e, LOOM_E_IO, "%s: write failed", path);
    return LOOM_OK;
}

/* Loads the model on the board's virtual board (o->bake) and writes the RAM
 * image it leaves to hex: the baked board. */
static loom_status bake_fw(const build_opts *o, const seir_net *net, const limg *img,
                           const char *hex, double *cycles, loom_err *e)
{
    const size_t words = o->board->fw_ram_bytes / 4;
    uint32_t *ram = malloc(words * sizeof *ram);
    if (!ram)
        return loom_fail(e, LOOM_E_NOMEM, "no memory for a RAM image");
    progress(o, "bake", -1, "loading the model on the %s's virtual board", o->board->name);
    double t0 = now_s();
    loom_status st = o->bake(o->bake_ctx, o->board, net, img, o->input_rate, ram, words, cycles, e);
    if (!st)
        st = write_ram_hex(hex, ram, words, e);
    if (!st)
        progress(o, "bake", now_s() - t0, "RAM image in %s", hex);
    free(ram);
    return st;
}

/* One 256 x 16 block RAM of an .asc (`.ram_data X Y` and 16 lines of 64 hex
 * digits, line k = INIT_k, most significant digit first): word j is bits
 * 16(j%16) .. +15 of line j/16, its bit b holding data bit rev4(b) (the
 * iCE40's interleaved INIT layout). */
static unsigned rev4(unsigned b)
{
    return ((b & 1) << 3) | ((b & 2) << 1) | ((b & 4) >> 1) | ((b & 8) >> 3);
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static int bram_decode(char *const lines[16], uint16_t out[256])
{
    for (unsigned j = 0; j < 256; j++) {
        const char *l = lines[j / 16];
        const unsigned jj = j % 16;
        unsigned raw = 0;
        for (unsigned c = 0; c < 4; c++) {
            int v = hexval(l[60 - 4 * jj + c]);
            if (v < 0)
                return -1;
            raw = raw << 4 | (unsigned)v;
        }
        unsigned d = 0;
        for (unsigned b = 0; b < 16; b++)
            if (raw >> b & 1)
                d |= 1u << rev4(b);
        out[j] = (uint16_t)d;
    }
    return 0;
}

static void bram_encode(const uint16_t in[256], char *const lines[16])
{
    static const char hx[] = "0123456789abcdef";
    for (unsigned j = 0; j < 256; j++) {
        unsigned raw = 0;
        for (unsigned b = 0; b < 16; b++)
            if (in[j] >> rev4(b) & 1)
                raw |= 1u << b;
        char *l = lines[j / 16] + 60 - 4 * (j % 16);
        for (unsigned c = 0; c < 4; c++)
            l[c] = hx[(raw >> (12 - 4 * c)) & 15];
    }
}

/* asc = gasc with every block RAM that holds a 256-word, 16-bit slice of
 * the RAM image `from` rewritten to hold the same slice of `to` -- what
 * icebram does, which cannot here: code has constant bit columns (an
 * instruction's low two bits are always 1) that it cannot place.  A slice
 * is found by its whole content; `from` has pseudo-random words past the
 * firmware (boards/fw.mk), so every slice is found exactly once, or the
 * swap is refused. */
static loom_status ram_swap(const char *gasc, const char *from_hex, const char *to_hex,
                            const char *asc, size_t words, loom_err *e)
{
    const size_t slices = words / 256 * 2;
    uint32_t *from = malloc(words * sizeof *from), *to = malloc(words * sizeof *to);
    char *text = slurp(gasc, NULL);
    unsigned char *seen = calloc(slices, 1);
    loom_status st = LOOM_OK;
    if (!from || !to || !seen)
        st = loom_fail(e, LOOM_E_NOMEM, "no memory for RAM images");
    else if (!text)
        st = loom_fail(e, LOOM_E_IO, "%s: cannot read", gasc);
    if (!st)
        st = read_ram_hex(from_hex, from, words, e);
    if (!st)
        st = read_ram_hex(to_hex, to, words, e);
    for (char *p = text; !st && p && (p = strstr(p, "\n.ram_data ")); p++) {
        char *lines[16], *q = strchr(p + 1, '\n');
        unsigned k = 0;
        for (; q && k < 16; k++) {
            lines[k] = q + 1;
            q = strchr(q + 1, '\n');
            if (!q || q - lines[k] != 64)
                break;
        }
        if (k < 16) {
            st = loom_fail(e, LOOM_E_PARSE, "%s: a .ram_data block is not 16 lines of 64 hex digits",
                           gasc);
            break;
        }
        uint16_t blk[256], sl[256];
        if (bram_decode(lines, blk)) {
            st = loom_fail(e, LOOM_E_PARSE, "%s: a .ram_data block holds a non-hex digit", gasc);
            break;
        }
        long hit = -1;
        for (size_t s = 0; s < slices; s++) {
            const size_t base = s / 2 * 256;
            const unsigned sh = (unsigned)(s % 2) * 16;
            size_t j = 0;
            while (j < 256 && (uint16_t)(from[base + j] >> sh) == blk[j])
                j++;
            if (j < 256)
                continue;
            if (hit >= 0 || seen[s]) {
                st = loom_fail(e, LOOM_E_INTERNAL, "%s: RAM slice %zu of %s is not unique: cannot "
                               "swap RAM images (rebuild with --force)", gasc, s, from_hex);
                break;
            }
            hit = (long)s;
        }
        if (st || hit < 0)
            continue;   /* another memory (the receive ring) */
        seen[hit] = 1;
        const size_t base = (size_t)hit / 2 * 256;
        const unsigned sh = (unsigned)(hit % 2) * 16;
        for (unsigned j = 0; j < 256; j++)
            sl[j] = (uint16_t)(to[base + j] >> sh);
        bram_encode(sl, lines);
    }
    for (size_t s = 0; !st && s < slices; s++)
        if (!seen[s])
            st = loom_fail(e, LOOM_E_INTERNAL, "%s: RAM slice %zu of %s not found in the bitstream "
                           "(rebuild with --force)", gasc, s, from_hex);
    if (!st) {
        FILE *f = fopen(asc, "w");
        if (!f)
            st = loom_fail(e, LOOM_E_IO, "%s: cannot create: %s", asc, strerror(errno));
        else if (fputs(text, f) < 0 || fclose(f) != 0)
            st = loom_fail(e, LOOM_E_IO, "%s: write failed", asc);
    }
    free(from);
    free(to);
    free(text);
    free(seen);
    return st;
}

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
static loom_status stage_model(const build_opts *o, const char *dir, model_share *ms, loom_err *e)
{
    const board_info *b = o->board;
    if (b->boot_bytes == 0 && !b->fw_ram_bytes)
        return loom_fail(e, LOOM_E_CAPACITY,
                         "board %s has no boot ROM: models cannot be baked in; build it without a "
                         "model and load the model at run time with loom run",
                         b->name);
    if (b->fw_ram_bytes && !o->bake)
        return loom_fail(e, LOOM_E_UNSUPPORTED,
                         "baking a model into board %s takes its virtual board (loom build has one; "
                         "this program gave none)", b->name);
    model m;
    double t0 = now_s();
    progress(o, "map", -1, "compiling %s and mapping it onto %s", o->model_path, b->name);
    loom_status st = model_load(o->model_path, &o->mopts, &m, e);
    if (st)
        return st;
    map_result *mr = NULL;
    st = map_fit_explain(map_net(m.net, &b->arch, &mr, e), m.net, &b->arch, e);
    if (st) {
        model_free(&m);
        char arch[256];
        limg_arch_str(&b->arch, arch, sizeof arch);
        return loom_err_prefix(e, "%s does not fit board %s (%s)", o->model_path, b->name, arch);
    }
    char boot[4096];
    fmt_to(boot, sizeof boot, "%s/boot.hex", dir);
    memset(ms, 0, sizeof *ms);
    double fw_cycles = 0;
    if (b->fw_ram_bytes)
        st = bake_fw(o, m.net, mr->img, boot, &fw_cycles, e);
    else
        st = build_boot_hex(mr->img, b->max_payload, b->boot_bytes, boot, &ms->boot_used, e);
    if (st) {
        loom_err_prefix(e, "%s on board %s", o->model_path, b->name);
    } else {
        ms->have = 1;
        fmt_to(ms->path, sizeof ms->path, "%s", o->model_path);
        ms->neurons = mr->n_neurons;
        ms->inputs = mr->n_inputs;
        ms->levels = mr->n_levels;
        ms->synapses = mr->n_syn;
        mr->port_cycles = b->single_port ? 2 : 1;   /* SP=1: 2 cycles per neuron / event */
        /* the array's cycle model; a firmware board's step was measured */
        ms->cycles = b->fw_ram_bytes ? fw_cycles
                                     : map_predict_cycles(mr, o->input_rate, NULL, o->neuron_rate);
        ms->steps_per_s = ms->cycles > 0 ? b->clock_mhz * 1e6 / ms->cycles : 0;
        if (b->fw_ram_bytes)
            progress(o, "map", now_s() - t0, "%u neurons, %llu synapses, RAM image taken, "
                     "at most %.0f cycles per step", ms->neurons, (unsigned long long)ms->synapses,
                     fw_cycles);
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
    const board_info *b = o->board;
    model m;
    loom_status st = model_load(o->model_path, &o->mopts, &m, e);
    if (st)
        return st;
    map_result *mr = NULL;
    st = map_fit_explain(map_net(m.net, &b->arch, &mr, e), m.net, &b->arch, e);
    if (st) {
        char arch[256];
        limg_arch_str(&b->arch, arch, sizeof arch);
        loom_err_prefix(e, "%s does not fit board %s (%s)", o->model_path, b->name, arch);
    }
    map_free(mr);
    model_free(&m);
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

    if (o->boot_only) {
        if (!o->model_path)
            return loom_fail(e, LOOM_E_ARG, "--boot-only needs a model");
        if ((st = mkdir_p(dir, e)))
            return st;
        return stage_model(o, dir, &ms, e);
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
    }
    if (o->model_path) {
        if ((st = stage_model(o, dir, &ms, e)))
            return st;
    }
    if ((st = stage_pack(o, dir, o->model_path != NULL, e)))
        return st;
    return write_report(o, dir, &ms, ty, tp, cached, e);
}

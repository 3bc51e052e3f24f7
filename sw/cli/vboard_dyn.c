/*
 * vboard_dyn.c -- run-time virtual board models of build folders
 * (vboard_dyn.h).
 */
#include "vboard_dyn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "build.h"

/* RTL of the board core: what sim/vboard.mk's RTL_BOARD holds, minus the
 * firmware processor */
static const char *const srcs[] = {
    "boards/common/loom_board_core.v", "boards/common/loom_board_misc.v", "boards/common/loom_boot.v",
    "boards/common/loom_flash_boot.v", "rtl/loom_top.v", "rtl/loom_link.v", "rtl/loom_uart_rx.v",
    "rtl/loom_uart_tx.v", "rtl/loom_crc16.v", "rtl/loom_link_rx.v", "rtl/loom_link_tx.v",
    "rtl/loom_cmd.v", "rtl/loom_array.v", "rtl/loom_core.v", "rtl/loom_core_upd.v",
    "rtl/loom_core_prof.v", "rtl/loom_core_dlv.v", "rtl/loom_core_syn.v", "rtl/loom_core_ring.v",
    "rtl/loom_router.v", "rtl/loom_seq.v", "rtl/loom_ram.v", "rtl/loom_spram.v", "rtl/loom_map.vh", "sim/vboard_dyn.cpp",
    "sim/vboard_model.hpp"};
#define N_SRCS (sizeof srcs / sizeof srcs[0])
#define N_RTL 23 /* the first N_RTL are Verilator's inputs */

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/* Runs argv with stdout and stderr appended to log; 0 when it exits 0. */
static loom_status run(char *const argv[], const char *log, loom_err *e)
{
    pid_t pid = fork();
    if (pid < 0)
        return loom_fail(e, LOOM_E_IO, "%s: cannot start: %s", argv[0], strerror(errno));
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        execvp(argv[0], argv);
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return loom_fail(e, LOOM_E_IO, "%s: wait failed: %s", argv[0], strerror(errno));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return loom_fail(e, LOOM_E_IO, "%s failed (exit %d%s; see %s)", argv[0],
                         WIFEXITED(status) ? WEXITSTATUS(status) : -1,
                         WIFEXITED(status) && WEXITSTATUS(status) == 127 ? ": not installed? make deps" : "",
                         log);
    return LOOM_OK;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ c[i]) * 0x100000001b3ULL;
    return h;
}

static int hash_file(uint64_t *h, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    unsigned char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        *h = fnv(*h, buf, n);
    fclose(f);
    return 0;
}

/* The first line of a command's output (no user text in cmd). */
static int first_line(const char *cmd, char *out, size_t len)
{
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    out[0] = '\0';
    if (!fgets(out, (int)len, p))
        out[0] = '\0';
    int rc = pclose(p);
    out[strcspn(out, "\n")] = '\0';
    return rc == 0 && out[0] ? 0 : -1;
}

static loom_status build_in(const char *mdir, const char *root, const char *vroot, char g[][96], int ng,
                            const char *bootp, const char *log, const char *lib, loom_err *e);

loom_status vboard_dyn_build(const char *dir, const board_info *b, const vboard_dyn_arch *a, int quiet,
                             char *lib, size_t len, loom_err *e)
{
    char root[4096], vroot[1024], vver[256], mdir[4096], path[4096 + 64];
    build_find_root(root, sizeof root);
    snprintf(path, sizeof path, "%s/sim/vboard_dyn.cpp", root);
    if (access(path, R_OK) != 0)
        return loom_fail(e, LOOM_E_IO,
                         "%s: missing: a virtual board of a build's own arch is Verilated from the "
                         "source tree (set LOOM_DATADIR to it)", path);
    if (first_line("verilator --getenv VERILATOR_ROOT 2>/dev/null", vroot, sizeof vroot) ||
        first_line("verilator --version 2>/dev/null", vver, sizeof vver))
        return loom_fail(e, LOOM_E_IO, "verilator not found: it builds the virtual board of %s "
                         "(install it with make deps)", dir);
    if (a->boot_file && strpbrk(a->boot_file, "\"\\"))
        return loom_fail(e, LOOM_E_ARG, "%s: a quote or backslash in the path; Verilator cannot take it",
                         a->boot_file);
    snprintf(mdir, sizeof mdir, "%s/vboard", dir);
    if (mkdir(mdir, 0777) != 0 && errno != EEXIST)
        return loom_fail(e, LOOM_E_IO, "%s: cannot create: %s", mdir, strerror(errno));

    /* the model's parameters: as sim/vboard_params -G, with DIR's arch */
    const limg_arch *x = &a->arch;
    char g[40][96];
    int ng = 0;
#define G(...) snprintf(g[ng++], sizeof g[0], __VA_ARGS__)
    G("-GCLK_HZ=%u", (unsigned)(b->clock_mhz * 1e6 + 0.5));
    G("-GCLKS_PER_BIT=%u", board_clks_per_bit(b));
    G("-GBOARD_ID=%u", b->board_id);
    G("-GMAX_PAYLOAD=%u", b->max_payload);
    G("-GBOOT_BYTES=%u", a->boot_file ? b->boot_bytes : 0);
    G("-GFLASH_OFFSET=%u", a->flash_offset);
    G("-GW=%d", x->arch.w);
    G("-GS=%d", x->arch.s);
    G("-GA=%d", x->arch.a);
    G("-GD=%d", x->arch.d);
    G("-GK=%u", x->cores);
    G("-GN=%u", x->neurons);
    G("-GSYN=%u", x->syn_words);
    G("-GP=%u", x->profiles);
    G("-GLMAX=%u", x->levels);
    G("-GMAXIN=%u", x->max_inputs);
    G("-GEQ=%u", a->eq);
    G("-GSP=%u", a->single_port);
#undef G
    char bootp[4200] = "";
    if (a->boot_file)
        snprintf(bootp, sizeof bootp, "-GBOOT_FILE=\"%s\"", a->boot_file);

    /* the cache key: parameters, every source, the Verilator */
    uint64_t h = 0xcbf29ce484222325ULL;
    for (int i = 0; i < ng; i++)
        h = fnv(h, g[i], strlen(g[i]) + 1);
    h = fnv(h, bootp, strlen(bootp) + 1);
    h = fnv(h, vver, strlen(vver));
    for (size_t i = 0; i < N_SRCS; i++) {
        snprintf(path, sizeof path, "%s/%s", root, srcs[i]);
        if (hash_file(&h, path))
            return loom_fail(e, LOOM_E_IO, "%s: cannot read: %s", path, strerror(errno));
    }
    char key[64], keyp[4200], old[64] = "";
    snprintf(key, sizeof key, "%016llx", (unsigned long long)h);
    snprintf(keyp, sizeof keyp, "%s/key", mdir);
    snprintf(lib, len, "%s/model.so", mdir);
    FILE *f = fopen(keyp, "r");
    if (f) {
        if (!fgets(old, sizeof old, f))
            old[0] = '\0';
        fclose(f);
    }
    if (!strncmp(old, key, 16) && access(lib, R_OK) == 0) {
        if (!quiet)
            fprintf(stderr, "[vboard ] %s: cached (key %s)\n", lib, key);
        return LOOM_OK;
    }
    remove(keyp);

    char log[4200];
    snprintf(log, sizeof log, "%s/build.log", mdir);
    remove(log);
    char arch[256];
    limg_arch_str(x, arch, sizeof arch);
    if (!quiet)
        fprintf(stderr, "[vboard ] verilating the %s board core for %s's arch (%s) into %s "
                "(log %s; a minute or so)\n", b->name, dir, arch, mdir, log);
    double t0 = now();
    /* GNU make cannot build in a folder whose path has spaces: the model is
     * built in a fresh temporary folder and only model.so moves to DIR */
    char work[512];
    const char *td = getenv("TMPDIR");
    snprintf(work, sizeof work, "%s/loom-vboard-XXXXXX", td && *td && !strchr(td, ' ') ? td : "/tmp");
    if (!mkdtemp(work))
        return loom_fail(e, LOOM_E_IO, "%s: cannot create: %s", work, strerror(errno));
    loom_status st = build_in(work, root, vroot, g, ng, bootp, log, lib, e);
    char *rm[] = {"rm", "-rf", work, NULL};
    loom_err re;
    run(rm, log, &re);
    if (st)
        return st;
    f = fopen(keyp, "w");
    if (!f || fprintf(f, "%s\n", key) < 0 || fclose(f) != 0)
        return loom_fail(e, LOOM_E_IO, "%s: cannot write", keyp);
    if (!quiet)
        fprintf(stderr, "[vboard ] done (%.1f s): %s\n", now() - t0, lib);
    return LOOM_OK;
}

/* Verilates and compiles in mdir (no spaces), then moves the shared object
 * to lib. */
static loom_status build_in(const char *mdir, const char *root, const char *vroot, char g[][96], int ng,
                            const char *bootp, const char *log, const char *lib, loom_err *e)
{
    char inc[4200], rtl[N_RTL][4200];
    snprintf(inc, sizeof inc, "-I%s/rtl", root);
    char *argv[96];
    int n = 0;
    argv[n++] = "verilator";
    argv[n++] = "--cc";
    argv[n++] = "--prefix";
    argv[n++] = "Vloom_vb_dyn";
    argv[n++] = "-Mdir";
    argv[n++] = (char *)mdir;
    argv[n++] = inc;
    argv[n++] = "-CFLAGS";
    argv[n++] = "-fPIC";
    argv[n++] = "--top-module";
    argv[n++] = "loom_board_core";
    for (int i = 0; i < ng; i++)
        argv[n++] = g[i];
    if (bootp[0])
        argv[n++] = (char *)bootp;
    for (int i = 0; i < N_RTL; i++) {
        snprintf(rtl[i], sizeof rtl[i], "%s/%s", root, srcs[i]);
        argv[n++] = rtl[i];
    }
    argv[n] = NULL;
    loom_status st = run(argv, log, e);
    /* Verilator's own --build passes -Mdir to make unquoted: make runs here */
    char *mk[] = {"make", "--no-print-directory", "-s", "-j2", "-C", (char *)mdir, "-f", "Vloom_vb_dyn.mk",
                  "Vloom_vb_dyn__ALL.a", "OPT_FAST=-O2", "OPT_SLOW=-O1", "OPT_GLOBAL=-O1", NULL};
    if (!st)
        st = run(mk, log, e);
    if (st)
        return st;
    char i1[1100], i2[1100], i3[4200], i4[4200], v1[1100], v2[1100], dyn[4200], ar[4200], tmp[4200];
    snprintf(i1, sizeof i1, "-I%s/include", vroot);
    snprintf(i2, sizeof i2, "-I%s/include/vltstd", vroot);
    snprintf(i3, sizeof i3, "-I%s", mdir);
    snprintf(i4, sizeof i4, "-I%s/sim", root);
    snprintf(v1, sizeof v1, "%s/include/verilated.cpp", vroot);
    snprintf(v2, sizeof v2, "%s/include/verilated_threads.cpp", vroot);
    snprintf(dyn, sizeof dyn, "%s/sim/vboard_dyn.cpp", root);
    snprintf(ar, sizeof ar, "%s/Vloom_vb_dyn__ALL.a", mdir);
    snprintf(tmp, sizeof tmp, "%s/model.so", mdir);
    char *cxx[] = {"c++", "-std=c++17", "-O1", "-fPIC", "-shared", i1, i2, i3, i4, "-o", tmp, dyn, v1, v2,
                   ar, "-lpthread", NULL};
    if ((st = run(cxx, log, e)))
        return st;
    char part[4200];
    snprintf(part, sizeof part, "%s.part", lib);
    char *cp[] = {"cp", tmp, part, NULL};
    if ((st = run(cp, log, e)))
        return st;
    if (rename(part, lib) != 0)
        return loom_fail(e, LOOM_E_IO, "%s: cannot write: %s", lib, strerror(errno));
    return LOOM_OK;
}

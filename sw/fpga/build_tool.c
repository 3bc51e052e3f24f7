/*
 * build_tool.c -- the tool runner of loom build: paths, folders, running
 * yosys/nextpnr/icepack with logs, input hashing, progress lines.
 */
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

#include "aig.h"
#include "loom_paths.h"
#include "link.h"
#include "loom_map.h"
#include "mapper.h"

int fmt_to(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, len, fmt, ap);
    va_end(ap);
    return n;
}

double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
void progress(const build_opts *o, const char *stage, double el, const char *fmt, ...)
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

int file_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* The folder `up` levels above the running executable into buf (up = 1:
 * the folder holding it).  0 when /proc/self/exe cannot be read. */
int exe_dir(int up, char *buf, size_t len)
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

loom_status mkdir_p(const char *dir, loom_err *e)
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
loom_status run_tool(char *const argv[], const char *in_path, const char *out_path,
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

uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++) {
        h ^= c[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

loom_status hash_file(uint64_t *h, const char *path, loom_err *e)
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

/* ---- small JSON scanning (nextpnr / yosys reports, our own report) ------------ */

char *slurp(const char *path, size_t *n)
{
    char *b;
    size_t len;
    loom_err e;
    if (aig_slurp(path, &b, &len, &e)) /* the whole file, NUL-terminated */
        return NULL;
    if (n)
        *n = len;
    return b;
}

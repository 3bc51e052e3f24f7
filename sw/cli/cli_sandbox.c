/*
 * cli_sandbox.c -- reading an NIR file in a child process first (see
 * cli_sandbox.h).  The library (compiler/nir_read.c) never forks; the
 * command line does it here, around it.
 */
#include "cli_sandbox.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "model.h"
#include "nir_int.h"

/* libhdf5 (1.10) itself can crash or run away on a bit-flipped file: a
 * corrupt variable-length size makes it allocate and clear gigabytes, a
 * corrupt offset makes it follow a wild pointer.  So the file is first read
 * in a child process with a memory cap (1 GiB + 8 x the file's size; not
 * under AddressSanitizer, whose shadow memory a cap would break), a CPU
 * time limit (HDF5 can loop for ever in its global heap) and a wall-clock
 * backstop.  A child that fails reports its message through a pipe and this
 * process returns it; only a child that read the file cleanly makes the
 * caller read it for real.  A child killed by a signal or over the limits
 * means a file corrupt in a way HDF5 cannot report. */
#define NIR_READ_LIMIT_S 120  /* wall clock, a backstop */
#define NIR_CPU_LIMIT_S 10    /* CPU seconds, + 1 per MB of file */

#if defined(__SANITIZE_ADDRESS__)
#define NIR_CAP_MEMORY 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NIR_CAP_MEMORY 0
#endif
#endif
#ifndef NIR_CAP_MEMORY
#define NIR_CAP_MEMORY 1
#endif

#ifdef LOOM_SANDBOX_QUIET_CHILD
/* The fuzzing build (tests/fuzz.mk): a child that libhdf5 crashes is the
 * guard doing its job, and its sanitizer report must not read as one of the
 * harness's own.  The parent still reads every file the child accepted, in
 * full view of the sanitizers. */
extern void __sanitizer_set_report_fd(void *fd) __attribute__((weak));
#include <fcntl.h>
#endif

static void child_read(const char *path, int fd)
{
#ifdef LOOM_SANDBOX_QUIET_CHILD
    int null_fd = open("/dev/null", O_WRONLY);
    if (__sanitizer_set_report_fd && null_fd >= 0)
        __sanitizer_set_report_fd((void *)(intptr_t)null_fd);
#endif
    struct stat sb;
    off_t size = stat(path, &sb) == 0 ? sb.st_size : 0;
    struct rlimit cpu = {(rlim_t)(NIR_CPU_LIMIT_S + size / 1000000), (rlim_t)(NIR_CPU_LIMIT_S + size / 1000000 + 1)};
    setrlimit(RLIMIT_CPU, &cpu);
    if (NIR_CAP_MEMORY) {
        rlim_t cap = ((rlim_t)1 << 30) + (rlim_t)size * 8;
        struct rlimit rl = {cap, cap};
        setrlimit(RLIMIT_AS, &rl);
    }
    nir_graph *g = NULL;
    loom_err ce;
    memset(&ce, 0, sizeof ce);
    loom_status st = nir_read_file(path, &g, &ce);
    nir_graph_free(g);
    if (st != LOOM_OK) {
        char msg[sizeof ce.msg + 16];
        int n = snprintf(msg, sizeof msg, "%d %s", (int)st, ce.msg);
        ssize_t w = write(fd, msg, (size_t)n);
        (void)w;
    }
    _exit(st == LOOM_OK ? 0 : 1);
}

loom_status cli_nir_sandbox(const char *path, loom_err *e)
{
    int fds[2];
    if (pipe(fds) != 0)
        return LOOM_OK; /* no pipe to spare: the caller reads directly */
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) { /* no process to spare: read directly */
        close(fds[0]);
        close(fds[1]);
        return LOOM_OK;
    }
    if (pid == 0) {
        close(fds[0]);
        child_read(path, fds[1]);
    }
    close(fds[1]);
    int status = 0;
    struct timespec nap = {0, 1000000};
    double waited = 0;
    loom_status st = LOOM_OK;
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            break;
        if (r < 0 && errno != EINTR) {
            st = loom_fail(e, LOOM_E_IO, "%s: lost the HDF5 reader process: %s", path, strerror(errno));
            break;
        }
        if (waited > NIR_READ_LIMIT_S) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            st = loom_fail(e, LOOM_E_PARSE,
                           "%s: HDF5 spent more than %d s reading this file; it is corrupt "
                           "(sizes or offsets that point nowhere)", path, NIR_READ_LIMIT_S);
            break;
        }
        nanosleep(&nap, NULL);
        waited += (double)nap.tv_nsec / 1e9;
        if (nap.tv_nsec < 50000000)
            nap.tv_nsec *= 2;
    }
    char msg[sizeof e->msg + 16];
    ssize_t n = 0, k;
    while (n < (ssize_t)sizeof msg - 1 && (k = read(fds[0], msg + n, sizeof msg - 1 - (size_t)n)) > 0)
        n += k;
    msg[n] = '\0';
    close(fds[0]);
    if (st != LOOM_OK)
        return st;
    if (WIFSIGNALED(status) && (WTERMSIG(status) == SIGXCPU || WTERMSIG(status) == SIGKILL))
        return loom_fail(e, LOOM_E_PARSE,
                         "%s: HDF5 spent more than its CPU time limit reading this file (it loops); "
                         "the file is corrupt", path);
    if (WIFSIGNALED(status))
        return loom_fail(e, LOOM_E_PARSE,
                         "%s: the HDF5 library crashed reading this file (signal %d, %s); the file is corrupt",
                         path, WTERMSIG(status), strsignal(WTERMSIG(status)));
    if (WIFEXITED(status) && WEXITSTATUS(status) == 1 && n > 0) {
        int code = 0, used = 0;
        if (sscanf(msg, "%d %n", &code, &used) >= 1 && code > 0)
            return loom_fail(e, (loom_status)code, "%s", msg + used);
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return loom_fail(e, LOOM_E_PARSE,
                         "%s: the HDF5 library gave up reading this file (out of memory or exit %d); "
                         "the file is corrupt", path, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return LOOM_OK;
}

void cli_warn(void *ctx, const char *path, const char *msg)
{
    (void)ctx;
    fprintf(stderr, "loom: warning: %s: %s\n", path, msg);
}

loom_status cli_model_load(const char *path, const model_opts *opts, model *m, loom_err *e)
{
    model_opts own = *opts;
    const model_opts *o = &own;
    if (!own.warn)
        own.warn = cli_warn;
    memset(m, 0, sizeof *m); /* as model_load: model_free is fine after a failure */
    if (path && model_kind_of(path) == MODEL_NIR) {
        loom_status st = cli_nir_sandbox(path, e);
        if (st)
            return st;
    }
    return model_load(path, o, m, e);
}

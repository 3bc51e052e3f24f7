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
#include <poll.h>
#include <sys/resource.h>
#include <sys/time.h>
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
#define NIR_CPU_LIMIT_S 2     /* CPU seconds, + 1 per MB of file (a 270 KB net reads in 10 ms) */
/* The fuzzing build (tests/fuzz.mk) cuts the child off after NIR_CPU_LIMIT_MS
 * (+ 250 ms per MB) of CPU time instead (its inputs are a few KB, read in
 * 1-3 ms):
 * mutated files that make HDF5 loop are common, and at 10 s each they would
 * be most of a fuzzing run. */

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
/* The fuzzing build (tests/fuzz.mk).  A child that libhdf5 crashes is the
 * guard doing its job, and its sanitizer report must not read as one of the
 * harness's own; but the child also runs Loom's own reader
 * (compiler/nir_read.c), and a fault there must not hide behind the guard.
 * So the child's report goes to a file, the child dies quietly (exit 2,
 * instead of libFuzzer's inherited death callback writing the input out as
 * a crash), and the parent looks at the first frame of the report below the
 * sanitizer's own: in libhdf5 it is HDF5's fault, contained as "the HDF5
 * library crashed"; anywhere else it is Loom's, and the parent aborts with
 * the report, which libFuzzer keeps as a crash. */
extern void __sanitizer_set_report_fd(void *fd) __attribute__((weak));
extern void __sanitizer_set_death_callback(void (*cb)(void)) __attribute__((weak));
static FILE *child_report;
static void child_death(void)
{
    _exit(2);
}

/* 1 when the frame is the sanitizer's or libFuzzer's own (" in __asan::",
 * " in fuzzer::", or a function the sanitizer runtime defines under libc's
 * name: its malloc, memcpy, ... report as " in malloc "), or libc's. */
static int sanitizer_frame(const char *frame)
{
    if (strstr(frame, " in __") || strstr(frame, " in fuzzer::") || strstr(frame, "/libc.so"))
        return 1;
    static const char *const names[] = {"malloc", "calloc", "realloc", "reallocarray", "free", "posix_memalign",
                                        "aligned_alloc", "memalign", "valloc", "memcpy", "memmove", "memset",
                                        "memcmp", "bcmp", "strlen", "strnlen", "strcpy", "strncpy", "strcat",
                                        "strncat", "strcmp", "strncmp", "strdup", "strndup", "strchr", "strrchr",
                                        "strstr", "fread", "fwrite", "read", "pread", "write"};
    const char *in = strstr(frame, " in ");
    if (!in)
        return 0;
    in += 4;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        size_t n = strlen(names[i]);
        if (strncmp(in, names[i], n) == 0 && in[n] == ' ')
            return 1;
    }
    return 0;
}

/* 1 when the sanitizer report in f blames code outside libhdf5. */
static int report_blames_loom(FILE *f)
{
    static char text[65536];
    rewind(f);
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    for (char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        const char *hash = line;
        while (*hash == ' ')
            hash++;
        if (*hash != '#')
            continue;
        char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        char frame[512];
        snprintf(frame, sizeof frame, "%.*s", (int)(len < sizeof frame - 1 ? len : sizeof frame - 1), line);
        if (sanitizer_frame(frame))
            continue;
        if (strstr(frame, "libhdf5") || strstr(frame, " in H5"))
            return 0;
        fprintf(stderr, "loom fuzz: a sanitizer report in the NIR reader's child process blames Loom's code:\n%s\n",
                text);
        return 1;
    }
    return 0; /* no frames: a report the sanitizer could not place */
}
#endif

static void child_read(const char *path, int fd)
{
#ifdef LOOM_SANDBOX_QUIET_CHILD
    if (__sanitizer_set_report_fd && child_report)
        __sanitizer_set_report_fd((void *)(intptr_t)fileno(child_report));
    if (child_report) /* libFuzzer's own messages (its malloc limit) too */
        dup2(fileno(child_report), 2);
    if (__sanitizer_set_death_callback)
        __sanitizer_set_death_callback(child_death);
#else
    /* A crash in HDF5 kills the child outright: under a sanitizer (loom-san)
     * its handler would first symbolize a report nobody reads (a tenth of a
     * second each); the parent names the signal. */
    signal(SIGSEGV, SIG_DFL);
    signal(SIGBUS, SIG_DFL);
    signal(SIGFPE, SIG_DFL);
    signal(SIGILL, SIG_DFL);
#endif
    struct stat sb;
    off_t size = stat(path, &sb) == 0 ? sb.st_size : 0;
    struct rlimit cpu = {(rlim_t)(NIR_CPU_LIMIT_S + size / 1000000), (rlim_t)(NIR_CPU_LIMIT_S + size / 1000000 + 1)};
    setrlimit(RLIMIT_CPU, &cpu);
#ifdef NIR_CPU_LIMIT_MS
    signal(SIGPROF, SIG_DFL);
    long ms = NIR_CPU_LIMIT_MS + (long)(size / 4000); /* + 250 ms a MB, as a real net may be large */
    struct itimerval prof = {{0, 0}, {ms / 1000, (ms % 1000) * 1000}};
    setitimer(ITIMER_PROF, &prof, NULL);
#endif
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

static double since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* What a guarded read came to, as the process that forked the child saw
 * it: a failure of the guard itself (st, in emsg), the child's wait status,
 * its message, and (fuzzing build) whether its sanitizer report blamed
 * Loom.  Fixed-size, so the fork server sends it as one block. */
typedef struct {
    int st;
    int no_child; /* no pipe or process to spare */
    int status;
    int blames_loom;
    unsigned n;
    char msg[LOOM_ERR_MSG + 16];
    char emsg[LOOM_ERR_MSG];
} sandbox_result;

/* Forks the child that reads path, waits for it (the wall-clock backstop
 * kills it) and fills r. */
static void run_child(const char *path, sandbox_result *r)
{
    memset(r, 0, sizeof *r);
    loom_err e;
    memset(&e, 0, sizeof e);
    int fds[2];
    if (pipe(fds) != 0) {
        r->no_child = 1;
        return;
    }
    fflush(NULL);
#ifdef LOOM_SANDBOX_QUIET_CHILD
    if (!child_report)
        child_report = tmpfile();
    if (child_report && ftruncate(fileno(child_report), 0) == 0)
        rewind(child_report);
#endif
    pid_t pid = fork();
    if (pid < 0) { /* no process to spare: read directly */
        close(fds[0]);
        close(fds[1]);
        r->no_child = 1;
        return;
    }
    if (pid == 0) {
        close(fds[0]);
        child_read(path, fds[1]);
    }
    close(fds[1]);
    /* The child's message comes through the pipe, and its end of the pipe
     * closes when it exits: poll for that (no sleeping between looks, so a
     * file read in 2 ms costs 2 ms), then reap it. */
    size_t n = 0;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    loom_status st = LOOM_OK;
    for (;;) {
        double waited = since(&t0);
        if (waited > NIR_READ_LIMIT_S) {
            kill(pid, SIGKILL);
            st = loom_fail(&e, LOOM_E_PARSE,
                           "%s: HDF5 spent more than %d s reading this file; it is corrupt "
                           "(sizes or offsets that point nowhere)", path, NIR_READ_LIMIT_S);
            break;
        }
        struct pollfd pf = {fds[0], POLLIN, 0};
        int left_ms = (int)((NIR_READ_LIMIT_S - waited) * 1000.0) + 1;
        int k = poll(&pf, 1, left_ms);
        if (k < 0 && errno != EINTR) {
            kill(pid, SIGKILL);
            st = loom_fail(&e, LOOM_E_IO, "%s: lost the HDF5 reader process: %s", path, strerror(errno));
            break;
        }
        if (k <= 0)
            continue;
        char sink[256];
        char *to = n < sizeof r->msg - 1 ? r->msg + n : sink;
        size_t room = n < sizeof r->msg - 1 ? sizeof r->msg - 1 - n : sizeof sink;
        ssize_t got = read(fds[0], to, room);
        if (got > 0 && to == r->msg + n)
            n += (size_t)got;
        else if (got == 0 || (got < 0 && errno != EINTR && errno != EAGAIN))
            break; /* end of file: the child has exited (or closed its end) */
    }
    r->msg[n] = '\0';
    r->n = (unsigned)n;
    close(fds[0]);
    /* Reap it; a child that closed its end without exiting is killed when
     * the wall-clock backstop runs out. */
    int status = 0;
    struct timespec nap = {0, 50000};
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid || (w < 0 && errno != EINTR))
            break;
        if (since(&t0) > NIR_READ_LIMIT_S && st == LOOM_OK) {
            kill(pid, SIGKILL);
            st = loom_fail(&e, LOOM_E_PARSE, "%s: the HDF5 reader process did not exit after reading this file",
                           path);
        }
        nanosleep(&nap, NULL);
        if (nap.tv_nsec < 20000000)
            nap.tv_nsec *= 2;
    }
    r->st = (int)st;
    r->status = status;
    snprintf(r->emsg, sizeof r->emsg, "%s", e.msg);
#ifdef LOOM_SANDBOX_QUIET_CHILD
    /* exit 2: a sanitizer report; another code or a signal: libFuzzer's own
     * (its malloc limit prints a stack too) or a crash */
    int abnormal = WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) > 1);
    r->blames_loom = st == LOOM_OK && abnormal && child_report && report_blames_loom(child_report);
#endif
}

/* The fork server (cli_sandbox_server_start): a copy of this process made
 * while it is small, which forks the readers on request.  A reader forked
 * from a big process (a fuzzer holding its corpus and the sanitizer's
 * shadow memory: 400-600 MB) costs tens of milliseconds in page tables and
 * copy-on-write faults; forked from the server, a small fraction of that.
 * The reader is the same child_read, with the same limits, in a process of
 * its own per file. */
static int server_req = -1, server_res = -1;
static pid_t server_pid = -1;
#define SERVER_PATH_MAX 4096 /* longest path a request carries, with its NUL */

/* Moves all n bytes at p through fd, reading when rd, else writing, and
 * retrying when a signal interrupts: 0, or -1 at an error or end of file. */
static int move_all(int fd, void *p, size_t n, int rd)
{
    char *c = p;
    while (n) {
        ssize_t k = rd ? read(fd, c, n) : write(fd, c, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        c += k;
        n -= (size_t)k;
    }
    return 0;
}

static void server_loop(int req, int res)
{
    char path[SERVER_PATH_MAX];
    /* Start the HDF5 library here once (an open that fails), so that its
     * initialisation and symbol binding are inherited by every reader
     * instead of redone in each. */
    nir_graph *g = NULL;
    loom_err ignored;
    nir_read_file("/nonexistent/loom-sandbox-warm-up.nir", &g, &ignored);
    nir_graph_free(g);
    for (;;) {
        unsigned len = 0;
        if (move_all(req, &len, sizeof len, 1) != 0 || len == 0 || len >= sizeof path ||
            move_all(req, path, len, 1) != 0)
            _exit(0); /* the caller has gone (or spoke nonsense) */
        path[len] = '\0';
        sandbox_result r;
        run_child(path, &r);
        if (move_all(res, &r, sizeof r, 0) != 0)
            _exit(0);
    }
}

loom_status cli_sandbox_server_start(loom_err *e)
{
    if (server_pid > 0)
        return LOOM_OK;
    int req[2], res[2];
    if (pipe(req) != 0)
        return loom_fail(e, LOOM_E_IO, "NIR reader server: no pipe: %s", strerror(errno));
    if (pipe(res) != 0) {
        int err = errno;
        close(req[0]);
        close(req[1]);
        return loom_fail(e, LOOM_E_IO, "NIR reader server: no pipe: %s", strerror(err));
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        int err = errno;
        close(req[0]);
        close(req[1]);
        close(res[0]);
        close(res[1]);
        return loom_fail(e, LOOM_E_IO, "NIR reader server: cannot fork: %s", strerror(err));
    }
    if (pid == 0) {
        close(req[1]);
        close(res[0]);
        server_loop(req[0], res[1]);
    }
    close(req[0]);
    close(res[1]);
    server_req = req[1];
    server_res = res[0];
    server_pid = pid;
    return LOOM_OK;
}

/* Sends path to the server and waits for its result: 0, or -1 when the
 * server has gone (it is then reaped and the caller forks itself). */
static int ask_server(const char *path, sandbox_result *r)
{
    size_t len = strlen(path);
    unsigned l = (unsigned)len;
    if (len == 0 || len >= SERVER_PATH_MAX)
        return -1;
    void (*old)(int) = signal(SIGPIPE, SIG_IGN);
    int ok = move_all(server_req, &l, sizeof l, 0) == 0 && move_all(server_req, (char *)path, len, 0) == 0 &&
             move_all(server_res, r, sizeof *r, 1) == 0;
    signal(SIGPIPE, old);
    if (ok)
        return 0;
    close(server_req);
    close(server_res);
    kill(server_pid, SIGKILL);
    waitpid(server_pid, NULL, 0);
    server_req = server_res = -1;
    server_pid = -1;
    return -1;
}

loom_status cli_nir_sandbox(const char *path, loom_err *e)
{
    sandbox_result r;
    if (server_pid <= 0 || ask_server(path, &r) != 0)
        run_child(path, &r);
    if (r.no_child)
        return LOOM_OK; /* no pipe or process to spare: the caller reads directly */
    if (r.st != LOOM_OK)
        return loom_fail(e, (loom_status)r.st, "%s", r.emsg);
    if (r.blames_loom)
        abort(); /* the report is on stderr; libFuzzer keeps the input as a crash */
    int status = r.status;
    const char *msg = r.msg;
    if (WIFSIGNALED(status) &&
        (WTERMSIG(status) == SIGXCPU || WTERMSIG(status) == SIGKILL || WTERMSIG(status) == SIGPROF))
        return loom_fail(e, LOOM_E_PARSE,
                         "%s: HDF5 spent more than its CPU time limit reading this file (it loops); "
                         "the file is corrupt", path);
    if (WIFSIGNALED(status))
        return loom_fail(e, LOOM_E_PARSE,
                         "%s: the HDF5 library crashed reading this file (signal %d, %s); the file is corrupt",
                         path, WTERMSIG(status), strsignal(WTERMSIG(status)));
    if (WIFEXITED(status) && WEXITSTATUS(status) == 1 && r.n > 0) {
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

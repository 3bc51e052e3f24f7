/*
 * board.c -- boards and virtual boards through the public API
 * (include/loom/loom.h): map, load and stream a network the way `loom run`
 * does, and start `loom vboard` for a virtual board.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "api_int.h"
#include "loom_paths.h"
#include "board.h"
#include "host.h"
#include "mapper.h"

struct loom_board {
    loom_host *h;
    limg_arch arch;
    map_result *map;    /* the net loaded last */
    const seir_net *net; /* its network (b->own.net when recompiled, else borrowed) */
    model own;          /* a model recompiled for the board's arch */
    char port[512];
};

loom_status loom_board_open(const char *port, unsigned baud, loom_board **out, loom_err *e)
{
    if (!out)
        return loom_fail(e, LOOM_E_ARG, "loom_board_open: out is NULL");
    *out = NULL;
    if (!port || !*port)
        return loom_fail(e, LOOM_E_ARG, "loom_board_open: no port");
    loom_board *b = calloc(1, sizeof *b);
    if (!b)
        return loom_fail(e, LOOM_E_NOMEM, "out of memory");
    snprintf(b->port, sizeof b->port, "%s", port);
    loom_status st = loom_host_open(port, baud ? baud : 3000000u, NULL, &b->h, e);
    if (!st && (st = loom_host_arch(b->h, &b->arch, e)))
        loom_err_prefix(e, "%s", port);
    if (st) {
        loom_host_close(b->h);
        free(b);
        return st;
    }
    *out = b;
    return LOOM_OK;
}

static void unload(loom_board *b)
{
    map_free(b->map);
    b->map = NULL;
    b->net = NULL;
    model_free(&b->own);
}

void loom_board_close(loom_board *b)
{
    if (!b)
        return;
    unload(b);
    loom_host_close(b->h);
    free(b);
}

void loom_board_arch(const loom_board *b, loom_arch *a, uint32_t *cores, uint32_t *neurons_per_core)
{
    if (a)
        *a = (loom_arch){b->arch.arch.w, b->arch.arch.s, b->arch.arch.a, b->arch.arch.d};
    if (cores)
        *cores = b->arch.cores;
    if (neurons_per_core)
        *neurons_per_core = b->arch.neurons;
}

static int same_arch(const seir_arch *x, const seir_arch *y)
{
    return x->w == y->w && x->s == y->s && x->a == y->a && x->d == y->d;
}

loom_status loom_board_load(loom_board *b, const loom_net *net, loom_err *e)
{
    unload(b);
    loom_status st;
    const seir_net *sn = net->m.net;
    if (net->m.kind != MODEL_SEIR && !same_arch(&sn->arch, &b->arch.arch)) {
        /* compile NIR / AIGER for the board, as loom run does */
        model_opts mo = net->mo;
        mo.arch = b->arch.arch;
        mo.max_profiles = b->arch.profiles * b->arch.cores;
        if ((st = model_load(net->path, &mo, &b->own, e)))
            return loom_err_prefix(e, "recompiling for the board on %s", b->port);
        sn = b->own.net;
    }
    if ((st = map_net(sn, &b->arch, &b->map, e))) {
        char as[256];
        limg_arch_str(&b->arch, as, sizeof as);
        loom_err_prefix(e, "%s does not fit the board on %s (%s)", net->path, b->port, as);
        unload(b);
        return st;
    }
    b->net = sn;
    if ((st = loom_host_reset(b->h, e)) || (st = loom_host_load(b->h, b->map->img, e))) {
        loom_err_prefix(e, "%s", b->port);
        unload(b);
        return st;
    }
    return LOOM_OK;
}

/* The input events of one step's row x[channels] into evw; returns how many. */
static uint32_t pack_events(const int32_t *x, uint32_t channels, uint32_t *evw)
{
    uint32_t nev = 0;
    for (uint32_t c = 0; c < channels; c++)
        if (x[c])
            evw[nev++] = loom_host_event(c, x[c]);
    return nev;
}

/* One step's spike bits (ow words per core, in slot order) into row[n] by
 * the net's neuron numbers. */
static void unpack_spikes(const limg *img, uint32_t n_neurons, const uint32_t *words, uint32_t ow,
                          uint8_t *row)
{
    for (uint32_t n = 0; n < n_neurons; n++) {
        uint32_t c = img->core_of[n], s = img->slot_of[n];
        row[n] = (words[c * ow + (s >> 5)] >> (s & 31)) & 1;
    }
}

/* What loom_board_run and loom_board_step need before their exchanges:
 * a loaded net, inputs x[steps][channels] that fit it, the image, the
 * spike words per core (ow) and in all (nw), and the buffers for the
 * events of a step (evw) and the spike words (words; both freed by the
 * caller). */
static loom_status exchange_begin(const loom_board *b, const int32_t *x, uint64_t steps, uint32_t channels,
                                  const limg **img, uint32_t *ow, uint32_t *nw, uint32_t **evw,
                                  uint32_t **words, loom_err *e)
{
    if (!b->map)
        return loom_fail(e, LOOM_E_ARG, "%s: no network loaded (loom_board_load)", b->port);
    loom_status st = loom_api_check_x(b->net, x, steps, channels, e);
    if (st)
        return st;
    *img = b->map->img;
    *ow = (b->arch.neurons + 31) / 32;
    *nw = b->arch.cores * *ow;
    *evw = malloc((channels ? channels : 1) * sizeof **evw);
    *words = calloc(*nw ? *nw : 1, sizeof **words);
    if (!*evw || !*words) {
        free(*evw);
        free(*words);
        return loom_fail(e, LOOM_E_NOMEM, "out of memory");
    }
    return LOOM_OK;
}

loom_status loom_board_run(loom_board *b, const int32_t *x, uint64_t steps, uint32_t channels,
                           uint8_t *spikes, loom_err *e)
{
    const seir_net *net = b->net;
    const limg *img;
    uint32_t ow, nw, *evw, *words;
    loom_status st = exchange_begin(b, x, steps, channels, &img, &ow, &nw, &evw, &words, e);
    if (st)
        return st;
    /* exchange t pushes the inputs of step t (and starts it) and reads the
     * outputs of step t-1; up to LAG exchanges in flight (as loom run) */
    enum { LAG = 8 };
    for (uint64_t t = 0, g = 0; g <= steps;) {
        if (t <= steps && t - g < LAG) {
            uint32_t nev = t < steps ? pack_events(x + t * channels, channels, evw) : 0;
            if ((st = loom_host_stream_put(b->h, evw, nev, t < steps, b->arch.cores, ow, NULL, 0,
                                           1000000000u, e)))
                break;
            t++;
            continue;
        }
        if ((st = loom_host_stream_get(b->h, words, nw, NULL, 0, e)))
            break;
        if (g > 0 && spikes)
            unpack_spikes(img, net->n_neurons, words, ow, spikes + (g - 1) * net->n_neurons);
        g++;
    }
    free(evw);
    free(words);
    if (st)
        loom_err_prefix(e, "%s", b->port);
    return st;
}

loom_status loom_board_step(loom_board *b, const int32_t *x, uint32_t channels, uint8_t *spikes,
                            loom_err *e)
{
    const seir_net *net = b->net;
    const limg *img;
    uint32_t ow, nw, *evw, *words;
    loom_status st = exchange_begin(b, x, 1, channels, &img, &ow, &nw, &evw, &words, e);
    if (st)
        return st;
    uint32_t nev = pack_events(x, channels, evw);
    st = loom_host_step_read(b->h, evw, nev, b->arch.cores, ow, words, NULL, 0, NULL, 1000000000u, e);
    if (!st && spikes)
        unpack_spikes(img, net->n_neurons, words, ow, spikes);
    free(evw);
    free(words);
    if (st)
        loom_err_prefix(e, "%s", b->port);
    return st;
}

/* ---- virtual boards ----------------------------------------------------------- */

struct loom_vboard {
    pid_t pid;
    int lifeline; /* write end of the pipe on the board's stdin, or -1 */
    char dir[4096];
    char port[512];
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* The last line of the log (why the virtual board died), into buf. */
static void log_tail(const char *path, char *buf, size_t len)
{
    buf[0] = 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f))
        if (line[0] != '\n')
            snprintf(buf, len, "%s", line);
    fclose(f);
    size_t n = strlen(buf);
    if (n && buf[n - 1] == '\n')
        buf[n - 1] = 0;
}

static void rm_dir(loom_vboard *vb)
{
    char p[4200];
    snprintf(p, sizeof p, "%s/pty", vb->dir);
    remove(p);
    snprintf(p, sizeof p, "%s/log", vb->dir);
    remove(p);
    rmdir(vb->dir);
}

loom_status loom_vboard_start(const char *name, int timeout_ms, loom_vboard **out, loom_err *e)
{
    if (!out)
        return loom_fail(e, LOOM_E_ARG, "loom_vboard_start: out is NULL");
    *out = NULL;
    const board_info *bi = name ? board_find(name, e) : board_default();
    if (!bi)
        return e ? e->status : LOOM_E_ARG;
    char tool[4096];
    if (!loom_tool_path(tool, sizeof tool))
        return loom_fail(e, LOOM_E_IO, "virtual board: no loom executable beside libloom.so "
                                       "(LIBDIR/../bin/loom)");
    loom_vboard *vb = calloc(1, sizeof *vb);
    if (!vb)
        return loom_fail(e, LOOM_E_NOMEM, "out of memory");
    vb->lifeline = -1;
    const char *tmp = getenv("TMPDIR");
    snprintf(vb->dir, sizeof vb->dir, "%s/loom-vboard-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(vb->dir)) {
        free(vb);
        return loom_fail(e, LOOM_E_IO, "virtual board: cannot create a temporary folder: %s",
                         strerror(errno));
    }
    char pty[4200], logp[4200];
    snprintf(pty, sizeof pty, "%s/pty", vb->dir);
    snprintf(logp, sizeof logp, "%s/log", vb->dir);
    /* The board's stdin is a pipe whose only write end this process holds
     * (close-on-exec, so no other program it runs inherits it): when this
     * process ends, however it ends, the board reads end of file and stops
     * (loom vboard --until-stdin-eof) instead of running on as an orphan. */
    int life[2] = {-1, -1};
    const char *what = NULL;
    if (pipe(life) != 0)
        what = "pipe";
    else if (fcntl(life[1], F_SETFD, FD_CLOEXEC) != 0 || fcntl(life[0], F_SETFD, FD_CLOEXEC) != 0)
        what = "fcntl";
    pid_t pid = what ? -1 : fork();
    if (pid < 0) {
        int err = errno;
        if (life[0] >= 0) {
            close(life[0]);
            close(life[1]);
        }
        rm_dir(vb);
        free(vb);
        return loom_fail(e, LOOM_E_IO, "virtual board: %s: %s", what ? what : "fork", strerror(err));
    }
    if (pid == 0) {
        int fd = open(logp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        if (dup2(life[0], 0) < 0) /* dup2 clears close-on-exec on fd 0 */
            _exit(127);
        char *argv[] = {tool,  "vboard", "--board", (char *)bi->name, "--pty-file", pty, "--until-stdin-eof",
                        "--quiet", NULL};
        execv(tool, argv);
        _exit(127);
    }
    close(life[0]);
    vb->lifeline = life[1];
    vb->pid = pid;
    double limit = now_s() + (timeout_ms > 0 ? timeout_ms : 60000) / 1000.0;
    for (;;) {
        FILE *f = fopen(pty, "r");
        if (f) {
            char *ok = fgets(vb->port, sizeof vb->port, f);
            fclose(f);
            size_t n = ok ? strlen(vb->port) : 0;
            while (n && (vb->port[n - 1] == '\n' || vb->port[n - 1] == ' '))
                vb->port[--n] = 0;
            if (n) {
                /* The folder's files are read: remove them now (the board
                 * keeps its open log), so that a program that dies without
                 * loom_vboard_stop leaves nothing behind. */
                rm_dir(vb);
                *out = vb;
                return LOOM_OK;
            }
        }
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid) {
            char why[512];
            log_tail(logp, why, sizeof why);
            close(vb->lifeline);
            rm_dir(vb);
            free(vb);
            return loom_fail(e, LOOM_E_IO, "virtual board %s (%s vboard) exited: %s", bi->name, tool,
                             why[0] ? why : "no message");
        }
        if (now_s() > limit) {
            kill(pid, SIGTERM);
            waitpid(pid, &status, 0);
            close(vb->lifeline);
            rm_dir(vb);
            free(vb);
            return loom_fail(e, LOOM_E_TIMEOUT, "virtual board %s: not ready after %d ms", bi->name,
                             timeout_ms > 0 ? timeout_ms : 60000);
        }
        usleep(20000);
    }
}

const char *loom_vboard_port(const loom_vboard *vb)
{
    return vb->port;
}

void loom_vboard_stop(loom_vboard *vb)
{
    if (!vb)
        return;
    if (vb->lifeline >= 0)
        close(vb->lifeline);
    if (vb->pid > 0) {
        int status;
        kill(vb->pid, SIGTERM);
        double limit = now_s() + 5;
        while (waitpid(vb->pid, &status, WNOHANG) == 0) {
            if (now_s() > limit) {
                kill(vb->pid, SIGKILL);
                waitpid(vb->pid, &status, 0);
                break;
            }
            usleep(10000);
        }
    }
    rm_dir(vb);
    free(vb);
}

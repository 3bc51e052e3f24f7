/*
 * verilog.c -- Verilog through yosys to AIGER, and group-sum read-outs
 * (verilog.h).
 *
 * The yosys script is the same fixed text for every design, with the one
 * variable part, the top module, checked to be an identifier first:
 *   read_verilog -sv design.v; synth -flatten -top T (or -auto-top);
 *   dfflegalize to plain D flip-flops (their enables and resets become
 *   gates); aigmap; write_aiger -symbols -zinit design.aig
 * as examples/aig/mkaig.sh does by hand.
 */
#define _GNU_SOURCE /* mkdtemp */
#include "verilog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "afile.h"
#include "loom_arith.h"

static int is_ident(const char *s)
{
    if (!s || !*s || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || *s == '$'))
            return 0;
    return 1;
}

/* The last lines of yosys' log that say what went wrong, into buf. */
static void log_tail(const char *log, char *buf, size_t len)
{
    buf[0] = 0;
    FILE *f = fopen(log, "r");
    if (!f)
        return;
    char line[512], keep[4][512];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        if (!line[0])
            continue;
        snprintf(keep[n % 4], sizeof keep[0], "%s", line);
        n++;
    }
    fclose(f);
    size_t used = 0;
    for (int k = n > 4 ? n - 4 : 0; k < n && used + 3 < len; k++) {
        int w = snprintf(buf + used, len - used, "%s%s", used ? " | " : "", keep[k % 4]);
        if (w < 0)
            break;
        used += (size_t)w < len - used ? (size_t)w : len - used - 1;
    }
}

static void remove_dir(const char *dir)
{
    static const char *const files[] = {"design.v", "synth.ys", "design.aig", "yosys.log"};
    char p[4200];
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
        snprintf(p, sizeof p, "%s/%s", dir, files[k]);
        remove(p);
    }
    rmdir(dir);
}

loom_status verilog_compile_file(const char *path, const model_opts *o, seir_net **net,
                                 aig_lowering **low, loom_err *e)
{
    *net = NULL;
    *low = NULL;
    if (o->top && !is_ident(o->top))
        return loom_fail(e, LOOM_E_ARG, "--top '%s' is not a Verilog module name (letters, digits, _ and $)",
                         o->top);
    const char *tmp_root = getenv("TMPDIR");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/loom-verilog-XXXXXX", tmp_root && *tmp_root ? tmp_root : "/tmp");
    if (!mkdtemp(dir))
        return loom_fail(e, LOOM_E_IO, "cannot create a temporary folder in %s: %s",
                         tmp_root && *tmp_root ? tmp_root : "/tmp", strerror(errno));
    char p[4200];
    snprintf(p, sizeof p, "%s/design.v", dir);
    loom_status st = afile_copy(path, p, e);
    if (st) {
        remove_dir(dir);
        return st;
    }
    snprintf(p, sizeof p, "%s/synth.ys", dir);
    FILE *f = fopen(p, "w");
    if (!f) {
        remove_dir(dir);
        return loom_fail(e, LOOM_E_IO, "%s: cannot create: %s", p, strerror(errno));
    }
    fprintf(f, "read_verilog -sv design.v\n");
    if (o->top)
        fprintf(f, "synth -flatten -top %s\n", o->top);
    else
        fprintf(f, "synth -flatten -auto-top\n");
    fprintf(f, "dfflegalize -cell $_DFF_P_ 01\naigmap\nwrite_aiger -symbols -zinit design.aig\n");
    if (fclose(f) != 0) {
        remove_dir(dir);
        return loom_fail(e, LOOM_E_IO, "%s: write failed", p);
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        remove_dir(dir);
        return loom_fail(e, LOOM_E_IO, "cannot start yosys: %s", strerror(errno));
    }
    if (pid == 0) {
        if (chdir(dir) != 0)
            _exit(126);
        int fd = open("yosys.log", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        int nul = open("/dev/null", O_RDONLY);
        if (nul >= 0) {
            dup2(nul, 0);
            close(nul);
        }
        char *const argv[] = {"yosys", "-q", "-s", "synth.ys", NULL};
        execvp("yosys", argv);
        _exit(127);
    }
    int ws;
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
        ;
    snprintf(p, sizeof p, "%s/yosys.log", dir);
    if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0) {
        char tail[1024];
        log_tail(p, tail, sizeof tail);
        int code = WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
        remove_dir(dir);
        if (code == 127)
            return loom_fail(e, LOOM_E_UNSUPPORTED, "%s: yosys is not installed (apt-get install yosys, "
                             "or make deps); it turns Verilog into AIGER", path);
        return loom_fail(e, LOOM_E_PARSE, "%s: yosys could not synthesise it (exit %d): %s", path, code,
                         tail[0] ? tail : "no message");
    }
    snprintf(p, sizeof p, "%s/design.aig", dir);
    aig_file *af;
    st = aig_read_file(p, &af, e);
    if (st) {
        loom_err_prefix(e, "%s: the AIGER yosys wrote", path);
    } else {
        st = aig_lower(af, path, o, net, low, e);
        aig_file_free(af);
    }
    remove_dir(dir);
    return st;
}

loom_status verilog_group_sum(seir_net *net, const aig_lowering *low, uint32_t k, loom_err *e)
{
    if (k == 0)
        return loom_fail(e, LOOM_E_ARG, "--group-sum expects a class count of at least 1");
    if (!low || low->n_outputs == 0)
        return loom_fail(e, LOOM_E_ARG, "--group-sum: the circuit has no outputs to sum");
    if (low->n_outputs % k)
        return loom_fail(e, LOOM_E_ARG, "--group-sum %u: the circuit's %u outputs do not split into %u "
                         "equal groups", k, low->n_outputs, k);
    uint32_t per = low->n_outputs / k;
    if ((int64_t)per > loom_max_s(net->arch.s))
        return loom_fail(e, LOOM_E_CAPACITY, "--group-sum %u: groups of %u outputs overflow v "
                         "(S=%d bits)", k, per, net->arch.s);
    seir_profile p;
    /* v = this step's input: the count of this step, nothing carried over */
    seir_profile_gate(&p, "group_sum", 1, 0, SEIR_RESET_NONE);
    int32_t prof = seir_add_profile(net, &p);
    int64_t first = prof < 0 ? -1 : seir_add_neurons(net, "class", k, 1, (uint32_t)prof);
    if (first < 0)
        return loom_fail(e, LOOM_E_NOMEM, "out of memory");
    for (uint32_t j = 0; j < low->n_outputs; j++)
        if (seir_add_syn(net, low->output_neuron[j], (uint32_t)first + j / per, 1, 0))
            return loom_fail(e, LOOM_E_NOMEM, "out of memory");
    net->n_outputs = 0; /* the bits give way to the class scores */
    for (uint32_t c = 0; c < k; c++)
        if (seir_add_output(net, (uint32_t)first + c, SEIR_OUT_V))
            return loom_fail(e, LOOM_E_NOMEM, "out of memory");
    return LOOM_OK;
}

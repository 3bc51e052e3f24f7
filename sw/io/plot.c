/*
 * plot.c -- PNG plots through a gnuplot pipe.
 *
 * The script and the data go down one pipe (inline '-' data blocks), so no
 * temporary files exist.  SIGPIPE is ignored while writing, so a gnuplot
 * that dies early turns into an error value instead of killing the caller;
 * the previous disposition is restored afterwards.  Success is judged by
 * gnuplot's exit status AND by the output file starting with the PNG
 * signature.
 */
#include "plot.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Max traces drawn in the v panel (a legend of more is unreadable). */

/* Finds the gnuplot executable; writes its path into buf.  0 if found. */
static int find_gnuplot(char *buf, size_t len)
{
    const char *env = getenv("LOOM_GNUPLOT");
    if (env && *env) {
        snprintf(buf, len, "%s", env);
        return access(buf, X_OK) == 0 ? 0 : -1;
    }
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/bin:/bin";
    while (*path) {
        const char *c = strchr(path, ':');
        size_t n = c ? (size_t)(c - path) : strlen(path);
        if (n > 0 && n + 9 < len) {
            memcpy(buf, path, n);
            memcpy(buf + n, "/gnuplot", 9);
            if (access(buf, X_OK) == 0)
                return 0;
        }
        path += n + (c ? 1 : 0);
    }
    return -1;
}

int plot_available(void)
{
    char buf[4096];
    return find_gnuplot(buf, sizeof buf) == 0;
}

void plot_put_quoted(FILE *g, const char *s)
{
    fputc('\'', g);
    for (; *s; s++) {
        if (*s == '\'')
            fputc('\'', g);
        if (*s != '\n')
            fputc(*s, g);
    }
    fputc('\'', g);
}

static void write_script(FILE *g, const char *png, const void *ctx)
{
    const plot_data *d = ctx;
    uint32_t nv = d->n_v < PLOT_MAX_V ? d->n_v : PLOT_MAX_V;
    double xmax = d->steps ? (double)d->steps - 0.5 : 0.5;
    fprintf(g, "set terminal png size 1100,%d\nset output ", nv ? 900 : 650);
    plot_put_quoted(g, png);
    fputc('\n', g);
    if (nv) {
        fputs("set multiplot layout 2,1", g);
        if (d->title) {
            fputs(" title ", g);
            plot_put_quoted(g, d->title);
        }
        fputc('\n', g);
        fputs("set title 'spike raster'\n", g);
    } else if (d->title) {
        fputs("set title ", g);
        plot_put_quoted(g, d->title);
        fputc('\n', g);
    }
    fprintf(g, "set xlabel 'step'\nset ylabel 'neuron'\n"
               "set xrange [-0.5:%g]\nset yrange [-0.5:%g]\n",
            xmax, d->n_neurons ? (double)d->n_neurons - 0.5 : 0.5);
    /* smaller dots when the raster is crowded */
    fprintf(g, "plot '-' using 1:2 with points pt 7 ps %.2f lc rgb 'black' notitle\n",
            d->n_spikes > 20000 ? 0.15 : 0.35);
    if (d->n_spikes == 0)
        fputs("-10 -10\n", g); /* outside the ranges: an empty raster, not an error */
    for (size_t k = 0; k < d->n_spikes; k++)
        fprintf(g, "%" PRIu64 " %" PRIu32 "\n", d->spike_step[k], d->spike_neuron[k]);
    fputs("e\n", g);
    if (nv) {
        fputs("set title 'membrane potential of the v outputs'\nset ylabel 'v'\n"
              "set autoscale y\nset key outside right\nplot ",
              g);
        for (uint32_t j = 0; j < nv; j++) {
            fputs(j ? ", '-' using 1:2 with lines title " : "'-' using 1:2 with lines title ", g);
            plot_put_quoted(g, d->v_names[j]);
        }
        fputc('\n', g);
        for (uint32_t j = 0; j < nv; j++) {
            for (uint64_t t = 0; t < d->steps; t++)
                fprintf(g, "%" PRIu64 " %.9g\n", t, d->v[t * d->n_v + j]);
            if (d->steps == 0)
                fputs("0 0\n", g);
            fputs("e\n", g);
        }
        fputs("unset multiplot\n", g);
    }
    fputs("set output\n", g);
}

loom_status plot_png(const char *png_path, const plot_data *d, loom_err *e)
{
    return plot_script_png(png_path, write_script, d, e);
}

/* Copies the PNG gnuplot wrote at tmp to png_path, after checking it is one. */
static loom_status copy_png(const char *tmp, const char *png_path, loom_err *e)
{
    static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    FILE *in = fopen(tmp, "rb");
    unsigned char buf[65536];
    size_t got = in ? fread(buf, 1, sizeof buf, in) : 0;
    if (got < 8 || memcmp(buf, png_sig, 8) != 0) {
        if (in)
            fclose(in);
        return loom_fail(e, LOOM_E_IO, "--plot %s: gnuplot ran but wrote no PNG", png_path);
    }
    FILE *out = fopen(png_path, "wb");
    if (!out) {
        fclose(in);
        return loom_fail(e, LOOM_E_IO, "--plot %s: cannot create: %s", png_path, strerror(errno));
    }
    int bad = 0;
    do
        bad |= fwrite(buf, 1, got, out) != got;
    while (!bad && (got = fread(buf, 1, sizeof buf, in)) > 0);
    bad |= ferror(in);
    fclose(in);
    bad |= fclose(out) != 0;
    return bad ? loom_fail(e, LOOM_E_IO, "--plot %s: write failed", png_path) : LOOM_OK;
}

loom_status plot_script_png(const char *png_path, plot_script_fn write, const void *ctx, loom_err *e)
{
    char exe[4096];
    if (find_gnuplot(exe, sizeof exe) != 0)
        return loom_fail(e, LOOM_E_UNSUPPORTED,
                         "--plot %s: gnuplot is not installed (looked on PATH%s); install it with "
                         "'make deps' or 'apt-get install gnuplot-nox', or leave out --plot",
                         png_path, getenv("LOOM_GNUPLOT") ? " and at LOOM_GNUPLOT" : "");
    if (strchr(exe, '\'') != NULL)
        return loom_fail(e, LOOM_E_UNSUPPORTED, "gnuplot path '%s' contains a quote", exe);
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "'%s' >/dev/null", exe);
    /* gnuplot writes a file of a name chosen here (no user characters reach
     * its script that way, newlines included); it is copied to png_path. */
    char tmp[] = "/tmp/loom-plot-XXXXXX";
    int tfd = mkstemp(tmp);
    if (tfd < 0)
        return loom_fail(e, LOOM_E_IO, "--plot %s: cannot create a temporary file: %s", png_path,
                         strerror(errno));
    close(tfd);

    struct sigaction ign, old;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGPIPE, &ign, &old);
    FILE *g = popen(cmd, "w");
    if (!g) {
        sigaction(SIGPIPE, &old, NULL);
        remove(tmp);
        return loom_fail(e, LOOM_E_IO, "--plot %s: cannot start %s: %s", png_path, exe, strerror(errno));
    }
    write(g, tmp, ctx);
    int werr = ferror(g);
    int rc = pclose(g);
    sigaction(SIGPIPE, &old, NULL);
    if (rc != 0 || werr) {
        remove(tmp);
        int code = (rc != -1 && WIFEXITED(rc)) ? WEXITSTATUS(rc) : -1;
        return loom_fail(e, LOOM_E_IO, "--plot %s: gnuplot failed (exit %d; its messages are above)",
                         png_path, code);
    }
    loom_status st = copy_png(tmp, png_path, e);
    remove(tmp);
    return st;
}

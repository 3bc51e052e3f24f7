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

/* Dark, distinguishable line colours (no yellow or pale tones). */
static const char *const palette[] = {"#1f4e9c", "#c0282d", "#1b7a3a", "#7b3294", "#a6561c", "#008b8b",
                                      "#000000", "#b8336a", "#4d5d00", "#5e3c99", "#d95f02", "#2f4f4f"};

/* Most group names written on the raster's y axis; more would overlap. */
#define PLOT_MAX_GROUP_LABELS 40u

void plot_png_size(const plot_data *d, unsigned *width, unsigned *height)
{
    uint32_t nv = d->n_v < PLOT_MAX_V ? d->n_v : PLOT_MAX_V;
    *width = 1100;
    *height = 650 + 120 * nv;
}

static void write_script(FILE *g, const char *png, const void *ctx)
{
    const plot_data *d = ctx;
    uint32_t nv = d->n_v < PLOT_MAX_V ? d->n_v : PLOT_MAX_V;
    double xmax = d->steps ? (double)d->steps - 0.5 : 0.5;
    unsigned w, h;
    plot_png_size(d, &w, &h);
    /* raster: the top 600 pixels (less the title); v strips share the rest */
    const double rh = nv ? 600.0 / h : 1.0;
    fprintf(g, "set terminal png noenhanced size %u,%u\nset output ", w, h);
    plot_put_quoted(g, png);
    fputc('\n', g);
    fputs("set multiplot", g);
    if (d->title) {
        fputs(" title ", g);
        plot_put_quoted(g, d->title);
    }
    fputc('\n', g);
    fputs("set lmargin 16\nset rmargin 4\n", g);
    fprintf(g, "set origin 0,%g\nset size 1,%g\n", 1.0 - rh, nv ? rh * 0.97 : 0.95);
    fputs("set title 'spike raster'\nset xlabel 'step'\nset ylabel ", g);
    plot_put_quoted(g, d->row_label ? d->row_label : "neuron");
    fputc('\n', g);
    fprintf(g, "set xrange [-0.5:%g]\nset yrange [-0.5:%g]\n", xmax,
            d->n_neurons ? (double)d->n_neurons - 0.5 : 0.5);
    if (d->n_groups && d->group_name && d->group_first) {
        /* layer names at the middle of their rows, lines between layers */
        if (d->n_groups <= PLOT_MAX_GROUP_LABELS) {
            fputs("set ytics (", g);
            for (uint32_t k = 0; k < d->n_groups; k++) {
                uint32_t end = k + 1 < d->n_groups ? d->group_first[k + 1] : d->n_neurons;
                if (k)
                    fputs(", ", g);
                plot_put_quoted(g, d->group_name[k]);
                fprintf(g, " %g", (d->group_first[k] + (double)end - 1) / 2.0);
            }
            fputs(")\n", g);
        }
        for (uint32_t k = 1; k < d->n_groups; k++)
            fprintf(g, "set arrow from graph 0, first %g to graph 1, first %g nohead lc rgb '#999999' dt 2\n",
                    d->group_first[k] - 0.5, d->group_first[k] - 0.5);
    }
    /* smaller dots when the raster is crowded */
    fprintf(g, "plot '-' using 1:2 with points pt 7 ps %.2f lc rgb 'black' notitle\n",
            d->n_spikes > 20000 ? 0.15 : 0.35);
    if (d->n_spikes == 0)
        fputs("-10 -10\n", g); /* outside the ranges: an empty raster, not an error */
    for (size_t k = 0; k < d->n_spikes; k++)
        fprintf(g, "%" PRIu64 " %" PRIu32 "\n", d->spike_step[k], d->spike_neuron[k]);
    fputs("e\n", g);
    fputs("unset arrow\nset ytics auto\nunset title\n", g);
    /* one strip per v trace, each with its own y scale */
    const double sh = nv ? (1.0 - rh) / nv : 0;
    for (uint32_t j = 0; j < nv; j++) {
        fprintf(g, "set origin 0,%g\nset size 1,%g\n", 1.0 - rh - (j + 1) * sh, sh);
        fputs(j + 1 == nv ? "set xlabel 'step'\nset format x '%g'\n" : "unset xlabel\nset format x ''\n", g);
        /* this trace's own range, marked by its extremes (a strip is too
         * low for more tics) */
        double lo = 0, hi = 0;
        for (uint64_t t = 0; t < d->steps; t++) {
            double x = d->v[t * d->n_v + j];
            if (t == 0 || x < lo)
                lo = x;
            if (t == 0 || x > hi)
                hi = x;
        }
        double pad = hi > lo ? 0.08 * (hi - lo) : 1.0;
        fprintf(g, "set yrange [%.9g:%.9g]\nset ytics (%.9g, %.9g)\nset format y '%%.6g'\n", lo - pad,
                hi + pad, lo, hi);
        fputs("set ylabel ", g);
        plot_put_quoted(g, d->v_names[j]);
        fprintf(g, "\nset tmargin 0.5\nset bmargin %s\n", j + 1 == nv ? "3" : "0.5");
        fprintf(g, "plot '-' using 1:2 with lines lw 1.5 lc rgb '%s' notitle\n",
                palette[j % (sizeof palette / sizeof palette[0])]);
        for (uint64_t t = 0; t < d->steps; t++)
            fprintf(g, "%" PRIu64 " %.9g\n", t, d->v[t * d->n_v + j]);
        if (d->steps == 0)
            fputs("0 0\n", g);
        fputs("e\n", g);
    }
    fputs("unset multiplot\nset output\n", g);
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

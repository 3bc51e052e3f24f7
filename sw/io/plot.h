/*
 * plot.h -- spike raster and membrane plots as PNG, drawn by gnuplot.
 *
 * The data is piped to a `gnuplot` process (found on PATH, or named by the
 * environment variable LOOM_GNUPLOT); nothing is written besides the PNG.
 * The top panel is the spike raster (x: step, y: a row per neuron, in the
 * SEIR file's order, or whatever rows the caller maps spikes to), with the
 * neuron groups (layers) named on the y axis and separated by lines; below
 * it every v trace gets a strip of its own with its own y scale (a ±32 K
 * trace does not flatten a ±10 one) and a dark colour of a fixed palette.
 * Text is drawn as given (gnuplot's "enhanced" markup is off, so
 * `cnn_sinabs` keeps its underscore).  Axes are labelled.
 */
#ifndef PLOT_H
#define PLOT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "loom_status.h"

/* At most this many v traces are drawn (the first ones); callers need not
 * collect more. */
#define PLOT_MAX_V 12u

typedef struct plot_data {
    const char *title;            /* top line of the figure (may be NULL) */
    uint64_t steps;               /* x range: 0..steps */
    uint32_t n_neurons;           /* rows of the raster: 0..n_neurons-1 */
    size_t n_spikes;              /* spikes to draw ... */
    const uint64_t *spike_step;   /* ... their steps [n_spikes] */
    const uint32_t *spike_neuron; /* ... and rows [n_spikes] */
    uint32_t n_v;                 /* v traces (0: raster only) */
    const char *const *v_names;   /* [n_v] names (the strips' y labels) */
    const double *v;              /* [steps * n_v], row k = step k */
    /* optional: the raster's rows in named runs (layers); NULL = none */
    uint32_t n_groups;
    const char *const *group_name; /* [n_groups] */
    const uint32_t *group_first;   /* [n_groups] first row, increasing */
    const char *row_label;         /* y label of the raster [neuron] */
} plot_data;

/* The PNG's size in pixels for d (what plot_png asks gnuplot for). */
void plot_png_size(const plot_data *d, unsigned *width, unsigned *height);

/* Writes the PNG to png_path.  Fails with LOOM_E_UNSUPPORTED when gnuplot
 * is not installed (the message says how to get it), LOOM_E_IO when gnuplot
 * fails or leaves no PNG behind (its own diagnostics go to stderr). */
loom_status plot_png(const char *png_path, const plot_data *d, loom_err *e);

/* Writes a gnuplot script to g; png is the output file the script must
 * name (through plot_put_quoted).  ctx is the caller's data. */
typedef void (*plot_script_fn)(FILE *g, const char *png, const void *ctx);

/* Runs gnuplot (as plot_png finds it) on the script `write` emits and checks
 * that png_path then holds a PNG.  Errors as plot_png. */
loom_status plot_script_png(const char *png_path, plot_script_fn write, const void *ctx, loom_err *e);

/* Writes s to g as a gnuplot single-quoted string: a quote is doubled and a
 * newline dropped, so no string (a file name, a title) can end the quoted
 * string and start a gnuplot command such as system(). */
void plot_put_quoted(FILE *g, const char *s);

/* 1 when a gnuplot executable can be found (PATH or LOOM_GNUPLOT). */
int plot_available(void);

#endif

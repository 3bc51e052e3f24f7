/*
 * outw.c -- CSV writers for simulation results (formats in outw.h).
 *
 * Traces of long runs are large (trace-all writes n_neurons lines per
 * step), so numbers are formatted by hand into a line buffer and written
 * through a big stdio buffer; printf is only used for the float values of
 * `loom sim --float`.  A write error is remembered and reported once, by
 * the next call or by outw_close, with the file's name.
 */
#include "outw.h"

#include "afile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define OUTW_BUF (1u << 20)

struct outw {
    afile *a;
    FILE *f;
    char *path;
    char *iobuf;
    const uint8_t *keep; /* spikes: neuron filter (outputs_only), else NULL */
    uint8_t *keep_owned;
    uint32_t n_v;        /* v traces: columns */
};

static loom_status wopen(const char *path, outw **out, loom_err *e)
{
    *out = NULL;
    outw *w = calloc(1, sizeof *w);
    if (!w || !(w->path = strdup(path))) {
        free(w);
        return loom_fail(e, LOOM_E_NOMEM, "out of memory opening %s", path);
    }
    loom_status st = afile_open(path, &w->a, e);
    if (st) {
        free(w->path);
        free(w);
        return st;
    }
    w->f = afile_fp(w->a);
    if (w->f != stdout) {
        w->iobuf = malloc(OUTW_BUF);
        if (w->iobuf)
            setvbuf(w->f, w->iobuf, _IOFBF, OUTW_BUF);
    }
    *out = w;
    return LOOM_OK;
}

/* Lines are formatted into a CHUNK-byte stack buffer and handed to stdio
 * in one fwrite per chunk: one call per line costs more than formatting. */
#define CHUNK 8192

static size_t chunk_out(outw *w, const char *buf, size_t used)
{
    if (used)
        fwrite(buf, 1, used, w->f);
    return 0;
}

static loom_status werr(outw *w, loom_err *e)
{
    if (ferror(w->f))
        return loom_fail(e, LOOM_E_IO, "%s: write error: %s", w->path, strerror(errno));
    return LOOM_OK;
}

/* Appends the decimal form of x at p; returns the new end. */
static char *put_u(char *p, uint64_t x)
{
    char t[24];
    int n = 0;
    do {
        t[n++] = (char)('0' + x % 10);
        x /= 10;
    } while (x);
    while (n)
        *p++ = t[--n];
    return p;
}

static char *put_i(char *p, int64_t x)
{
    if (x < 0) {
        *p++ = '-';
        return put_u(p, (uint64_t)0 - (uint64_t)x);
    }
    return put_u(p, (uint64_t)x);
}

static void wfree(outw *w)
{
    free(w->iobuf);
    free(w->keep_owned);
    free(w->path);
    free(w);
}

loom_status outw_close(outw *w, loom_err *e)
{
    if (!w)
        return LOOM_OK;
    loom_status st = afile_commit(w->a, e); /* before iobuf goes */
    wfree(w);
    return st;
}

void outw_discard(outw *w)
{
    if (!w)
        return;
    afile_discard(w->a);
    wfree(w);
}

/* wopen, then the CSV header line of a file whose columns are fixed. */
static loom_status wopen_header(const char *path, const char *header, outw **out, loom_err *e)
{
    loom_status st = wopen(path, out, e);
    if (st)
        return st;
    fputs(header, (*out)->f);
    return werr(*out, e);
}

/* ---- spikes ---------------------------------------------------------------- */

loom_status outw_spikes_open(const char *path, const seir_net *net, int outputs_only,
                             outw **out, loom_err *e)
{
    loom_status st = wopen(path, out, e);
    if (st)
        return st;
    outw *w = *out;
    if (outputs_only) {
        w->keep_owned = calloc(net->n_neurons ? net->n_neurons : 1, 1);
        if (!w->keep_owned) {
            outw_discard(w);
            *out = NULL;
            return loom_fail(e, LOOM_E_NOMEM, "out of memory");
        }
        for (uint32_t k = 0; k < net->n_outputs; k++)
            if (net->outputs[k].kind == SEIR_OUT_SPIKE)
                w->keep_owned[net->outputs[k].neuron] = 1;
        w->keep = w->keep_owned;
    }
    fputs("step,neuron\n", w->f);
    return werr(w, e);
}

loom_status outw_spikes_step(outw *w, uint64_t step, const uint32_t *spiked, uint32_t n,
                             loom_err *e)
{
    char buf[CHUNK], head[24];
    size_t hl = (size_t)(put_u(head, step) - head), used = 0;
    head[hl++] = ',';
    for (uint32_t k = 0; k < n; k++) {
        if (w->keep && !w->keep[spiked[k]])
            continue;
        if (used > CHUNK - 64)
            used = chunk_out(w, buf, used);
        char *p = buf + used;
        memcpy(p, head, hl);
        p = put_u(p + hl, spiked[k]);
        *p++ = '\n';
        used = (size_t)(p - buf);
    }
    chunk_out(w, buf, used);
    return werr(w, e);
}

/* ---- v traces -------------------------------------------------------------- */

uint32_t outw_v_outputs(const seir_net *net, uint32_t *idx)
{
    uint32_t n = 0;
    for (uint32_t k = 0; k < net->n_outputs; k++)
        if (net->outputs[k].kind == SEIR_OUT_V) {
            if (idx)
                idx[n] = net->outputs[k].neuron;
            n++;
        }
    return n;
}

loom_status outw_v_open(const char *path, const seir_net *net, outw **out, loom_err *e)
{
    loom_status st = wopen(path, out, e);
    if (st)
        return st;
    outw *w = *out;
    fputs("step", w->f);
    char name[256];
    for (uint32_t k = 0; k < net->n_outputs; k++)
        if (net->outputs[k].kind == SEIR_OUT_V) {
            fprintf(w->f, ",%s", seir_neuron_name(net, net->outputs[k].neuron, name, sizeof name));
            w->n_v++;
        }
    fputc('\n', w->f);
    return werr(w, e);
}

/* One v row: the step, then the read-outs, integers (vi) or the float
 * model's values (vd). */
static loom_status v_row(outw *w, uint64_t step, const int32_t *vi, const double *vd, loom_err *e)
{
    char line[32];
    char *p = put_u(line, step);
    fwrite(line, 1, (size_t)(p - line), w->f);
    for (uint32_t k = 0; k < w->n_v; k++) {
        if (vd) {
            fprintf(w->f, ",%.9g", vd[k]);
            continue;
        }
        p = line;
        *p++ = ',';
        p = put_i(p, vi[k]);
        fwrite(line, 1, (size_t)(p - line), w->f);
    }
    fputc('\n', w->f);
    return werr(w, e);
}

loom_status outw_v_step(outw *w, uint64_t step, const int32_t *v, loom_err *e)
{
    return v_row(w, step, v, NULL, e);
}

loom_status outw_v_step_f(outw *w, uint64_t step, const double *v, loom_err *e)
{
    return v_row(w, step, NULL, v, e);
}

/* ---- trace-all ------------------------------------------------------------- */

loom_status outw_trace_open(const char *path, outw **out, loom_err *e)
{
    return wopen_header(path, "step,neuron,i,v,spike\n", out, e);
}

loom_status outw_trace_step(outw *w, uint64_t step, const int32_t *i, const int32_t *v,
                            const uint8_t *spiked, uint32_t count, loom_err *e)
{
    char head[24], buf[CHUNK];
    char *h = put_u(head, step);
    *h++ = ',';
    size_t hl = (size_t)(h - head), used = 0;
    for (uint32_t n = 0; n < count; n++) {
        if (used > CHUNK - 96)
            used = chunk_out(w, buf, used);
        char *line = buf + used;
        memcpy(line, head, hl);
        char *p = put_u(line + hl, n);
        *p++ = ',';
        p = put_i(p, i[n]);
        *p++ = ',';
        p = put_i(p, v[n]);
        *p++ = ',';
        *p++ = spiked[n] ? '1' : '0';
        *p++ = '\n';
        used = (size_t)(p - buf);
    }
    chunk_out(w, buf, used);
    return werr(w, e);
}

/* ---- inputs ---------------------------------------------------------------- */

loom_status outw_inputs_open(const char *path, outw **out, loom_err *e)
{
    return wopen_header(path, "step,channel,value\n", out, e);
}

loom_status outw_inputs_step(outw *w, uint64_t step, const stim_event *ev, uint32_t n,
                             loom_err *e)
{
    char line[64];
    for (uint32_t k = 0; k < n; k++) {
        char *p = put_u(line, step);
        *p++ = ',';
        p = put_u(p, ev[k].channel);
        *p++ = ',';
        p = put_i(p, ev[k].value);
        *p++ = '\n';
        fwrite(line, 1, (size_t)(p - line), w->f);
    }
    return werr(w, e);
}

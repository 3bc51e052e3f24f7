/*
 * aig_check.c -- aigsim-style simulation of a compiled AIGER circuit on the
 * reference model (`loom sim CIRCUIT --stim FILE`).
 *
 * Simulation prints exactly what aigsim prints in its first three columns:
 * "latches inputs outputs", each a string of 0/1 in AIGER order, joined by
 * single spaces (so a circuit without latches gives lines starting with a
 * space).  The latch field holds the values during the clock cycle, before
 * the edge the vector causes.
 */
#include "check.h"

#include "aig.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dsim.h"
#include "ref.h"
#include "loom_mem.h"

loom_status aig_run_stim(const model *m, const char *stim_path, FILE *out, loom_err *e)
{
    char *text = NULL;
    size_t len = 0;
    loom_status st = aig_slurp(stim_path, &text, &len, e);
    if (st)
        return st;
    st = aig_run_stim_mem(m, text, len, stim_path, out, e);
    free(text);
    return st;
}

loom_status aig_run_stim_mem(const model *m, const char *text, size_t len, const char *name,
                             FILE *out, loom_err *e)
{
    if (m->kind != MODEL_AIGER || !m->aig || !m->net)
        return loom_fail(e, LOOM_E_ARG, "%s: --stim needs an AIGER circuit (.aag or .aig)", name);
    const aig_lowering *low = m->aig;
    const uint32_t I = low->n_inputs;

    /* parse every vector first: errors come before any output */
    size_t n_vec = 0, cap = 0;
    const char **vec = NULL;
    size_t pos = 0, line = 0;
    loom_status st = LOOM_OK;
    while (pos < len) {
        size_t start = pos;
        while (pos < len && text[pos] != '\n')
            pos++;
        size_t n = pos - start;
        if (pos < len)
            pos++;
        line++;
        if (n && text[start + n - 1] == '\r')
            n--;
        if (n == 1 && text[start] == '.')
            break;
        if (n != I) {
            st = loom_fail(e, LOOM_E_PARSE,
                           "%s:%zu: expected a vector of exactly %u characters 0/1 (one per input) "
                           "or a final '.', got %zu characters",
                           name, line, I, n);
            goto done;
        }
        for (size_t k = 0; k < n; k++)
            if (text[start + k] != '0' && text[start + k] != '1') {
                st = loom_fail(e, LOOM_E_PARSE, "%s:%zu:%zu: expected '0' or '1', got '%c'", name,
                               line, k + 1, text[start + k]);
                goto done;
            }
        if (LOOM_GROW(vec, cap, n_vec + 1, 64)) {
            st = loom_fail(e, LOOM_E_NOMEM, "out of memory reading %s", name);
            goto done;
        }
        vec[n_vec++] = text + start;
    }

    /* A --pipeline circuit runs change-driven from the settled state
     * (check/dsim.h): its paths are balanced (a neuron at stage s computes in
     * step t the function of vector t - s), so the printed lines, read at
     * steps t + L, are the reference model's; only the spikes of the fill
     * steps (neuron at stage s before step s, never printed) differ.  A step
     * then costs the neurons the vectors' wavefronts change, not the whole
     * net, so the L steps of fill are nearly free. */
    ref_sim *sim = NULL;
    dsim *ds = NULL;
    char *lbuf = NULL, *obuf = NULL;
    const int use_ds = low->pipeline && dsim_supports(m->net, NULL);
    if ((st = use_ds ? dsim_create(m->net, &ds, e) : ref_create(m->net, &sim, e)) ||
        (ds && (st = dsim_settle(ds, e))))
        goto done_sim;
    size_t lat = low->latency;
    size_t nl = (size_t)low->n_latches + 1, no = (size_t)low->n_outputs + 1;
    lbuf = malloc(nl);
    obuf = malloc(no);
    if (!lbuf || !obuf) {
        st = loom_fail(e, LOOM_E_NOMEM, "out of memory simulating %s", name);
    } else {
        for (size_t t = 0; t < n_vec + lat && !st; t++) {
            if (t < n_vec)
                for (uint32_t c = 0; c < I; c++) {
                    if (ds)
                        dsim_set_input(ds, c, vec[t][c] == '1');
                    else
                        ref_set_input(sim, c, vec[t][c] == '1');
                }
            if (ds)
                st = dsim_step(ds, e);
            else
                ref_step(sim);
            if (st || t < lat)
                continue;
            for (uint32_t k = 0; k < low->n_latches; k++)
                lbuf[k] = (ds ? dsim_spiked(ds, low->latch_neuron[k])
                              : ref_spiked(sim, low->latch_neuron[k])) ? '1' : '0';
            lbuf[low->n_latches] = 0;
            for (uint32_t k = 0; k < low->n_outputs; k++)
                obuf[k] = (ds ? dsim_spiked(ds, low->output_neuron[k])
                              : ref_spiked(sim, low->output_neuron[k])) ? '1' : '0';
            obuf[low->n_outputs] = 0;
            fprintf(out, "%s %.*s %s\n", lbuf, (int)I, vec[t - lat], obuf);
        }
        if (!st && ferror(out))
            st = loom_fail(e, LOOM_E_IO, "write error printing the trace of %s", name);
    }
done_sim:
    free(lbuf);
    free(obuf);
    ref_destroy(sim);
    dsim_destroy(ds);
done:
    free(vec);
    return st;
}

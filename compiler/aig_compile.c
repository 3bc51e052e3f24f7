/*
 * aig_compile.c -- the AIGER front-end's entry points: loading a circuit
 * (reader + lowering) and the compile report.
 */
#include "aig.h"

#include "arch_choose.h"

loom_status aig_compile_file(const char *path, const model_opts *o, seir_net **net,
                             aig_lowering **low, loom_err *e)
{
    *net = NULL;
    *low = NULL;
    aig_file *f;
    loom_status st = aig_read_file(path, &f, e);
    if (st)
        return st;
    st = aig_lower(f, path, o, net, low, e);
    aig_file_free(f);
    return st;
}

loom_status aig_report(const model *m, FILE *out, loom_err *e)
{
    if (m->kind != MODEL_AIGER || !m->aig)
        return loom_fail(e, LOOM_E_ARG, "aig_report: not an AIGER model");
    const aig_lowering *l = m->aig;
    fprintf(out, "aiger mode %s\n", l->pipeline ? "pipeline" : "combinational");
    fprintf(out, "aiger inputs %u\n", l->n_inputs);
    fprintf(out, "aiger outputs %u\n", l->n_outputs);
    fprintf(out, "aiger latches %u\n", l->n_latches);
    fprintf(out, "aiger gates %u\n", l->gates);
    fprintf(out, "aiger depth %u\n", l->depth);
    fprintf(out, "aiger levels %u\n", l->levels);
    fprintf(out, "aiger latency %u\n", l->latency);
    fprintf(out, "aiger neurons %u (gates %u, latches %u, output NOT/BUF/constant %u, delay buffers %u)\n",
            l->neurons, l->gates, l->n_latches, l->extra_neurons, l->buffers);
    fprintf(out, "aiger synapses %zu\n", l->synapses);
    /* the narrowest widths that run it exactly (what loom build --board
     * and loom compile --board choose when the generic arch does not hold
     * the circuit) */
    seir_arch w;
    char why[160];
    const int ex = arch_exact_widths(m->net, &w, why, sizeof why);
    if (ex < 0)
        return loom_fail(e, LOOM_E_NOMEM, "out of memory");
    if (ex == 1)
        fprintf(out, "arch-needed W=%d,S=%d,A=%d (the narrowest widths that run it exactly: %s)\n", w.w, w.s,
                w.a, why);
    if (l->n_uninit)
        fprintf(out, "aiger uninitialised_latches %u (start at 0)\n", l->n_uninit);
    if (l->n_bad || l->n_constraints || l->n_justice || l->n_fairness)
        fprintf(out, "aiger ignored bad %u constraints %u justice %u fairness %u\n", l->n_bad,
                l->n_constraints, l->n_justice, l->n_fairness);
    return ferror(out) ? loom_fail(e, LOOM_E_IO, "write error printing the report") : LOOM_OK;
}

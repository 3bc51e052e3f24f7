/*
 * aig_lower.c -- lowering an AIGER circuit onto SEIR threshold neurons.
 *
 * Every neuron made here is the same memoryless two-input AND: a_syn =
 * a_mem = 0, theta = 2, reset to zero, so v = (weighted input) + bias and
 * the neuron spikes iff v >= 2 in the step its input arrives.  A literal x
 * enters as weight +1; a complemented literal !x as weight -1 plus 1 in the
 * bias (1 - x); a constant-true fanin as 1 in the bias.  So v is the number
 * of true fanins and the neuron spikes iff both are true.  Buffers, NOTs,
 * constants and latches are the same neuron with one fanin tied to true
 * (bias 1 for x, bias 2 with weight -1 for !x, bias 2 alone for true, no
 * input for false), so the whole net needs only three profiles, one per
 * bias 0, 1, 2.
 *
 * Combinational mode: all edges have delay 0 except latch next-state edges
 * (delay 1).  A latch neuron spikes in step t iff the latch holds 1 during
 * clock cycle t; its reset value is pending ring input at step 0 chosen so
 * that v(0) = bias + ring >= 2 exactly when the reset value is 1.
 *
 * Pipeline mode: every neuron gets a stage (inputs 0, a gate 1 + the
 * largest stage of its fanins); an edge from stage s to stage s' has delay
 * s' - s, realised through shared chains of buffer neurons (one per D
 * steps) when longer than D.  All outputs sit at stage L = the latency.
 */
#include "aig.h"
#include "loom_mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One lowered AND: up to two non-constant literals and the bias. */
typedef struct form {
    uint32_t lit[2];
    uint8_t n, bias;
} form;

/* AND(l0, l1) with constants and repeated variables folded. */
static form form_and(uint32_t l0, uint32_t l1)
{
    form f = {{0, 0}, 0, 0};
    uint32_t in[2] = {l0, l1};
    for (int k = 0; k < 2; k++) {
        if (in[k] == 0)
            return (form){{0, 0}, 0, 0}; /* constant false */
        if (in[k] == 1)
            f.bias++;
        else
            f.lit[f.n++] = in[k];
    }
    if (f.n == 2 && f.lit[0] == f.lit[1]) {
        f.n = 1;
        f.bias++;
    } else if (f.n == 2 && (f.lit[0] ^ 1) == f.lit[1]) {
        return (form){{0, 0}, 0, 0}; /* x & !x */
    }
    for (int k = 0; k < f.n; k++)
        f.bias += f.lit[k] & 1;
    return f;
}

/* ---- group naming ---------------------------------------------------- */

/* A set of the group and profile names in use (open addressing). */
typedef struct nameset {
    char **slot;
    size_t cap, n;
} nameset;

static size_t name_hash(const char *s)
{
    size_t h = 1469598103934665603ull;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211ull;
    return h;
}

static int nameset_has(const nameset *ns, const char *s)
{
    if (!ns->cap)
        return 0;
    for (size_t i = name_hash(s) & (ns->cap - 1);; i = (i + 1) & (ns->cap - 1)) {
        if (!ns->slot[i])
            return 0;
        if (strcmp(ns->slot[i], s) == 0)
            return 1;
    }
}

/* Adds a copy of s; -1 on OOM. */
static int nameset_add(nameset *ns, const char *s)
{
    if (2 * (ns->n + 1) > ns->cap) {
        size_t nc = ns->cap ? ns->cap * 2 : 64;
        char **ns2 = calloc(nc, sizeof *ns2);
        if (!ns2)
            return -1;
        for (size_t k = 0; k < ns->cap; k++)
            if (ns->slot[k]) {
                size_t i = name_hash(ns->slot[k]) & (nc - 1);
                while (ns2[i])
                    i = (i + 1) & (nc - 1);
                ns2[i] = ns->slot[k];
            }
        free(ns->slot);
        ns->slot = ns2;
        ns->cap = nc;
    }
    size_t i = name_hash(s) & (ns->cap - 1);
    while (ns->slot[i])
        i = (i + 1) & (ns->cap - 1);
    size_t len = strlen(s) + 1;
    if (!(ns->slot[i] = malloc(len)))
        return -1;
    memcpy(ns->slot[i], s, len);
    ns->n++;
    return 0;
}

static void nameset_free(nameset *ns)
{
    for (size_t k = 0; k < ns->cap; k++)
        free(ns->slot[k]);
    free(ns->slot);
}

#define NAME_MAX_LEN 200

/* SEIR identifiers are [A-Za-z_][A-Za-z0-9_.]*: other bytes become '_'. */
static void sanitize(const char *in, size_t n, char *out)
{
    size_t o = 0;
    if (n == 0 || !((in[0] >= 'A' && in[0] <= 'Z') || (in[0] >= 'a' && in[0] <= 'z') || in[0] == '_'))
        out[o++] = '_';
    for (size_t k = 0; k < n && o < NAME_MAX_LEN; k++) {
        char c = in[k];
        int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '.';
        out[o++] = ok ? c : '_';
    }
    out[o] = 0;
}

/* Makes `buf` unique by appending _2, _3, ... and records it.  -1 on OOM. */
static int unique_name(nameset *ns, char *buf)
{
    if (nameset_has(ns, buf)) {
        size_t n = strlen(buf);
        for (unsigned k = 2;; k++) {
            snprintf(buf + n, 16, "_%u", k);
            if (!nameset_has(ns, buf))
                break;
        }
    }
    return nameset_add(ns, buf);
}

/* The name of item a: a bus member "base[idx]" gives (base, idx); an
 * unnamed item gives (prefix, a); any other name gives (name, -1). */
typedef struct iname {
    char base[NAME_MAX_LEN + 1];
    long long idx;
} iname;

static void item_name(char **names, uint32_t a, const char *prefix, iname *out)
{
    const char *s = names ? names[a] : NULL;
    if (!s) {
        snprintf(out->base, sizeof out->base, "%s", prefix);
        out->idx = a;
        return;
    }
    size_t n = strlen(s);
    if (n > 3 && s[n - 1] == ']') {
        size_t k = n - 1;
        while (k > 0 && s[k - 1] >= '0' && s[k - 1] <= '9')
            k--;
        if (k >= 2 && s[k - 1] == '[' && k < n - 1 && n - 1 - k <= 9 &&
            !(s[k] == '0' && k + 1 < n - 1)) {
            sanitize(s, k - 1, out->base);
            out->idx = strtoll(s + k, NULL, 10);
            return;
        }
    }
    sanitize(s, n, out->base);
    out->idx = -1;
}

/* Adds groups for n_items consecutive neurons (or input channels) starting
 * at `first`; item j is AIGER object aidx[j] (NULL: j) named by names[]
 * (may be NULL), with profile prof[j] (NULL: inputs).  Bus members
 * base[0], base[1], ... of one profile become one array group. */
static loom_status add_groups(seir_net *net, nameset *ns, int inputs, uint32_t n_items,
                              const uint32_t *aidx, char **names, const char *prefix,
                              const uint32_t *prof, loom_err *e)
{
    iname a, b;
    char buf[NAME_MAX_LEN + 40];
    uint32_t j = 0;
    while (j < n_items) {
        uint32_t aj = aidx ? aidx[j] : j;
        item_name(names, aj, prefix, &a);
        uint32_t cnt = 1;
        int is_array = 0;
        if (a.idx == 0) {
            is_array = 1;
            while (j + cnt < n_items) {
                uint32_t ak = aidx ? aidx[j + cnt] : j + cnt;
                if (prof && prof[j + cnt] != prof[j])
                    break;
                item_name(names, ak, prefix, &b);
                if (b.idx != (long long)cnt || strcmp(a.base, b.base) != 0)
                    break;
                cnt++;
            }
            snprintf(buf, sizeof buf, "%s", a.base);
        } else if (a.idx > 0) {
            snprintf(buf, sizeof buf, "%s%s%lld", a.base, names && names[aj] ? "_" : "", a.idx);
        } else {
            snprintf(buf, sizeof buf, "%s", a.base);
        }
        if (unique_name(ns, buf))
            return loom_fail(e, LOOM_E_NOMEM, "out of memory naming groups");
        int64_t r = inputs ? seir_add_inputs(net, buf, cnt, is_array, SEIR_IN_SPIKE)
                           : seir_add_neurons(net, buf, cnt, is_array, prof[j]);
        if (r < 0)
            return loom_fail(e, LOOM_E_NOMEM, "out of memory adding group %s", buf);
        j += cnt;
    }
    return LOOM_OK;
}

/* ---- the lowering ----------------------------------------------------- */

enum { V_CONST = 0, V_INPUT, V_LATCH, V_AND };

typedef struct chain {
    uint32_t *buf; /* buf[k-1]: buffer at stage stage(var) + k*D */
    uint32_t n, cap;
} chain;

typedef struct lower {
    const aig_file *f;    /* the circuit, variables numbered densely */
    const aig_file *orig; /* as read (for messages and the depth) */
    seir_net *net;
    aig_lowering *low;
    uint32_t D;
    uint32_t nvars;
    uint8_t *vkind;       /* [nvars] */
    uint32_t *vidx;       /* [nvars] index among inputs / latches / ands */
    uint32_t *neuron;     /* [nvars] neuron of a latch or AND var */
    uint32_t *stage;      /* [nvars] pipeline stage */
    chain *chains;        /* [nvars] pipeline buffer chains (lazy) */
    uint32_t n_buffers, base_buf;
    int32_t profile[3];   /* profile index per bias, -1 until used */
    loom_err *e;
} lower;

static void lower_free(lower *L)
{
    LOOM_FREE(L->vkind, L->vidx, L->neuron, L->stage);
    if (L->chains)
        for (uint32_t v = 0; v < L->nvars; v++)
            free(L->chains[v].buf);
    free(L->chains);
}

void aig_lowering_free(aig_lowering *low)
{
    if (!low)
        return;
    LOOM_FREE(low->latch_neuron, low->output_neuron, low);
}

static loom_status oom(loom_err *e) { return loom_fail(e, LOOM_E_NOMEM, "out of memory lowering the circuit"); }

static int32_t profile_for(lower *L, unsigned bias)
{
    if (L->profile[bias] >= 0)
        return L->profile[bias];
    char name[16];
    snprintf(name, sizeof name, "aig_b%u", bias);
    seir_profile p;
    seir_profile_gate(&p, name, 2, (int32_t)bias, SEIR_RESET_ZERO);
    return L->profile[bias] = seir_add_profile(L->net, &p);
}

/* Synapse source for the positive value of var v. */
static uint32_t src_of(const lower *L, uint32_t v)
{
    if (L->vkind[v] == V_INPUT)
        return SEIR_SRC_INPUT | L->vidx[v];
    return L->neuron[v];
}

/* Connects var v (weight w) to neuron dst sitting `gap` >= 1 steps later,
 * through the shared buffer chain of v when gap > D. */
static loom_status connect_gap(lower *L, uint32_t v, uint32_t dst, int32_t w, uint32_t gap)
{
    if (gap <= L->D) {
        if (seir_add_syn(L->net, src_of(L, v), dst, w, gap))
            return oom(L->e);
        return LOOM_OK;
    }
    uint32_t k = (gap - 1) / L->D;
    chain *c = &L->chains[v];
    while (c->n < k) {
        if (LOOM_GROW(c->buf, c->cap, (size_t)c->n + 1, 4))
            return oom(L->e);
        uint32_t b = L->base_buf + L->n_buffers++;
        uint32_t src = c->n ? c->buf[c->n - 1] : src_of(L, v);
        if (seir_add_syn(L->net, src, b, 1, L->D))
            return oom(L->e);
        c->buf[c->n++] = b;
    }
    if (seir_add_syn(L->net, c->buf[k - 1], dst, w, gap - k * L->D))
        return oom(L->e);
    return LOOM_OK;
}

/* Synapses of form fm into neuron dst: delay d (combinational mode), or,
 * when stage_dst is not 0, delay stage_dst - stage(fanin) (pipeline). */
static loom_status connect_form(lower *L, const form *fm, uint32_t dst, uint32_t d, uint32_t stage_dst)
{
    for (int k = 0; k < fm->n; k++) {
        uint32_t v = fm->lit[k] / 2;
        int32_t w = (fm->lit[k] & 1) ? -1 : 1;
        loom_status st;
        if (stage_dst)
            st = connect_gap(L, v, dst, w, stage_dst - L->stage[v]);
        else
            st = seir_add_syn(L->net, src_of(L, v), dst, w, d) ? oom(L->e) : LOOM_OK;
        if (st)
            return st;
    }
    return LOOM_OK;
}

static void warn(const model_opts *o, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void warn(const model_opts *o, const char *name, const char *fmt, ...)
{
    if (o->quiet || !o->warn)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    o->warn(o->warn_ctx, name, msg);
}

/* The pipeline stage of every gate (gates come in topological order) and
 * the latency: the largest stage an output needs.  `used` (nvars bytes,
 * zero) is scratch and left zero. */
static uint32_t pipeline_stages(lower *L, const form *gf, uint8_t *used)
{
    const aig_file *f = L->f;
    const uint32_t A = f->n_ands, O = f->n_outputs;
    uint32_t latency;
    for (uint32_t k = 0; k < A; k++) {
        uint32_t s = 0;
        for (int j = 0; j < gf[k].n; j++)
            if (L->stage[gf[k].lit[j] / 2] + 1 > s)
                s = L->stage[gf[k].lit[j] / 2] + 1;
        L->stage[f->ands[k].lhs / 2] = s;
    }
    latency = 1;
    for (uint32_t k = 0; k < O; k++) {
        uint32_t l = f->outputs[k], v = l / 2, need;
        if (v == 0)
            need = 0;
        else if (!(l & 1) && L->vkind[v] == V_AND && !used[v])
            need = L->stage[v], used[v] = 1;
        else
            need = L->stage[v] + 1;
        if (need > latency)
            latency = need;
    }
    memset(used, 0, L->nvars);
    return latency;
}

/* low->levels: the zero-delay levels of the net (for the report). */
static loom_status net_levels(lower *L)
{
    aig_lowering *low = L->low;
    if (low->pipeline) {
        low->levels = L->net->n_neurons ? 1 : 0;
        return LOOM_OK;
    }
    uint32_t *lev = calloc((size_t)L->net->n_neurons + 1, sizeof *lev), top = 0;
    if (!lev)
        return oom(L->e);
    /* synapses of gates come in topological order, extras after them */
    for (size_t s = 0; s < L->net->n_syn; s++) {
        const seir_syn *y = &L->net->syn[s];
        if (y->d == 0 && !SEIR_IS_INPUT(y->src) && lev[y->src] + 1 > lev[y->dst])
            lev[y->dst] = lev[y->src] + 1;
    }
    for (uint32_t n = 0; n < L->net->n_neurons; n++)
        if (lev[n] + 1 > top)
            top = lev[n] + 1;
    low->levels = top;
    free(lev);
    return LOOM_OK;
}

/* The figures of the report, and the warnings about what the net cannot
 * show (uninitialised latches, ignored properties). */
static void report_figures(lower *L, const char *name, const model_opts *o, uint32_t n_extra)
{
    const aig_file *f = L->f;
    aig_lowering *low = L->low;
    const uint32_t I = f->n_inputs, NL = f->n_latches, A = f->n_ands, O = f->n_outputs;
    low->n_inputs = I;
    low->n_latches = NL;
    low->n_outputs = O;
    low->gates = A;
    low->depth = aig_depth(L->orig);
    low->n_bad = f->n_bad;
    low->n_constraints = f->n_constraints;
    low->n_justice = f->n_justice;
    low->n_fairness = f->n_fairness;
    low->extra_neurons = n_extra;
    low->buffers = L->n_buffers;
    low->neurons = L->net->n_neurons;
    low->synapses = L->net->n_syn;
    for (uint32_t k = 0; k < NL; k++)
        if (f->latches[k].reset == f->latches[k].lit) {
            if (!low->n_uninit)
                warn(o, name, "latch %u (literal %u%s%s) is uninitialised: treated as reset value 0", k,
                     L->orig->latches[k].lit, f->latch_names && f->latch_names[k] ? ", " : "",
                     f->latch_names && f->latch_names[k] ? f->latch_names[k] : "");
            low->n_uninit++;
        }
    if (low->n_uninit > 1)
        warn(o, name, "%u latches in all are uninitialised and start at 0", low->n_uninit);
    if (f->n_bad || f->n_constraints || f->n_justice || f->n_fairness)
        warn(o, name,
             "%u bad-state, %u constraint, %u justice and %u fairness properties read and ignored "
             "for mapping",
             f->n_bad, f->n_constraints, f->n_justice, f->n_fairness);
}

/* What lower_all works out before it builds the net: the forms of the
 * gates and latches, which outputs get a slot of their own, and the
 * neuron numbering. */
typedef struct lplan {
    form *gf, *lf;        /* gate and latch forms */
    uint32_t *prof;       /* profile per group item */
    uint32_t *slot_out;   /* output slot -> output */
    uint32_t *slot_gate;  /* slot -> gate or UINT32_MAX */
    form *slot_form;
    uint8_t *out_gate;    /* gate sits in an output slot */
    uint8_t *used;
    uint32_t latency, n_slots, n_extra, n_out_gates, base_out;
    uint32_t cnt[3];      /* gates outside the slots, by bias */
} lplan;

/* What the arch and the options allow, before anything is allocated. */
static loom_status lower_check(const lower *L, const char *name, const model_opts *o)
{
    const uint32_t NL = L->f->n_latches;
    const int pipe = L->low->pipeline;
    loom_status st = seir_arch_check(&o->arch, L->e);
    if (st)
        return st;
    if (pipe && NL)
        return loom_fail(L->e, LOOM_E_UNSUPPORTED,
                         "%s: --pipeline takes combinational circuits only, but this one has %u "
                         "latch%s; compile it without --pipeline (one clock cycle per step)",
                         name, NL, NL == 1 ? "" : "es");
    if ((pipe || NL) && L->D < 1)
        return loom_fail(L->e, LOOM_E_CAPACITY,
                         "%s: %s need delays of 1 step, but the arch has D = 0", name,
                         pipe ? "--pipeline edges" : "latches");
    return LOOM_OK;
}

/* The variables' kinds and indices, and every array of the plan. */
static loom_status plan_alloc(lower *L, lplan *P)
{
    const aig_file *f = L->f;
    aig_lowering *low = L->low;
    const uint32_t I = f->n_inputs, NL = f->n_latches, A = f->n_ands, O = f->n_outputs;
    uint32_t maxv = 0;
    for (uint32_t k = 0; k < I; k++) maxv = f->inputs[k] / 2 > maxv ? f->inputs[k] / 2 : maxv;
    for (uint32_t k = 0; k < NL; k++) maxv = f->latches[k].lit / 2 > maxv ? f->latches[k].lit / 2 : maxv;
    for (uint32_t k = 0; k < A; k++) maxv = f->ands[k].lhs / 2 > maxv ? f->ands[k].lhs / 2 : maxv;
    L->nvars = maxv + 1;
    L->vkind = calloc(L->nvars, 1);
    L->vidx = calloc(L->nvars, sizeof *L->vidx);
    L->neuron = calloc(L->nvars, sizeof *L->neuron);
    L->stage = calloc(L->nvars, sizeof *L->stage);
    L->chains = calloc(L->nvars, sizeof *L->chains);
    P->gf = calloc(A ? A : 1, sizeof *P->gf);
    P->lf = calloc(NL ? NL : 1, sizeof *P->lf);
    P->prof = calloc((size_t)NL + O + 1, sizeof *P->prof);
    P->slot_out = calloc((size_t)O + 1, sizeof *P->slot_out);
    P->slot_gate = calloc((size_t)O + 1, sizeof *P->slot_gate);
    P->slot_form = calloc((size_t)O + 1, sizeof *P->slot_form);
    P->out_gate = calloc((size_t)A + 1, 1);
    P->used = calloc(L->nvars, 1);
    low->latch_neuron = calloc((size_t)NL + 1, sizeof *low->latch_neuron);
    low->output_neuron = calloc((size_t)O + 1, sizeof *low->output_neuron);
    if (!L->vkind || !L->vidx || !L->neuron || !L->stage || !L->chains || !P->gf || !P->lf ||
        !P->prof || !P->slot_out || !P->slot_gate || !P->slot_form || !P->out_gate || !P->used ||
        !low->latch_neuron || !low->output_neuron)
        return oom(L->e);
    for (uint32_t k = 0; k < I; k++) {
        L->vkind[f->inputs[k] / 2] = V_INPUT;
        L->vidx[f->inputs[k] / 2] = k;
    }
    for (uint32_t k = 0; k < NL; k++) {
        L->vkind[f->latches[k].lit / 2] = V_LATCH;
        L->vidx[f->latches[k].lit / 2] = k;
    }
    for (uint32_t k = 0; k < A; k++) {
        L->vkind[f->ands[k].lhs / 2] = V_AND;
        L->vidx[f->ands[k].lhs / 2] = k;
    }
    return LOOM_OK;
}

/* The forms (latches are neurons 0..NL-1) and the pipeline stages (gates
 * are topological). */
static void plan_forms(lower *L, lplan *P)
{
    const aig_file *f = L->f;
    for (uint32_t k = 0; k < f->n_ands; k++)
        P->gf[k] = form_and(f->ands[k].rhs0, f->ands[k].rhs1);
    for (uint32_t k = 0; k < f->n_latches; k++) {
        P->lf[k] = form_and(f->latches[k].next, 1);
        L->neuron[f->latches[k].lit / 2] = k;
        L->low->latch_neuron[k] = k;
    }
    P->latency = L->low->pipeline ? pipeline_stages(L, P->gf, P->used) : 0;
    L->low->latency = P->latency;
}

/* Outputs: a latch or gate neuron itself where exact (the first output of
 * a positive literal; in pipeline mode only at stage L), else an extra
 * NOT/BUF/constant neuron.  Every output but a latch gets a slot in the
 * output section, named after the output. */
static void plan_outputs(lower *L, lplan *P)
{
    const aig_file *f = L->f;
    const int pipe = L->low->pipeline;
    for (uint32_t k = 0; k < f->n_outputs; k++) {
        uint32_t l = f->outputs[k], v = l / 2;
        int even = !(l & 1) && !P->used[v];
        if (even && L->vkind[v] == V_LATCH) {
            P->used[v] = 1;
            L->low->output_neuron[k] = L->neuron[v];
            continue;
        }
        uint32_t j = P->n_slots++;
        P->slot_out[j] = k;
        if (even && L->vkind[v] == V_AND && (!pipe || L->stage[v] == P->latency)) {
            P->used[v] = 1;
            P->slot_gate[j] = L->vidx[v];
            P->slot_form[j] = P->gf[L->vidx[v]];
            P->out_gate[L->vidx[v]] = 1;
            P->n_out_gates++;
        } else {
            P->slot_gate[j] = UINT32_MAX;
            P->slot_form[j] = form_and(l, 1);
            P->n_extra++;
        }
    }
}

/* Numbering: latches, other gates by bias, output slots, buffers. */
static void plan_numbering(lower *L, lplan *P)
{
    const aig_file *f = L->f;
    const uint32_t NL = f->n_latches, A = f->n_ands;
    for (uint32_t k = 0; k < A; k++)
        if (!P->out_gate[k])
            P->cnt[P->gf[k].bias]++;
    uint32_t off[3] = {NL, NL + P->cnt[0], NL + P->cnt[0] + P->cnt[1]};
    for (uint32_t k = 0; k < A; k++)
        if (!P->out_gate[k])
            L->neuron[f->ands[k].lhs / 2] = off[P->gf[k].bias]++;
    P->base_out = NL + A - P->n_out_gates;
    for (uint32_t j = 0; j < P->n_slots; j++) {
        if (P->slot_gate[j] != UINT32_MAX)
            L->neuron[f->ands[P->slot_gate[j]].lhs / 2] = P->base_out + j;
        L->low->output_neuron[P->slot_out[j]] = P->base_out + j;
    }
    L->base_buf = P->base_out + P->n_slots;
}

/* The groups: inputs, latches, gates, outputs (buffers come last, with the
 * synapses). */
static loom_status add_all_groups(lower *L, lplan *P, nameset *ns)
{
    const aig_file *f = L->f;
    loom_err *e = L->e;
    loom_status st;
    static const char *reserved[] = {"aig_b0", "aig_b1", "aig_b2", "and_b0", "and_b1", "and_b2", "buf"};
    for (size_t k = 0; k < sizeof reserved / sizeof *reserved; k++)
        if (nameset_add(ns, reserved[k]))
            return oom(e);
    if ((st = add_groups(L->net, ns, 1, f->n_inputs, NULL, f->input_names, "i", NULL, e)))
        return st;
    for (uint32_t k = 0; k < f->n_latches; k++) {
        int32_t p = profile_for(L, P->lf[k].bias);
        if (p < 0)
            return oom(e);
        P->prof[k] = (uint32_t)p;
    }
    if ((st = add_groups(L->net, ns, 0, f->n_latches, NULL, f->latch_names, "l", P->prof, e)))
        return st;
    for (unsigned b = 0; b < 3; b++) {
        if (!P->cnt[b])
            continue;
        int32_t p = profile_for(L, b);
        char gname[16];
        snprintf(gname, sizeof gname, "and_b%u", b);
        if (p < 0 || seir_add_neurons(L->net, gname, P->cnt[b], 1, (uint32_t)p) < 0)
            return oom(e);
    }
    for (uint32_t j = 0; j < P->n_slots; j++) {
        int32_t p = profile_for(L, P->slot_form[j].bias);
        if (p < 0)
            return oom(e);
        P->prof[j] = (uint32_t)p;
    }
    return add_groups(L->net, ns, 0, P->n_slots, P->slot_out, f->output_names, "o", P->prof, e);
}

/* The synapses: latches, gates in topological order, extra output neurons;
 * then the outputs and the buffer group. */
static loom_status connect_all(lower *L, const lplan *P)
{
    const aig_file *f = L->f;
    const int pipe = L->low->pipeline;
    loom_status st = LOOM_OK;
    for (uint32_t k = 0; k < f->n_latches && !st; k++) {
        const aig_latch *lt = &f->latches[k];
        st = connect_form(L, &P->lf[k], k, 1, 0);
        int32_t reset = lt->reset == 1, bias = P->lf[k].bias, ring;
        ring = reset ? (2 - bias > 0 ? 2 - bias : 0) : (1 - bias < 0 ? 1 - bias : 0);
        if (!st && ring && seir_add_ring_init(L->net, k, 0, ring))
            st = oom(L->e);
    }
    for (uint32_t k = 0; k < f->n_ands && !st; k++) {
        uint32_t v = f->ands[k].lhs / 2;
        st = connect_form(L, &P->gf[k], L->neuron[v], 0, pipe ? L->stage[v] : 0);
    }
    for (uint32_t j = 0; j < P->n_slots && !st; j++)
        if (P->slot_gate[j] == UINT32_MAX)
            st = connect_form(L, &P->slot_form[j], P->base_out + j, 0, pipe ? P->latency : 0);
    for (uint32_t k = 0; k < f->n_outputs && !st; k++)
        if (seir_add_output(L->net, L->low->output_neuron[k], SEIR_OUT_SPIKE))
            st = oom(L->e);
    if (!st && L->n_buffers) {
        int32_t p = profile_for(L, 1);
        if (p < 0 || seir_add_neurons(L->net, "buf", L->n_buffers, 1, (uint32_t)p) < 0)
            st = oom(L->e);
    }
    return st;
}

static loom_status lower_all(lower *L, const char *name, const model_opts *o)
{
    lplan P = {0};
    nameset ns = {0};
    loom_status st = lower_check(L, name, o);
    if (!st)
        st = plan_alloc(L, &P);
    if (!st) {
        plan_forms(L, &P);
        plan_outputs(L, &P);
        plan_numbering(L, &P);
        st = add_all_groups(L, &P, &ns);
    }
    if (!st)
        st = connect_all(L, &P);
    nameset_free(&ns);
    /* zero-delay levels of the net (for the report) */
    if (!st)
        st = net_levels(L);
    if (!st)
        report_figures(L, name, o, P.n_extra);
    LOOM_FREE(P.gf, P.lf, P.prof, P.slot_out, P.slot_gate, P.slot_form, P.out_gate, P.used);
    return st;
}

/* ---- dense variable numbers ------------------------------------------ */

typedef struct varmap {
    uint32_t var, id;
} varmap;

static int varmap_cmp(const void *a, const void *b)
{
    uint32_t x = ((const varmap *)a)->var, y = ((const varmap *)b)->var;
    return (x > y) - (x < y);
}

static uint32_t dense_lit(const varmap *m, uint32_t n, uint32_t lit)
{
    if (lit < 2)
        return lit;
    uint32_t lo = 0, hi = n, v = lit / 2;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (m[mid].var <= v)
            lo = mid;
        else
            hi = mid;
    }
    return 2 * m[lo].id + (lit & 1); /* the reader guarantees v is defined */
}

/* An ASCII file may leave gaps in its variable numbers (M > I + L + A).
 * The lowering indexes tables by variable, so it works on a copy numbered
 * 1..I+L+A instead (inputs, latches, gates): a small file claiming a huge
 * variable then costs no memory.  Names are shared with f, not copied. */
static int compact(const aig_file *f, aig_file *g)
{
    const uint32_t I = f->n_inputs, NL = f->n_latches, A = f->n_ands, O = f->n_outputs;
    const uint32_t n = I + NL + A;
    *g = *f;
    g->maxvar = n;
    varmap *m = malloc(((size_t)n + 1) * sizeof *m);
    g->inputs = malloc(((size_t)I + 1) * sizeof *g->inputs);
    g->latches = malloc(((size_t)NL + 1) * sizeof *g->latches);
    g->ands = malloc(((size_t)A + 1) * sizeof *g->ands);
    g->outputs = malloc(((size_t)O + 1) * sizeof *g->outputs);
    if (!m || !g->inputs || !g->latches || !g->ands || !g->outputs) {
        free(m);
        return -1;
    }
    uint32_t k = 0;
    for (uint32_t j = 0; j < I; j++, k++)
        m[k] = (varmap){f->inputs[j] / 2, k + 1};
    for (uint32_t j = 0; j < NL; j++, k++)
        m[k] = (varmap){f->latches[j].lit / 2, k + 1};
    for (uint32_t j = 0; j < A; j++, k++)
        m[k] = (varmap){f->ands[j].lhs / 2, k + 1};
    qsort(m, n, sizeof *m, varmap_cmp);
    for (uint32_t j = 0; j < I; j++)
        g->inputs[j] = dense_lit(m, n, f->inputs[j]);
    for (uint32_t j = 0; j < NL; j++) {
        const aig_latch *l = &f->latches[j];
        uint32_t lit = dense_lit(m, n, l->lit);
        g->latches[j] = (aig_latch){lit, dense_lit(m, n, l->next), l->reset == l->lit ? lit : l->reset};
    }
    for (uint32_t j = 0; j < A; j++)
        g->ands[j] = (aig_and){dense_lit(m, n, f->ands[j].lhs), dense_lit(m, n, f->ands[j].rhs0),
                               dense_lit(m, n, f->ands[j].rhs1)};
    for (uint32_t j = 0; j < O; j++)
        g->outputs[j] = dense_lit(m, n, f->outputs[j]);
    free(m);
    return 0;
}

static void compact_free(aig_file *g)
{
    LOOM_FREE(g->inputs, g->latches, g->ands, g->outputs);
}

loom_status aig_lower(const aig_file *f, const char *name, const model_opts *o, seir_net **net,
                      aig_lowering **low, loom_err *e)
{
    *net = NULL;
    *low = NULL;
    aig_file g;
    int compacted = f->maxvar > (uint64_t)f->n_inputs + f->n_latches + f->n_ands;
    if (compacted && compact(f, &g)) {
        compact_free(&g);
        return oom(e);
    }
    lower L;
    memset(&L, 0, sizeof L);
    L.f = compacted ? &g : f;
    L.orig = f;
    L.e = e;
    L.D = o->arch.d < 0 ? 0 : (uint32_t)o->arch.d;
    L.profile[0] = L.profile[1] = L.profile[2] = -1;
    L.net = seir_net_new(&o->arch);
    L.low = calloc(1, sizeof *L.low);
    loom_status st;
    if (!L.net || !L.low) {
        st = oom(e);
    } else {
        L.low->pipeline = o->pipeline != 0;
        st = lower_all(&L, name, o);
    }
    lower_free(&L);
    if (compacted)
        compact_free(&g);
    if (st) {
        seir_net_free(L.net);
        aig_lowering_free(L.low);
        return st;
    }
    *net = L.net;
    *low = L.low;
    return LOOM_OK;
}

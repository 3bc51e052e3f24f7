/*
 * cmaes.c -- CMA-ES after Hansen's tutorial (see cmaes.h).
 *
 * Invariants between generations: C is symmetric positive definite;
 * B (columns = eigenvectors) and D (square roots of the eigenvalues) are
 * the decomposition of C as of generation eigen_gen, which sampling and the
 * C^(-1/2) of the step-size path use until the next decomposition.  The
 * generator is (seed, counter): one uniform per counter value, so the state
 * saved by cmaes_save fully determines the rest of a run.
 */
#include "cmaes.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "loom_rng.h"

struct cmaes {
    uint32_t n, lambda, mu;
    double mueff, cs, ds, cc, c1, cmu, chin;
    double *w;               /* [mu] recombination weights, sum 1 */
    double sigma;
    double *m, *pc, *ps;     /* [n] */
    double *C, *B;           /* [n*n] row-major */
    double *D;               /* [n] */
    double *z, *y, *x;       /* [lambda*n] the generation asked */
    double *fit;             /* [lambda] */
    uint32_t *idx;           /* [lambda] */
    double *tmp, *tmp2, *mold;
    double *best_x;
    double best_f, median;
    uint64_t seed, counter, gen, evals, eigen_evals;
    int asked;
};

static double unif(cmaes *c)
{
    uint64_t h = loom_splitmix64(c->seed ^ loom_splitmix64(c->counter++));
    return ((double)(h >> 11) + 0.5) / 9007199254740992.0;
}

static double gauss(cmaes *c)
{
    double u1 = unif(c), u2 = unif(c);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

static void set_params(cmaes *c)
{
    const double n = c->n;
    c->mu = c->lambda / 2;
    double sum = 0, sum2 = 0;
    for (uint32_t i = 0; i < c->mu; i++) {
        c->w[i] = log((c->lambda + 1) / 2.0) - log(i + 1.0);
        sum += c->w[i];
    }
    for (uint32_t i = 0; i < c->mu; i++) {
        c->w[i] /= sum;
        sum2 += c->w[i] * c->w[i];
    }
    c->mueff = 1.0 / sum2;
    c->cs = (c->mueff + 2) / (n + c->mueff + 5);
    c->ds = 1 + 2 * fmax(0, sqrt((c->mueff - 1) / (n + 1)) - 1) + c->cs;
    c->cc = (4 + c->mueff / n) / (n + 4 + 2 * c->mueff / n);
    c->c1 = 2 / ((n + 1.3) * (n + 1.3) + c->mueff);
    c->cmu = fmin(1 - c->c1, 2 * (c->mueff - 2 + 1 / c->mueff) / ((n + 2) * (n + 2) + c->mueff));
    c->chin = sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));
}

static cmaes *alloc_state(uint32_t n, uint32_t lambda)
{
    cmaes *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->n = n;
    c->lambda = lambda;
    const size_t nn = (size_t)n * n, ln = (size_t)lambda * n;
    c->w = calloc(lambda, sizeof(double));
    c->m = calloc(n, sizeof(double));
    c->pc = calloc(n, sizeof(double));
    c->ps = calloc(n, sizeof(double));
    c->D = calloc(n, sizeof(double));
    c->tmp = calloc(n, sizeof(double));
    c->tmp2 = calloc(n, sizeof(double));
    c->mold = calloc(n, sizeof(double));
    c->best_x = calloc(n, sizeof(double));
    c->C = calloc(nn, sizeof(double));
    c->B = calloc(nn, sizeof(double));
    c->z = calloc(ln, sizeof(double));
    c->y = calloc(ln, sizeof(double));
    c->x = calloc(ln, sizeof(double));
    c->fit = calloc(lambda, sizeof(double));
    c->idx = calloc(lambda, sizeof(uint32_t));
    if (!c->w || !c->m || !c->pc || !c->ps || !c->D || !c->tmp || !c->tmp2 || !c->mold ||
        !c->best_x || !c->C || !c->B || !c->z || !c->y || !c->x || !c->fit || !c->idx) {
        cmaes_free(c);
        return NULL;
    }
    set_params(c);
    return c;
}

void cmaes_free(cmaes *c)
{
    if (!c) return;
    free(c->w);
    free(c->m);
    free(c->pc);
    free(c->ps);
    free(c->D);
    free(c->tmp);
    free(c->tmp2);
    free(c->mold);
    free(c->best_x);
    free(c->C);
    free(c->B);
    free(c->z);
    free(c->y);
    free(c->x);
    free(c->fit);
    free(c->idx);
    free(c);
}

loom_status cmaes_create(uint32_t n, const double *x0, double sigma0, uint32_t lambda,
                         uint64_t seed, cmaes **out, loom_err *e)
{
    *out = NULL;
    if (n < 1 || n > 1000) return loom_fail(e, LOOM_E_ARG, "cmaes: dimension %u, expected 1..1000", n);
    if (!(sigma0 > 0) || !isfinite(sigma0))
        return loom_fail(e, LOOM_E_ARG, "cmaes: sigma0 = %g, expected > 0", sigma0);
    if (lambda == 0) lambda = 4 + (uint32_t)floor(3 * log((double)n));
    if (lambda < 2) return loom_fail(e, LOOM_E_ARG, "cmaes: lambda = %u, expected >= 2", lambda);
    cmaes *c = alloc_state(n, lambda);
    if (!c) return loom_fail(e, LOOM_E_NOMEM, "cmaes: out of memory");
    for (uint32_t i = 0; i < n; i++) {
        c->m[i] = x0[i];
        c->C[(size_t)i * n + i] = 1;
        c->B[(size_t)i * n + i] = 1;
        c->D[i] = 1;
    }
    c->sigma = sigma0;
    c->seed = seed;
    c->best_f = INFINITY;
    c->median = INFINITY;
    *out = c;
    return LOOM_OK;
}

const double *cmaes_ask(cmaes *c)
{
    const uint32_t n = c->n;
    for (uint32_t k = 0; k < c->lambda; k++) {
        double *z = c->z + (size_t)k * n, *y = c->y + (size_t)k * n, *x = c->x + (size_t)k * n;
        for (uint32_t i = 0; i < n; i++) z[i] = gauss(c);
        for (uint32_t i = 0; i < n; i++) {
            double s = 0;
            for (uint32_t j = 0; j < n; j++) s += c->B[(size_t)i * n + j] * c->D[j] * z[j];
            y[i] = s;
            x[i] = c->m[i] + c->sigma * s;
        }
    }
    c->asked = 1;
    return c->x;
}

/* Cyclic Jacobi: C = B diag(ev) B^T; D = sqrt(ev) (floored to keep C PD). */
static void eigen(cmaes *c)
{
    const uint32_t n = c->n;
    const size_t nn = (size_t)n * n;
    double *a = malloc(nn * sizeof(double));
    if (!a) return; /* keep the old decomposition; correct, just stale */
    memcpy(a, c->C, nn * sizeof(double));
    double *v = c->B;
    memset(v, 0, nn * sizeof(double));
    for (uint32_t i = 0; i < n; i++) v[(size_t)i * n + i] = 1;
    for (int sweep = 0; sweep < 100; sweep++) {
        double off = 0, diag = 0;
        for (uint32_t p = 0; p < n; p++) {
            diag += a[(size_t)p * n + p] * a[(size_t)p * n + p];
            for (uint32_t q = p + 1; q < n; q++) off += a[(size_t)p * n + q] * a[(size_t)p * n + q];
        }
        if (off <= 1e-30 * diag) break;
        for (uint32_t p = 0; p < n; p++)
            for (uint32_t q = p + 1; q < n; q++) {
                const double apq = a[(size_t)p * n + q];
                if (apq == 0) continue;
                const double app = a[(size_t)p * n + p], aqq = a[(size_t)q * n + q];
                const double theta = (aqq - app) / (2 * apq);
                const double t = (theta >= 0 ? 1 : -1) / (fabs(theta) + sqrt(theta * theta + 1));
                const double cs = 1 / sqrt(t * t + 1), sn = t * cs;
                for (uint32_t k = 0; k < n; k++) { /* A = J^T A J: columns, then rows */
                    const double akp = a[(size_t)k * n + p], akq = a[(size_t)k * n + q];
                    a[(size_t)k * n + p] = cs * akp - sn * akq;
                    a[(size_t)k * n + q] = sn * akp + cs * akq;
                }
                for (uint32_t k = 0; k < n; k++) {
                    const double apk = a[(size_t)p * n + k], aqk = a[(size_t)q * n + k];
                    a[(size_t)p * n + k] = cs * apk - sn * aqk;
                    a[(size_t)q * n + k] = sn * apk + cs * aqk;
                }
                for (uint32_t k = 0; k < n; k++) {
                    const double vkp = v[(size_t)k * n + p], vkq = v[(size_t)k * n + q];
                    v[(size_t)k * n + p] = cs * vkp - sn * vkq;
                    v[(size_t)k * n + q] = sn * vkp + cs * vkq;
                }
            }
    }
    double maxev = 0;
    for (uint32_t i = 0; i < n; i++) maxev = fmax(maxev, a[(size_t)i * n + i]);
    for (uint32_t i = 0; i < n; i++) {
        double ev = a[(size_t)i * n + i];
        if (!(ev > maxev * 1e-28)) ev = maxev * 1e-28 + 1e-300;
        c->D[i] = sqrt(ev);
    }
    free(a);
    c->eigen_evals = c->evals;
}

/* Insertion sort of idx by fit (no global state, stable). */
static void sort_by_fit(uint32_t *idx, const double *fit, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++) {
        const uint32_t v = idx[i];
        uint32_t j = i;
        while (j > 0 && fit[idx[j - 1]] > fit[v]) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = v;
    }
}

loom_status cmaes_tell(cmaes *c, const double *fitness, loom_err *e)
{
    if (!c->asked) return loom_fail(e, LOOM_E_ARG, "cmaes_tell: no generation was asked");
    c->asked = 0;
    const uint32_t n = c->n, lam = c->lambda;
    for (uint32_t k = 0; k < lam; k++) {
        c->fit[k] = isnan(fitness[k]) ? INFINITY : fitness[k];
        c->idx[k] = k;
    }
    sort_by_fit(c->idx, c->fit, lam);
    c->evals += lam;
    c->gen++;
    c->median = lam % 2 ? c->fit[c->idx[lam / 2]]
                        : 0.5 * (c->fit[c->idx[lam / 2 - 1]] + c->fit[c->idx[lam / 2]]);
    if (c->fit[c->idx[0]] < c->best_f) {
        c->best_f = c->fit[c->idx[0]];
        memcpy(c->best_x, c->x + (size_t)c->idx[0] * n, n * sizeof(double));
    }

    /* Mean: m += sigma * y_w (c_m = 1). */
    double *yw = c->tmp, *zw = c->tmp2;
    for (uint32_t i = 0; i < n; i++) {
        double sy = 0, sz = 0;
        for (uint32_t r = 0; r < c->mu; r++) {
            sy += c->w[r] * c->y[(size_t)c->idx[r] * n + i];
            sz += c->w[r] * c->z[(size_t)c->idx[r] * n + i];
        }
        yw[i] = sy;
        zw[i] = sz;
        c->mold[i] = c->m[i];
        c->m[i] += c->sigma * sy;
    }
    /* Step-size path: C^(-1/2) y_w = B z_w (z_w is the weighted z). */
    const double a_s = sqrt(c->cs * (2 - c->cs) * c->mueff);
    double psn = 0;
    for (uint32_t i = 0; i < n; i++) {
        double s = 0;
        for (uint32_t j = 0; j < n; j++) s += c->B[(size_t)i * n + j] * zw[j];
        c->ps[i] = (1 - c->cs) * c->ps[i] + a_s * s;
        psn += c->ps[i] * c->ps[i];
    }
    psn = sqrt(psn);
    const double denom = sqrt(1 - pow(1 - c->cs, 2.0 * (double)c->gen));
    const int hs = psn / denom < (1.4 + 2.0 / (n + 1)) * c->chin;
    const double a_c = sqrt(c->cc * (2 - c->cc) * c->mueff);
    for (uint32_t i = 0; i < n; i++) c->pc[i] = (1 - c->cc) * c->pc[i] + (hs ? a_c * yw[i] : 0);

    /* Covariance: rank-one + rank-mu (positive weights, summing to 1). */
    const double dh = hs ? 0 : c->cc * (2 - c->cc);
    const double keep = 1 - c->c1 - c->cmu + c->c1 * dh;
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = 0; j <= i; j++) {
            double rmu = 0;
            for (uint32_t r = 0; r < c->mu; r++) {
                const double *y = c->y + (size_t)c->idx[r] * n;
                rmu += c->w[r] * y[i] * y[j];
            }
            const double v = keep * c->C[(size_t)i * n + j] + c->c1 * c->pc[i] * c->pc[j] + c->cmu * rmu;
            c->C[(size_t)i * n + j] = v;
            c->C[(size_t)j * n + i] = v;
        }
    c->sigma *= exp((c->cs / c->ds) * (psn / c->chin - 1));

    if ((double)(c->evals - c->eigen_evals) > lam / ((c->c1 + c->cmu) * n * 10)) eigen(c);
    return LOOM_OK;
}

uint32_t cmaes_dim(const cmaes *c) { return c->n; }
uint32_t cmaes_lambda(const cmaes *c) { return c->lambda; }
uint32_t cmaes_mu(const cmaes *c) { return c->mu; }
double cmaes_mueff(const cmaes *c) { return c->mueff; }
uint64_t cmaes_generation(const cmaes *c) { return c->gen; }
uint64_t cmaes_evals(const cmaes *c) { return c->evals; }
double cmaes_sigma(const cmaes *c) { return c->sigma; }
const double *cmaes_mean(const cmaes *c) { return c->m; }
double cmaes_median(const cmaes *c) { return c->median; }

const double *cmaes_best(const cmaes *c, double *f)
{
    if (f) *f = c->best_f;
    return c->best_x;
}

double cmaes_condition(const cmaes *c)
{
    double lo = INFINITY, hi = 0;
    for (uint32_t i = 0; i < c->n; i++) {
        lo = fmin(lo, c->D[i] * c->D[i]);
        hi = fmax(hi, c->D[i] * c->D[i]);
    }
    return hi / lo;
}

/* ---- checkpoints ------------------------------------------------------------- */

static void put_vec(FILE *f, const char *key, const double *v, size_t n)
{
    fputs(key, f);
    for (size_t i = 0; i < n; i++) fprintf(f, " %a", v[i]);
    fputc('\n', f);
}

loom_status cmaes_save(const cmaes *c, FILE *f, loom_err *e)
{
    const uint32_t n = c->n;
    fprintf(f, "cmaes 1 %u %u\n", n, c->lambda);
    fprintf(f, "state %llu %llu %llu %llu %llu\n", (unsigned long long)c->seed,
            (unsigned long long)c->counter, (unsigned long long)c->gen,
            (unsigned long long)c->evals, (unsigned long long)c->eigen_evals);
    put_vec(f, "sigma", &c->sigma, 1);
    put_vec(f, "best_f", &c->best_f, 1);
    put_vec(f, "median", &c->median, 1);
    put_vec(f, "m", c->m, n);
    put_vec(f, "pc", c->pc, n);
    put_vec(f, "ps", c->ps, n);
    put_vec(f, "D", c->D, n);
    put_vec(f, "best_x", c->best_x, n);
    for (uint32_t i = 0; i < n; i++) put_vec(f, "C", c->C + (size_t)i * n, n);
    for (uint32_t i = 0; i < n; i++) put_vec(f, "B", c->B + (size_t)i * n, n);
    fputs("end\n", f);
    if (ferror(f)) return loom_fail(e, LOOM_E_IO, "cmaes: write error");
    return LOOM_OK;
}

/* Reads one line "key v1 .. vn" into v; fails naming the line. */
static loom_status get_vec(FILE *f, const char *name, int *line, char **buf, size_t *cap,
                           const char *key, double *v, size_t n, loom_err *e)
{
    (*line)++;
    if (getline(buf, cap, f) < 0)
        return loom_fail(e, LOOM_E_PARSE, "%s:%d: unexpected end, expected '%s'", name, *line, key);
    char *p = *buf;
    const size_t kl = strlen(key);
    if (strncmp(p, key, kl) || (p[kl] != ' ' && p[kl] != '\n'))
        return loom_fail(e, LOOM_E_PARSE, "%s:%d: expected '%s'", name, *line, key);
    p += kl;
    for (size_t i = 0; i < n; i++) {
        char *end;
        errno = 0;
        v[i] = strtod(p, &end);
        if (end == p || errno == ERANGE)
            return loom_fail(e, LOOM_E_PARSE, "%s:%d: '%s' value %zu of %zu: expected a number", name,
                             *line, key, i + 1, n);
        p = end;
    }
    while (*p == ' ' || *p == '\n' || *p == '\r') p++;
    if (*p) return loom_fail(e, LOOM_E_PARSE, "%s:%d: '%s': more than %zu values", name, *line, key, n);
    return LOOM_OK;
}

loom_status cmaes_load(FILE *f, const char *name, cmaes **out, loom_err *e)
{
    *out = NULL;
    unsigned n, lambda, ver;
    unsigned long long st[5];
    if (fscanf(f, "cmaes %u %u %u\n", &ver, &n, &lambda) != 3 || ver != 1 || n < 1 || n > 1000 ||
        lambda < 2 || lambda > 100000)
        return loom_fail(e, LOOM_E_PARSE, "%s:1: expected 'cmaes 1 N LAMBDA'", name);
    if (fscanf(f, "state %llu %llu %llu %llu %llu", &st[0], &st[1], &st[2], &st[3], &st[4]) != 5)
        return loom_fail(e, LOOM_E_PARSE, "%s:2: expected 'state SEED COUNTER GEN EVALS EIGEN'", name);
    int c0;
    while ((c0 = fgetc(f)) != '\n' && c0 != EOF) {}
    cmaes *c = alloc_state(n, lambda);
    if (!c) return loom_fail(e, LOOM_E_NOMEM, "cmaes: out of memory");
    c->seed = st[0];
    c->counter = st[1];
    c->gen = st[2];
    c->evals = st[3];
    c->eigen_evals = st[4];
    int line = 2;
    char *buf = NULL;
    size_t cap = 0;
    loom_status s = LOOM_OK;
    if (!s) s = get_vec(f, name, &line, &buf, &cap, "sigma", &c->sigma, 1, e);
    if (!s) s = get_vec(f, name, &line, &buf, &cap, "best_f", &c->best_f, 1, e);
    if (!s) s = get_vec(f, name, &line, &buf, &cap, "median", &c->median, 1, e);
    if (!s) s = get_vec(f, name, &line, &buf, &cap, "m", c->m, n, e);
    if (!s) s = get_vec(f, name, &line, &buf, &cap, "pc", c->pc, n, e);
    if (!s) s = get_vec(f, name, &line, &buf, &cap, "ps", c->ps, n, e);
    if (!s) s = get_vec(f, name, &line, &buf, &cap, "D", c->D, n, e);
    if (!s) s = get_vec(f, name, &line, &buf, &cap, "best_x", c->best_x, n, e);
    for (uint32_t i = 0; i < n && !s; i++)
        s = get_vec(f, name, &line, &buf, &cap, "C", c->C + (size_t)i * n, n, e);
    for (uint32_t i = 0; i < n && !s; i++)
        s = get_vec(f, name, &line, &buf, &cap, "B", c->B + (size_t)i * n, n, e);
    if (!s) s = get_vec(f, name, &line, &buf, &cap, "end", NULL, 0, e);
    free(buf);
    if (!s && !(c->sigma > 0))
        s = loom_fail(e, LOOM_E_PARSE, "%s:3: sigma must be > 0", name);
    if (s) {
        cmaes_free(c);
        return s;
    }
    *out = c;
    return LOOM_OK;
}

/*
 * report_json.c -- the tool reports through jansson (report_json.h).
 *
 * Each call loads its file with json_load_file (jansson reports syntax
 * errors with line and column), walks the fixed path to the values and
 * frees the document.  Integers and reals are both accepted where a number
 * is expected (nextpnr writes counts as integers, Fmax as reals).
 */
#include "report_json.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static loom_status load(const char *path, json_t **root, loom_err *e)
{
    json_error_t je;
    *root = json_load_file(path, 0, &je);
    if (!*root && json_error_code(&je) == json_error_cannot_open_file)
        return loom_fail(e, LOOM_E_IO, "%s: %s", path, je.text);
    if (!*root)
        return loom_fail(e, LOOM_E_PARSE, "%s:%d:%d: %s", path, je.line, je.column, je.text);
    if (!json_is_object(*root)) {
        json_decref(*root);
        *root = NULL;
        return loom_fail(e, LOOM_E_PARSE, "%s: expected a JSON object at the top", path);
    }
    return LOOM_OK;
}

static double num(const json_t *v)
{
    return json_is_number(v) ? json_number_value(v) : -1;
}

loom_status report_pnr_read(const char *path, const char *const *bels, size_t n, double *used,
                            double *avail, double *fmax_mhz, loom_err *e)
{
    json_t *root;
    loom_status st = load(path, &root, e);
    if (st)
        return st;
    const json_t *util = json_object_get(root, "utilization");
    for (size_t k = 0; k < n; k++) {
        const json_t *b = json_is_object(util) ? json_object_get(util, bels[k]) : NULL;
        used[k] = num(json_object_get(b, "used"));
        if (avail)
            avail[k] = num(json_object_get(b, "available"));
    }
    double lo = -1;
    const json_t *fmax = json_object_get(root, "fmax");
    if (json_is_object(fmax)) {
        const char *clk;
        json_t *c;
        json_object_foreach((json_t *)fmax, clk, c) {
            double v = num(json_object_get(c, "achieved"));
            if (v > 0 && (lo < 0 || v < lo))
                lo = v;
        }
    }
    *fmax_mhz = lo;
    json_decref(root);
    return LOOM_OK;
}

loom_status report_stat_cells(const char *path, const char *const *prefixes, size_t n, long *sums,
                              loom_err *e)
{
    json_t *root;
    loom_status st = load(path, &root, e);
    if (st)
        return st;
    const json_t *cells = json_object_get(json_object_get(root, "design"), "num_cells_by_type");
    for (size_t k = 0; k < n; k++) {
        if (!json_is_object(cells)) {
            sums[k] = -1;
            continue;
        }
        long sum = 0;
        size_t pl = strlen(prefixes[k]);
        const char *type;
        json_t *v;
        json_object_foreach((json_t *)cells, type, v) {
            if (!strncmp(type, prefixes[k], pl) && json_is_integer(v))
                sum += (long)json_integer_value(v);
        }
        sums[k] = sum;
    }
    json_decref(root);
    return LOOM_OK;
}

struct report_doc {
    json_t *root;
};

loom_status report_doc_load(const char *path, report_doc **d, loom_err *e)
{
    *d = malloc(sizeof **d);
    if (!*d)
        return loom_fail(e, LOOM_E_NOMEM, "out of memory");
    loom_status st = load(path, &(*d)->root, e);
    if (st) {
        free(*d);
        *d = NULL;
    }
    return st;
}

void report_doc_free(report_doc *d)
{
    if (!d)
        return;
    json_decref(d->root);
    free(d);
}

/* The member at a dotted path; NULL when any step is missing. */
static const json_t *at(const report_doc *d, const char *path)
{
    const json_t *v = d->root;
    char key[128];
    while (v && *path) {
        size_t n = strcspn(path, ".");
        if (n >= sizeof key)
            return NULL;
        memcpy(key, path, n);
        key[n] = 0;
        v = json_is_object(v) ? json_object_get(v, key) : NULL;
        path += n + (path[n] == '.');
    }
    return v;
}

double report_doc_num(const report_doc *d, const char *path)
{
    return num(at(d, path));
}

const char *report_doc_str(const report_doc *d, const char *path)
{
    const json_t *v = at(d, path);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

int report_doc_true(const report_doc *d, const char *path)
{
    return json_is_true(at(d, path));
}

int report_doc_has(const report_doc *d, const char *path)
{
    const json_t *v = at(d, path);
    return v && !json_is_null(v);
}

loom_status report_top_num(const char *path, const char *key, double *v, loom_err *e)
{
    json_t *root;
    loom_status st = load(path, &root, e);
    if (st)
        return st;
    *v = num(json_object_get(root, key));
    json_decref(root);
    return LOOM_OK;
}

loom_status report_top_str_is(const char *path, const char *key, const char *s, int *equal,
                              loom_err *e)
{
    json_t *root;
    loom_status st = load(path, &root, e);
    if (st)
        return st;
    const json_t *v = json_object_get(root, key);
    *equal = json_is_string(v) && !strcmp(json_string_value(v), s);
    json_decref(root);
    return LOOM_OK;
}

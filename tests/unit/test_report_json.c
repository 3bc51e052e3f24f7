/*
 * test_report_json.c -- the tool-report readers (report_json.h) and the
 * JSON writer (jsonw.h): values come from their place in the document, not
 * from the first matching text (a cell named like a key, a per-module cell
 * table before the design's), syntax errors name file, line and column, and
 * what jsonw writes parses back to the values written (hostile strings
 * included).
 */
#include <stddef.h>
#include <stdint.h>
#include "unit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jsonw.h"
#include "report_json.h"

static char tmp_path[64];

static const char *write_tmp(const char *text)
{
    snprintf(tmp_path, sizeof tmp_path, "/tmp/loom-test-rj-XXXXXX");
    int fd = mkstemp(tmp_path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return tmp_path;
}

/* A nextpnr report whose critical path names a cell "ICESTORM_LC" with a
 * "used" field before the utilisation table: a text search finds that. */
static void test_pnr(void **state)
{
    (void)state;
    const char *p = write_tmp(
        "{\"critical_paths\": [{\"from\": \"posedge clk\", \"path\": [{\"ICESTORM_LC\": {\"used\": 7, "
        "\"available\": 9}, \"achieved\": 1.5}]}],\n"
        " \"fmax\": {\"clk\": {\"achieved\": 33.25, \"constraint\": 24}, \"clk2\": {\"achieved\": 26.5, "
        "\"constraint\": 12}},\n"
        " \"utilization\": {\"ICESTORM_LC\": {\"available\": 5280, \"used\": 4346},\n"
        "                   \"ICESTORM_RAM\": {\"available\": 30, \"used\": 28}}}\n");
    static const char *const bels[3] = {"ICESTORM_LC", "ICESTORM_RAM", "ICESTORM_DSP"};
    double used[3], avail[3], fmax;
    loom_err e;
    assert_int_equal(report_pnr_read(p, bels, 3, used, avail, &fmax, &e), LOOM_OK);
    assert_true(used[0] == 4346 && avail[0] == 5280);
    assert_true(used[1] == 28 && avail[1] == 30);
    assert_true(used[2] == -1 && avail[2] == -1); /* absent */
    assert_true(fmax == 26.5);                    /* the slower clock */
    remove(p);
}

/* yosys stat: the design's table counts, not the first module's. */
static void test_stat(void **state)
{
    (void)state;
    const char *p = write_tmp(
        "{\"creator\": \"Yosys\", \"modules\": {\"\\\\sub\": {\"num_cells_by_type\": {\"SB_DFF\": 1000}}},\n"
        " \"design\": {\"num_cells\": 9, \"num_cells_by_type\": {\"SB_CARRY\": 3, \"SB_DFF\": 2, "
        "\"SB_DFFE\": 4, \"SB_DFFSR\": 1, \"SB_LUT4\": 11, \"XSB_DFF\": 50}}}\n");
    static const char *const pre[4] = {"SB_CARRY", "SB_DFF", "SB_LUT4", "SB_MAC16"};
    long sums[4];
    loom_err e;
    assert_int_equal(report_stat_cells(p, pre, 4, sums, &e), LOOM_OK);
    assert_int_equal(sums[0], 3);
    assert_int_equal(sums[1], 7);
    assert_int_equal(sums[2], 11);
    assert_int_equal(sums[3], 0);
    remove(p);
    p = write_tmp("{\"design\": {}}");
    assert_int_equal(report_stat_cells(p, pre, 1, sums, &e), LOOM_OK);
    assert_int_equal(sums[0], -1);
    remove(p);
}

static void test_errors(void **state)
{
    (void)state;
    const char *p = write_tmp("{\"utilization\": {\n  \"ICESTORM_LC\": {\"used\": 4,,}}}");
    static const char *const bels[1] = {"ICESTORM_LC"};
    double used, fmax;
    loom_err e;
    assert_int_equal(report_pnr_read(p, bels, 1, &used, NULL, &fmax, &e), LOOM_E_PARSE);
    char where[96];
    snprintf(where, sizeof where, "%s:2:", p);
    assert_non_null(strstr(e.msg, where));
    remove(p);
    p = write_tmp("[1, 2]");
    assert_int_equal(report_pnr_read(p, bels, 1, &used, NULL, &fmax, &e), LOOM_E_PARSE);
    assert_non_null(strstr(e.msg, "object"));
    remove(p);
    assert_int_equal(report_pnr_read("/nonexistent/r.json", bels, 1, &used, NULL, &fmax, &e), LOOM_E_IO);
    assert_non_null(strstr(e.msg, "/nonexistent/r.json"));
}

/* jsonw writes what report_doc reads back, with hostile strings. */
static void test_roundtrip(void **state)
{
    (void)state;
    snprintf(tmp_path, sizeof tmp_path, "/tmp/loom-test-rj-XXXXXX");
    int fd = mkstemp(tmp_path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    const char *nasty = "a\"b\\c\nd\te\x01f \"model\": {";
    jsonw j;
    jsonw_init(&j, f);
    jsonw_obj_begin(&j, NULL);
    jsonw_str(&j, "path", nasty);
    jsonw_int(&j, "neg", -42);
    jsonw_uint(&j, "big", 1ull << 52);
    jsonw_num(&j, "x", 0.1);
    jsonw_num(&j, "inf", INFINITY);
    jsonw_bool(&j, "yes", 1);
    jsonw_obj_begin(&j, "model");
    jsonw_uint(&j, "neurons", 7);
    jsonw_arr_begin(&j, "list");
    jsonw_int(&j, NULL, 1);
    jsonw_obj_begin(&j, NULL);
    jsonw_obj_end(&j);
    jsonw_arr_end(&j);
    jsonw_obj_end(&j);
    jsonw_obj_end(&j);
    loom_err e;
    assert_int_equal(jsonw_end(&j, &e), LOOM_OK);
    fclose(f);
    report_doc *d;
    assert_int_equal(report_doc_load(tmp_path, &d, &e), LOOM_OK);
    assert_string_equal(report_doc_str(d, "path"), nasty);
    assert_true(report_doc_num(d, "neg") == -42);
    assert_true(report_doc_num(d, "big") == (double)(1ull << 52));
    assert_true(report_doc_num(d, "x") == 0.1);
    assert_true(report_doc_has(d, "model") && !report_doc_has(d, "inf")); /* null: not there */
    assert_true(report_doc_true(d, "yes") && !report_doc_true(d, "neg"));
    assert_true(report_doc_num(d, "model.neurons") == 7);
    assert_true(report_doc_num(d, "neurons") == -1);
    assert_null(report_doc_str(d, "model.list"));
    report_doc_free(d);
    remove(tmp_path);

    /* an unclosed container is reported */
    f = tmpfile();
    jsonw_init(&j, f);
    jsonw_obj_begin(&j, NULL);
    jsonw_arr_begin(&j, "a");
    jsonw_obj_end(&j);
    assert_int_equal(jsonw_end(&j, &e), LOOM_E_INVALID);
    fclose(f);
}

UNIT_MAIN(test_pnr, test_stat, test_errors, test_roundtrip)

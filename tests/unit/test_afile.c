/*
 * test_afile.c -- replace-when-complete output files (compiler/afile.c).
 *
 * Checks the promises of afile.h on real files in a fresh temporary
 * folder: commit replaces the old contents, discard keeps them, nothing
 * named *.tmp* stays behind, a special file is written directly, and a
 * directory or a missing folder gives LOOM_E_IO naming the path.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <unistd.h>

#include "afile.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/test_afile.XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    DIR *d = opendir(dir);
    struct dirent *de;
    char p[512];
    while (d && (de = readdir(d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
            snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
            unlink(p);
        }
    if (d)
        closedir(d);
    rmdir(dir);
    return 0;
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void get(const char *path, char *buf, size_t n)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t k = fread(buf, 1, n - 1, f);
    buf[k] = '\0';
    fclose(f);
}

/* Number of directory entries other than . and .. */
static int entries(void)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
    closedir(d);
    return n;
}

static void commit_replaces_discard_keeps(void **state)
{
    (void)state;
    char path[128], buf[64];
    snprintf(path, sizeof path, "%s/out.txt", dir);
    put(path, "old\n");
    loom_err e;
    afile *a;
    assert_int_equal(afile_open(path, &a, &e), LOOM_OK);
    fputs("new\n", afile_fp(a));
    get(path, buf, sizeof buf);
    assert_string_equal(buf, "old\n"); /* not replaced before the commit */
    assert_int_equal(entries(), 2);    /* old file + temporary */
    assert_int_equal(afile_commit(a, &e), LOOM_OK);
    get(path, buf, sizeof buf);
    assert_string_equal(buf, "new\n");
    assert_int_equal(entries(), 1);

    assert_int_equal(afile_open(path, &a, &e), LOOM_OK);
    fputs("half", afile_fp(a));
    afile_discard(a);
    get(path, buf, sizeof buf);
    assert_string_equal(buf, "new\n");
    assert_int_equal(entries(), 1);

    /* a new name appears only at the commit */
    char p2[128];
    snprintf(p2, sizeof p2, "%s/fresh.txt", dir);
    assert_int_equal(afile_open(p2, &a, &e), LOOM_OK);
    fputs("x", afile_fp(a));
    assert_int_equal(access(p2, F_OK), -1);
    assert_int_equal(afile_commit(a, &e), LOOM_OK);
    get(p2, buf, sizeof buf);
    assert_string_equal(buf, "x");
}

static void errors_name_the_path(void **state)
{
    (void)state;
    loom_err e;
    afile *a = (afile *)&e;
    assert_int_equal(afile_open(dir, &a, &e), LOOM_E_IO); /* a directory */
    assert_null(a);
    assert_non_null(strstr(e.msg, dir));
    char p[128];
    snprintf(p, sizeof p, "%s/no/such/folder.txt", dir);
    assert_int_equal(afile_open(p, &a, &e), LOOM_E_IO);
    assert_non_null(strstr(e.msg, "no/such/folder.txt"));
    assert_int_equal(entries(), 0);
}

static void special_files_are_written_directly(void **state)
{
    (void)state;
    loom_err e;
    afile *a;
    assert_int_equal(afile_open("/dev/null", &a, &e), LOOM_OK);
    fputs("gone", afile_fp(a));
    assert_int_equal(afile_commit(a, &e), LOOM_OK);
    assert_int_equal(access("/dev/null", W_OK), 0); /* still the device */
    if (access("/dev/full", W_OK) == 0) {
        assert_int_equal(afile_open("/dev/full", &a, &e), LOOM_OK);
        fputs("x", afile_fp(a));
        assert_int_equal(afile_commit(a, &e), LOOM_E_IO);
        assert_non_null(strstr(e.msg, "/dev/full"));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(commit_replaces_discard_keeps, setup, teardown),
        cmocka_unit_test_setup_teardown(errors_name_the_path, setup, teardown),
        cmocka_unit_test_setup_teardown(special_files_are_written_directly, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

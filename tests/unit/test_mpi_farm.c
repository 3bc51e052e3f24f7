/*
 * test_mpi_farm.c -- the work farm of mpi_farm.h.
 *
 * Without a launcher: a farm of one that makes no MPI call (broadcast a
 * no-op, collection returns the caller's own status), and a refusal for
 * one of several srun tasks started without MPI.  With one: this
 * binary starts itself under `mpirun -np 3` (mode --rank-child) and every
 * rank checks, on values it computes itself, that a broadcast arrives
 * whole, that a collection of 37, 2 and 0 records puts every record at its
 * item's index on rank 0 whatever rank owned it, that a broadcast from
 * rank 2 and blobs of different sizes shared by all arrive whole, and that
 * failures on ranks
 * 2 and 1 reach every rank as "rank 1: ..." (the lowest failing rank).
 * Rank 0 prints one line per check; the parent asserts on those lines.
 * Under ASan the leak checker is told to ignore Open MPI's own allocations
 * (tests/support/lsan-openmpi.supp, with whole stacks), which it never
 * frees by design; Loom's are checked before MPI_Finalize.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mpi_farm.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

static const char *self_path;

static void unset_launcher(void)
{
    unsetenv("OMPI_COMM_WORLD_SIZE");
    unsetenv("PMIX_RANK");
    unsetenv("PMI_RANK");
}

static void test_launched_env(void **state)
{
    (void)state;
    unset_launcher();
    assert_int_equal(farm_launched(), 0);
    setenv("PMI_RANK", "3", 1);
    assert_int_equal(farm_launched(), 1);
    setenv("PMI_RANK", "", 1); /* empty counts as unset */
    assert_int_equal(farm_launched(), 0);
    unset_launcher();
    setenv("OMPI_COMM_WORLD_SIZE", "4", 1);
    assert_int_equal(farm_launched(), 1);
    unset_launcher();
}

/* srun -n 4 without an MPI plugin: refused, not four whole runs */
static void test_srun_without_mpi(void **state)
{
    (void)state;
    unset_launcher();
    farm *f = NULL;
    loom_err e;
    setenv("SLURM_STEP_NUM_TASKS", "4", 1);
    assert_int_equal(farm_open(&f, &e), LOOM_E_ARG);
    assert_null(f);
    assert_non_null(strstr(e.msg, "one of 4 tasks"));
    assert_non_null(strstr(e.msg, "srun --mpi=pmix"));
    setenv("SLURM_STEP_NUM_TASKS", "1", 1);
    assert_int_equal(farm_open(&f, &e), LOOM_OK);
    assert_int_equal(farm_size(f), 1);
    farm_close(f);
    unsetenv("SLURM_STEP_NUM_TASKS");
}

static void test_single(void **state)
{
    (void)state;
    unset_launcher();
    farm *f;
    loom_err e;
    assert_int_equal(farm_open(&f, &e), LOOM_OK);
    assert_int_equal(farm_size(f), 1);
    assert_int_equal(farm_rank(f), 0);
    assert_int_equal(farm_is_mpi(f), 0);
    for (uint64_t i = 0; i < 10; i++) assert_int_equal(farm_owner(f, i), 0);
    int buf[4] = {1, 2, 3, 4};
    assert_int_equal(farm_bcast(f, buf, sizeof buf, &e), LOOM_OK);
    assert_int_equal(buf[3], 4);
    assert_int_equal(farm_bcast_from(f, 1, buf, sizeof buf, &e), LOOM_E_ARG);
    void *all;
    size_t *lens;
    assert_int_equal(farm_share(f, buf, sizeof buf, &all, &lens, &e), LOOM_OK);
    assert_int_equal(lens[0], sizeof buf);
    assert_memory_equal(all, buf, sizeof buf);
    free(all);
    free(lens);
    double rec[5] = {0.5, 1.5, 2.5, 3.5, 4.5};
    assert_int_equal(farm_collect(f, 5, sizeof(double), rec, LOOM_OK, &e), LOOM_OK);
    assert_true(rec[4] == 4.5);
    loom_fail(&e, LOOM_E_IO, "disk gone");
    assert_int_equal(farm_collect(f, 5, sizeof(double), rec, LOOM_E_IO, &e), LOOM_E_IO);
    assert_string_equal(e.msg, "disk gone"); /* no "rank 0:" on a farm of one */
    farm_close(f);
    farm_close(NULL);
}

/* Runs this binary under mpirun -np 3 and checks what rank 0 reports. */
static void test_mpi_job(void **state)
{
    (void)state;
    if (system("command -v mpirun > /dev/null 2>&1") != 0)
        fail_msg("mpirun not found: Open MPI (openmpi-bin) is a dependency (make deps)");
    char cwd[2048], supp[2300], out[2300], cmd[8192];
    assert_non_null(getcwd(cwd, sizeof cwd));
    snprintf(supp, sizeof supp, "%s/tests/support/lsan-openmpi.supp", cwd);
    if (access(supp, R_OK) != 0) fail_msg("%s: missing (run from the source tree's top)", supp);
    snprintf(out, sizeof out, "/tmp/test_mpi_farm.%d.out", (int)getpid());
    /* slow unwinding: Open MPI's libraries have no frame pointers, and the
     * suppressions need the whole stack to see that libmpi allocated */
    char lsan[2400], asan[2400];
    snprintf(lsan, sizeof lsan, "suppressions=%s:print_suppressions=0", supp);
    setenv("LSAN_OPTIONS", lsan, 1);
    const char *ao = getenv("ASAN_OPTIONS");
    snprintf(asan, sizeof asan, "%s%sfast_unwind_on_malloc=0", ao ? ao : "", ao && *ao ? ":" : "");
    setenv("ASAN_OPTIONS", asan, 1);
    snprintf(cmd, sizeof cmd, "mpirun --oversubscribe --allow-run-as-root -np 3 %s --rank-child > %s 2>&1",
             self_path, out);
    const int rc = system(cmd);
    FILE *f = fopen(out, "r");
    assert_non_null(f);
    char text[65536];
    const size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = 0;
    fclose(f);
    remove(out);
    if (rc != 0) fail_msg("mpirun -np 3 failed (status %d):\n%s", rc, text);
    assert_non_null(strstr(text, "size 3\n"));
    assert_non_null(strstr(text, "bcast ok 1000\n"));
    assert_non_null(strstr(text, "collect 37 ok\n"));
    assert_non_null(strstr(text, "collect 2 ok\n"));
    assert_non_null(strstr(text, "collect 0 ok\n"));
    assert_non_null(strstr(text, "error 10 rank 1: boom on 1\n"));
    assert_non_null(strstr(text, "share ok\n"));
    assert_non_null(strstr(text, "all ranks agree\n"));
}

static uint64_t value_of(uint64_t i) { return i * i * 2654435761u + 7; }

/* One rank of the job above; returns its exit code. */
static int rank_child(void)
{
    farm *f;
    loom_err e;
    if (farm_open(&f, &e) != LOOM_OK) {
        fprintf(stderr, "farm_open: %s\n", e.msg);
        return 1;
    }
    const int r = farm_rank(f), size = farm_size(f);
    int bad = !farm_is_mpi(f) || size != 3;
    if (r == 0) printf("size %d\n", size);

    double big[1000];
    for (int i = 0; i < 1000; i++) big[i] = r == 0 ? i * 0.25 - 3 : -1;
    if (farm_bcast(f, big, sizeof big, &e) != LOOM_OK) bad = 1;
    int same = 0;
    for (int i = 0; i < 1000; i++) same += big[i] == i * 0.25 - 3;
    bad |= same != 1000;
    if (r == 0) printf("bcast ok %d\n", same);

    static const uint64_t sizes[] = {37, 2, 0};
    for (int s = 0; s < 3; s++) {
        const uint64_t n = sizes[s];
        uint64_t all[37];
        for (uint64_t i = 0; i < 37; i++) all[i] = farm_owner(f, i) == r ? value_of(i) : 0xdeadull;
        loom_status st = farm_collect(f, n, sizeof all[0], all, LOOM_OK, &e);
        int ok = st == LOOM_OK;
        if (r == 0)
            for (uint64_t i = 0; i < n; i++) ok &= all[i] == value_of(i) && farm_owner(f, i) == (int)(i % 3);
        if (r == 0) printf("collect %llu %s\n", (unsigned long long)n, ok ? "ok" : "WRONG");
        bad |= !ok;
    }

    /* broadcast from rank 2; blobs of 3, 0 and 7 ints shared with everyone */
    int32_t token = r == 2 ? 4242 : -1;
    bad |= farm_bcast_from(f, 2, &token, sizeof token, &e) != LOOM_OK || token != 4242;
    bad |= farm_bcast_from(f, 3, &token, sizeof token, &e) != LOOM_E_ARG;
    static const int blob_len[3] = {3, 0, 7};
    int32_t blob[7];
    for (int j = 0; j < blob_len[r]; j++) blob[j] = 100 * r + j;
    void *shared = NULL;
    size_t *lens = NULL;
    int share_ok = farm_share(f, blob, (size_t)blob_len[r] * sizeof(int32_t), &shared, &lens, &e) == LOOM_OK;
    const int32_t *q = shared;
    for (int rr = 0; share_ok && rr < 3; rr++) {
        share_ok &= lens[rr] == (size_t)blob_len[rr] * sizeof(int32_t);
        for (int j = 0; share_ok && j < blob_len[rr]; j++) share_ok &= *q++ == 100 * rr + j;
    }
    free(shared);
    free(lens);
    bad |= !share_ok;
    if (r == 0) printf("share %s\n", share_ok ? "ok" : "WRONG");

    /* ranks 2 and 1 fail: everyone gets rank 1's error */
    uint64_t all[10] = {0};
    loom_status mine = LOOM_OK;
    if (r >= 1) mine = loom_fail(&e, r == 1 ? LOOM_E_MISMATCH : LOOM_E_IO, "boom on %d", r);
    loom_status st = farm_collect(f, 10, sizeof all[0], all, mine, &e);
    const int ok = st == LOOM_E_MISMATCH && !strcmp(e.msg, "rank 1: boom on 1");
    if (r == 0) printf("error 10 %s\n", ok ? e.msg : "WRONG");
    bad |= !ok;

    /* did every rank see the same?  (a last collection of verdicts) */
    int32_t verdict[3] = {0, 0, 0};
    verdict[r] = bad;
    st = farm_collect(f, 3, sizeof verdict[0], verdict, LOOM_OK, &e);
    if (r == 0) {
        const int agree = st == LOOM_OK && !verdict[0] && !verdict[1] && !verdict[2];
        printf("%s\n", agree ? "all ranks agree" : "A RANK DISAGREES");
        bad |= !agree;
    }
    fflush(stdout);
#if defined(__SANITIZE_ADDRESS__)
    /* Loom's allocations are checked now, while Open MPI's components are
     * still loaded; the check at exit would find MPI_Finalize's leftovers
     * in unloaded components (no module to match a suppression against). */
    __lsan_do_leak_check();
#endif
    farm_close(f);
    return bad;
}

int main(int argc, char **argv)
{
    self_path = argv[0];
    if (argc > 1 && !strcmp(argv[1], "--rank-child")) return rank_child();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_launched_env),
        cmocka_unit_test(test_single),
        cmocka_unit_test(test_srun_without_mpi),
        cmocka_unit_test(test_mpi_job),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * unit.h -- what every cmocka unit test in tests/unit repeats, once.
 *
 *   #include "unit.h"
 *   static void test_a(void **state) { ... }
 *   UNIT_MAIN(test_a, test_b)                 (up to 16 tests)
 *   UNIT_MAIN_WITH(setup, teardown, test_a)   (group setup / teardown)
 *
 * and two small fixtures: unit_tmpfile, unit_xorshift.
 *
 * UNIT_MAIN defines main(): the tests run as one cmocka group, in order.
 */
#ifndef UNIT_H
#define UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <unistd.h>

/* Makes an empty file from tmpl ("/tmp/name_XXXXXX", rewritten to its
 * name), closed; the test removes it. */
static inline void unit_tmpfile(char *tmpl)
{
    int fd = mkstemp(tmpl);
    assert_true(fd >= 0);
    close(fd);
}

/* xorshift64 on *s: a number in [0, n) (the fuzz tests' stream). */
static inline uint32_t unit_xorshift(uint64_t *s, uint32_t n)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return (uint32_t)(*s % n);
}

#define UNIT_CAT_(a, b) a##b
#define UNIT_CAT(a, b) UNIT_CAT_(a, b)
#define UNIT_COUNT_(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, n, ...) n
#define UNIT_COUNT(...) UNIT_COUNT_(__VA_ARGS__, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define UNIT_T_1(t) cmocka_unit_test(t)
#define UNIT_T_2(t, ...) cmocka_unit_test(t), UNIT_T_1(__VA_ARGS__)
#define UNIT_T_3(t, ...) cmocka_unit_test(t), UNIT_T_2(__VA_ARGS__)
#define UNIT_T_4(t, ...) cmocka_unit_test(t), UNIT_T_3(__VA_ARGS__)
#define UNIT_T_5(t, ...) cmocka_unit_test(t), UNIT_T_4(__VA_ARGS__)
#define UNIT_T_6(t, ...) cmocka_unit_test(t), UNIT_T_5(__VA_ARGS__)
#define UNIT_T_7(t, ...) cmocka_unit_test(t), UNIT_T_6(__VA_ARGS__)
#define UNIT_T_8(t, ...) cmocka_unit_test(t), UNIT_T_7(__VA_ARGS__)
#define UNIT_T_9(t, ...) cmocka_unit_test(t), UNIT_T_8(__VA_ARGS__)
#define UNIT_T_10(t, ...) cmocka_unit_test(t), UNIT_T_9(__VA_ARGS__)
#define UNIT_T_11(t, ...) cmocka_unit_test(t), UNIT_T_10(__VA_ARGS__)
#define UNIT_T_12(t, ...) cmocka_unit_test(t), UNIT_T_11(__VA_ARGS__)
#define UNIT_T_13(t, ...) cmocka_unit_test(t), UNIT_T_12(__VA_ARGS__)
#define UNIT_T_14(t, ...) cmocka_unit_test(t), UNIT_T_13(__VA_ARGS__)
#define UNIT_T_15(t, ...) cmocka_unit_test(t), UNIT_T_14(__VA_ARGS__)
#define UNIT_T_16(t, ...) cmocka_unit_test(t), UNIT_T_15(__VA_ARGS__)
/* cmocka_unit_test(t) for each t of the list, comma-separated. */
#define UNIT_TESTS(...) UNIT_CAT(UNIT_T_, UNIT_COUNT(__VA_ARGS__))(__VA_ARGS__)

#define UNIT_MAIN_WITH(setup, teardown, ...)                                   \
    int main(void)                                                            \
    {                                                                         \
        const struct CMUnitTest unit_tests_[] = {UNIT_TESTS(__VA_ARGS__)};    \
        return cmocka_run_group_tests(unit_tests_, setup, teardown);          \
    }
#define UNIT_MAIN(...) UNIT_MAIN_WITH(NULL, NULL, __VA_ARGS__)

#endif

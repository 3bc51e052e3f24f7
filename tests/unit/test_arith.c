/*
 * test_arith.c -- the machine arithmetic of hls_ref/loom_arith.h at its
 * corners.  Expected values are worked out by hand in the comments.
 */
#include <stddef.h>
#include <stdint.h>
#include "unit.h"

#include "loom_arith.h"

static void test_range(void **state)
{
    (void)state;
    assert_int_equal(loom_max_s(16), 32767);
    assert_int_equal(loom_min_s(16), -32768);
    assert_int_equal(loom_max_s(2), 1);
    assert_int_equal(loom_min_s(2), -2);
    assert_int_equal(loom_max_s(32), 2147483647);
    assert_int_equal(loom_min_s(32), -2147483648LL);
}

static void test_sat(void **state)
{
    (void)state;
    /* inside the range: unchanged */
    assert_int_equal(loom_sat(0, 16), 0);
    assert_int_equal(loom_sat(32767, 16), 32767);
    assert_int_equal(loom_sat(-32768, 16), -32768);
    /* one past either end clamps */
    assert_int_equal(loom_sat(32768, 16), 32767);
    assert_int_equal(loom_sat(-32769, 16), -32768);
    /* far past */
    assert_int_equal(loom_sat(INT64_C(1) << 40, 16), 32767);
    assert_int_equal(loom_sat(-(INT64_C(1) << 40), 16), -32768);
    /* 4-bit state: -8..7 */
    assert_int_equal(loom_sat(8, 4), 7);
    assert_int_equal(loom_sat(-9, 4), -8);
    assert_int_equal(loom_sat(-8, 4), -8);
    /* 32 bits */
    assert_int_equal(loom_sat(INT64_C(3000000000), 32), 2147483647);
    assert_int_equal(loom_sat(INT64_C(-3000000000), 32), -2147483648LL);
}

static void test_decay(void **state)
{
    (void)state;
    /* -5 * 2048 / 4096 = -2.5 -> -2 (toward zero, not floor -3) */
    assert_int_equal(loom_decay(-5, 2048), -2);
    /* 5 * 2048 / 4096 = 2.5 -> 2 */
    assert_int_equal(loom_decay(5, 2048), 2);
    /* -1 * 4095 / 4096 = -0.99.. -> 0: leak never passes zero */
    assert_int_equal(loom_decay(-1, 4095), 0);
    assert_int_equal(loom_decay(1, 4095), 0);
    /* 4096 = no leak, 0 = no memory */
    assert_int_equal(loom_decay(-32768, 4096), -32768);
    assert_int_equal(loom_decay(12345, 4096), 12345);
    assert_int_equal(loom_decay(-12345, 0), 0);
    /* 1000 * 3896 / 4096 = 951.17 -> 951; -1000 -> -951 */
    assert_int_equal(loom_decay(1000, 3896), 951);
    assert_int_equal(loom_decay(-1000, 3896), -951);
    /* -4097 * 1 / 4096 = -1.0002 -> -1 */
    assert_int_equal(loom_decay(-4097, 1), -1);
    assert_int_equal(loom_decay(-4096, 1), -1);
    assert_int_equal(loom_decay(-4095, 1), 0);
    /* 32-bit extremes stay exact in 64 bits: -2^31 * 4096 / 4096 */
    assert_int_equal(loom_decay(-2147483648LL, 4096), -2147483648LL);
    /* (2^31 - 1) * 4095 / 4096 = 2147483647 - 524287.99.. = 2147483647 - 524288 + 0.0002 */
    assert_int_equal(loom_decay(2147483647LL, 4095), 2146959359LL);
}

static void test_shift(void **state)
{
    (void)state;
    /* floor shift: -3 >> 1 = floor(-1.5) = -2; 3 >> 1 = 1 */
    assert_int_equal(loom_shift(-3, -1), -2);
    assert_int_equal(loom_shift(3, -1), 1);
    assert_int_equal(loom_shift(-1, -1), -1);
    assert_int_equal(loom_shift(-4, -2), -1);
    assert_int_equal(loom_shift(-5, -2), -2);
    /* shifts of 16: 65536 >> 16 = 1, 65535 >> 16 = 0, -1 >> 16 = -1,
     * -65536 >> 16 = -1, -65537 >> 16 = floor(-1.00002) = -2 */
    assert_int_equal(loom_shift(65536, -16), 1);
    assert_int_equal(loom_shift(65535, -16), 0);
    assert_int_equal(loom_shift(-1, -16), -1);
    assert_int_equal(loom_shift(-65536, -16), -1);
    assert_int_equal(loom_shift(-65537, -16), -2);
    /* the most negative 24-bit accumulator: -2^23 >> 16 = -128 */
    assert_int_equal(loom_shift(-8388608, -16), -128);
    /* left shifts multiply; 15 is the largest allowed */
    assert_int_equal(loom_shift(3, 0), 3);
    assert_int_equal(loom_shift(-3, 2), -12);
    assert_int_equal(loom_shift(1, 15), 32768);
    assert_int_equal(loom_shift(-1, 15), -32768);
    /* 2^31 - 1 shifted by 15 still exact in 64 bits */
    assert_int_equal(loom_shift(2147483647LL, 15), INT64_C(70368744144896));
    /* and the input path saturates it: sat_16(1 << 15) = 32767 */
    assert_int_equal(loom_sat(loom_shift(1, 15), 16), 32767);
    assert_int_equal(loom_sat(loom_shift(-1, 15), 16), -32768);
    assert_int_equal(loom_sat(loom_shift(-2, 15), 16), -32768);
}

static void test_wrap(void **state)
{
    (void)state;
    /* 24 bits: 2^23 wraps to -2^23, 2^23 - 1 stays */
    assert_int_equal(loom_wrap(8388608, 24), -8388608);
    assert_int_equal(loom_wrap(8388607, 24), 8388607);
    assert_int_equal(loom_wrap(-8388609, 24), 8388607);
    /* 8 bits: 100 + 100 = 200 -> 200 - 256 = -56 */
    assert_int_equal(loom_wrap(200, 8), -56);
    assert_int_equal(loom_wrap(-129, 8), 127);
    /* a uint32 holding -56 mod 2^32 reads back as -56 from its low 8 bits,
     * the reason the model may keep accumulators as uint32_t */
    assert_int_equal(loom_wrap((int64_t)(uint32_t)(0u - 56u), 8), -56);
    assert_int_equal(loom_wrap((int64_t)UINT32_C(0xFFFFFFFF), 32), -1);
    assert_int_equal(loom_wrap((int64_t)UINT32_C(0x80000000), 32), -2147483648LL);
    assert_int_equal(loom_wrap((int64_t)UINT32_C(0x00FFFFFF), 24), -1);
    assert_int_equal(loom_wrap((int64_t)UINT32_C(0x01000005), 24), 5);
    /* associativity: wrapping each partial sum or only the total agrees */
    int64_t acc = 0, total = 0;
    const int64_t add[] = {8000000, 8000000, -3, 5000000, -16000000, 7777777};
    for (size_t k = 0; k < sizeof add / sizeof add[0]; k++) {
        acc = loom_wrap(acc + add[k], 24);
        total += add[k];
    }
    assert_int_equal(acc, loom_wrap(total, 24));
    /* 8000000 + 8000000 - 3 + 5000000 - 16000000 + 7777777 = 12777774;
     * 12777774 - 16777216 = -3999442 */
    assert_int_equal(acc, -3999442);
}

UNIT_MAIN(test_range, test_sat, test_decay, test_shift, test_wrap)

/*
 * rv_selftest.c -- an instruction-set check of rtl/loom_rv.v: the same
 * program is compiled for the host and for rv32i, runs on the host and on
 * the RTL processor (tests/rtl/tb_rv.cpp, Verilator), and the two outputs
 * must be identical line for line (tests/integration/rv_selftest.sh).
 *
 * Each line hashes the results of one group of operations on pseudo-random
 * operands, so that every RV32I instruction gcc emits for this code (all
 * register and immediate ALU forms, the three shifts with every count, the
 * six branches, byte/half/word loads and stores at every offset, JAL/JALR
 * through calls and function pointers, LUI/AUIPC) and the libgcc helpers
 * the firmware relies on (32- and 64-bit multiply and divide) contribute.
 * The machine arithmetic of hls_ref/loom_arith.h is included too: the
 * icestick firmware computes with exactly those functions.
 */
#include <stdint.h>

#include "loom_arith.h"

#ifdef RV_HOST
#include <stdio.h>
static void out_c(int c) { putchar(c); }
#else
static void out_c(int c) { *(volatile uint32_t *)0x10004u = (uint32_t)c; }
#endif

static void out_s(const char *s)
{
    while (*s)
        out_c(*s++);
}

static void out_line(const char *name, uint32_t h)
{
    static const char hex[] = "0123456789abcdef";
    out_s(name);
    out_c(' ');
    for (int i = 7; i >= 0; i--)
        out_c(hex[(h >> (4 * i)) & 15]);
    out_c('\n');
}

static uint32_t rng = 0x12345678u;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/* a mixing step without multiplication, so the ALU groups test only ALU ops */
static uint32_t mix(uint32_t h, uint32_t x)
{
    h ^= x;
    h = (h << 7) | (h >> 25);
    return h + 0x9E3779B9u;
}

static volatile uint32_t sink;

static uint32_t alu_group(void)
{
    uint32_t h = 1;
    for (int i = 0; i < 300; i++) {
        volatile uint32_t va = rnd(), vb = rnd();
        uint32_t a = va, b = vb;
        if (i % 5 == 0)
            b = a;                                   /* equal operands */
        if (i % 7 == 1)
            a = 0x80000000u;                         /* most negative */
        int32_t sa = (int32_t)a, sb = (int32_t)b;
        h = mix(h, a + b);
        h = mix(h, a - b);
        h = mix(h, a ^ b);
        h = mix(h, a | b);
        h = mix(h, a & b);
        h = mix(h, (uint32_t)(sa < sb));
        h = mix(h, (uint32_t)(a < b));
        h = mix(h, a + 1234u);
        h = mix(h, a ^ 0xFFFFF800u);
        h = mix(h, a | 0x7FFu);
        h = mix(h, a & 0x5A5u);
        h = mix(h, (uint32_t)(sa < -77));
        h = mix(h, (uint32_t)(a < 2000u));
        h = mix(h, (uint32_t)(sa < 0));
        h = mix(h, a + 0xABCDE000u);                 /* lui + add */
    }
    return h;
}

static uint32_t shift_group(void)
{
    uint32_t h = 2;
    for (int k = 0; k < 32; k++) {
        volatile uint32_t vk = (uint32_t)k;
        for (int j = 0; j < 6; j++) {
            uint32_t a = rnd();
            if (j == 0)
                a |= 0x80000000u;
            int32_t sa = (int32_t)a;
            h = mix(h, a << vk);
            h = mix(h, a >> vk);
            h = mix(h, (uint32_t)(sa >> vk));
        }
    }
    for (int j = 0; j < 40; j++) {
        uint32_t a = rnd();
        int32_t sa = (int32_t)a;
        h = mix(h, a << 1);
        h = mix(h, a << 13);
        h = mix(h, a << 31);
        h = mix(h, a >> 3);
        h = mix(h, a >> 28);
        h = mix(h, (uint32_t)(sa >> 5));
        h = mix(h, (uint32_t)(sa >> 31));
    }
    return h;
}

static uint32_t branch_group(void)
{
    uint32_t h = 3, n = 0;
    for (int i = 0; i < 400; i++) {
        volatile uint32_t va = rnd() >> (i & 31), vb = rnd() >> ((i * 7) & 31);
        uint32_t a = va, b = (i % 9 == 0) ? va : vb;
        int32_t sa = (int32_t)(a ^ (i & 1 ? 0x80000000u : 0)), sb = (int32_t)b;
        if (a == b) n += 1;
        if (a != b) n += 3;
        if (sa < sb) n += 5;
        if (sa >= sb) n += 7;
        if (a < b) n += 11;
        if (a >= b) n += 13;
        h = mix(h, n);
    }
    return h;
}

static uint8_t buf[64] __attribute__((aligned(4)));

static uint32_t mem_group(void)
{
    uint32_t h = 4;
    for (int r = 0; r < 20; r++) {
        for (int i = 0; i < 64; i++)
            buf[i] = (uint8_t)rnd();
        for (int off = 0; off < 4; off++) {
            volatile uint8_t *p8 = buf + 8 + off;
            volatile int8_t *s8 = (volatile int8_t *)(buf + 16 + off);
            h = mix(h, *p8);
            h = mix(h, (uint32_t)(int32_t)*s8);
            *p8 = (uint8_t)rnd();
        }
        for (int off = 0; off < 4; off += 2) {
            volatile uint16_t *p16 = (volatile uint16_t *)(buf + 24 + off);
            volatile int16_t *s16 = (volatile int16_t *)(buf + 32 + off);
            h = mix(h, *p16);
            h = mix(h, (uint32_t)(int32_t)*s16);
            *p16 = (uint16_t)rnd();
            *s16 = (int16_t)(rnd() | 0x8000u);
        }
        volatile uint32_t *p32 = (volatile uint32_t *)(buf + 40);
        *p32 = rnd();
        h = mix(h, *p32);
        for (int i = 0; i < 64; i += 4)
            h = mix(h, *(volatile uint32_t *)(buf + i));
    }
    return h;
}

typedef uint32_t (*op_fn)(uint32_t, uint32_t);
static uint32_t f_add(uint32_t a, uint32_t b) { return a + b; }
static uint32_t f_sub(uint32_t a, uint32_t b) { return a - b; }
static uint32_t f_rot(uint32_t a, uint32_t b) { return (a << (b & 31)) | (a >> ((32 - (b & 31)) & 31)); }
static uint32_t fib(uint32_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static uint32_t call_group(void)
{
    static op_fn const fns[] = {f_add, f_sub, f_rot};
    volatile uint32_t idx;
    uint32_t h = 5;
    for (int i = 0; i < 60; i++) {
        idx = rnd() % 3u;
        const uint32_t a = rnd(); /* one draw per statement: argument order is unspecified */
        const uint32_t b = rnd();
        h = mix(h, fns[idx](a, b));
    }
    return mix(h, fib(15));
}

static uint32_t libgcc_group(void)
{
    uint32_t h = 6;
    for (int i = 0; i < 100; i++) {
        volatile uint32_t va = rnd(), vb = rnd() >> (i & 15);
        uint32_t a = va, b = vb ? vb : 1;
        int32_t sa = (int32_t)a, sb = (int32_t)b | 1;
        h = mix(h, a * b);
        h = mix(h, a / b);
        h = mix(h, a % b);
        h = mix(h, (uint32_t)(sa / sb));
        h = mix(h, (uint32_t)(sa % sb));
        int64_t p = (int64_t)sa * (int64_t)(int32_t)b;
        h = mix(h, (uint32_t)p);
        h = mix(h, (uint32_t)(p >> 32));
        h = mix(h, (uint32_t)(p / 4096));
    }
    return h;
}

static uint32_t arith_group(void)
{
    uint32_t h = 7;
    for (int i = 0; i < 200; i++) {
        int64_t x = (int32_t)rnd() >> (i & 15);
        int32_t a = (int32_t)(rnd() % 4097u);
        int sh = (int)(rnd() % 32u) - 16;
        h = mix(h, (uint32_t)loom_sat(x, 16));
        h = mix(h, (uint32_t)loom_decay(loom_sat(x, 16), a));
        h = mix(h, (uint32_t)loom_sat(loom_shift(loom_wrap(x, 24), sh), 16));
        h = mix(h, (uint32_t)loom_wrap(x * 300, 24));
    }
    return h;
}

int main(void)
{
    out_line("alu", alu_group());
    out_line("shift", shift_group());
    out_line("branch", branch_group());
    out_line("mem", mem_group());
    out_line("call", call_group());
    out_line("libgcc", libgcc_group());
    out_line("arith", arith_group());
    sink = rng;
    out_s("done\n");
    return 0;
}

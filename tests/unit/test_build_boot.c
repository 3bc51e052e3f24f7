/*
 * test_build_boot.c -- the board table (compiler/board.h) and the boot ROM
 * writer of sw/fpga/build.h: the ROM is decoded here with an independent reader
 * (unstuffing + frame parse from sw/link/link.h's receiver, BATCH WRITE ops parsed by
 * hand) and every word the image writes must come out exactly once, except
 * zero words of core memories, which the boot skips (zero after
 * configuration; synapse and bias words only as whole zero pairs); frames
 * keep to the payload limit and carry rising seqs.  The flash image of a
 * flash board (build_flash_image) holds the same stream, fan-out entries
 * all included, behind a header whose CRC-32 is recomputed here.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

#include "board.h"
#include "build.h"
#include "link.h"
#include "loom_map.h"
#include "loom_mem.h"

static void test_board_table(void **state)
{
    (void)state;
    loom_err e;
    assert_true(board_count() >= 4);
    const board_info *b = board_find("icebreaker", &e);
    assert_non_null(b);
    assert_ptr_equal(b, board_default());
    assert_string_equal(b->device, "iCE40UP5K");
    assert_string_equal(b->package, "sg48");
    /* 30 MHz / 3 Mbaud */
    assert_int_equal(board_clks_per_bit(b), 10);
    assert_null(board_find("nosuchboard", &e));
    assert_int_equal(e.status, LOOM_E_ARG);
    assert_non_null(strstr(e.msg, "hx8k-breakout"));
    for (unsigned i = 0; i < board_count(); i++) {
        const board_info *x = board_at(i);
        assert_int_equal(limg_arch_check(&x->arch, &e), LOOM_OK);
        assert_true(board_neurons(x) == (uint64_t)x->arch.cores * x->arch.neurons);
        assert_true(x->clock_mhz > 0 && x->luts > 0 && x->brams > 0);
        assert_ptr_equal(board_find(x->name, &e), x);
    }
    assert_null(board_at(board_count()));
}

/* A small image: registers, one core's profile, ring zeros, synapses. */
static limg *make_img(uint32_t nsyn)
{
    limg_arch a;
    memset(&a, 0, sizeof a);
    a.arch.w = 8;
    a.arch.s = 16;
    a.arch.a = 24;
    a.arch.d = 15;
    a.cores = 1;
    a.neurons = 64;
    a.syn_words = 4096;
    a.profiles = 4;
    a.levels = 8;
    a.max_inputs = 8;
    limg *img = limg_new(&a, 4, 2, 1);
    assert_non_null(img);
    const uint32_t c = LOOM_MAP_CORE_BASE(0);
    assert_int_equal(limg_put(img, LOOM_REG_N_LEVELS, 3), 0);
    assert_int_equal(limg_put(img, c + LOOM_CORE_N_USED, 4), 0);
    for (uint32_t f = 0; f < 7; f++)
        assert_int_equal(limg_put(img, c + LOOM_CORE_PROFILE + f, f == 4 ? 0 : 100 + f), 0);
    for (uint32_t s = 0; s < 64; s++) /* ring: zeros and two pending values */
        assert_int_equal(limg_put(img, c + LOOM_CORE_RING + s, s == 5 ? 0xFFFFFF : s == 40 ? 7 : 0), 0);
    /* fan-out index (entry e = 1 + first synapse word of source e, as the
     * mapper writes it): only source 1 has synapses (words 10..13), so only
     * entries 1 and 2 are needed; 0, 3 and 4 read as "not given" when
     * skipped, which keeps sources 0, 2 and 3 empty */
    static const uint32_t fo[5] = {11, 11, 15, 15, 15};
    for (uint32_t g = 0; g < 5; g++)
        assert_int_equal(limg_put(img, c + LOOM_CORE_FANOUT + g, fo[g]), 0);
    for (uint32_t j = 0; j < nsyn; j++)
        assert_int_equal(limg_put(img, c + LOOM_CORE_SYN + j, (j * 2654435761u) & 0x3FFFF), 0);
    assert_int_equal(limg_put(img, LOOM_REG_TIME, 0), 0);
    return img;
}

typedef struct wr {
    uint32_t addr, word;
    int seen;
} wr;

static void check_stream(const uint8_t *rom, uint32_t len, const limg *img, uint32_t max_payload,
                         int sparse);

/* Decodes the ROM file and checks it against img. */
static void check_rom(const char *path, const limg *img, uint32_t rom_bytes, uint32_t max_payload,
                      uint32_t used, int sparse)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    uint8_t *rom = calloc(rom_bytes + 1, 1);
    unsigned v, n = 0;
    while (fscanf(f, "%x", &v) == 1) { /* 16-bit words, low byte first */
        assert_true(n + 1 < rom_bytes + 1);
        assert_true(v < 65536);
        rom[n++] = (uint8_t)(v & 0xFF);
        rom[n++] = (uint8_t)(v >> 8);
    }
    fclose(f);
    assert_int_equal(n, rom_bytes);
    assert_int_equal(rom[0], 0xB0);
    assert_int_equal(rom[1], 0x07);
    const uint32_t len = rom[2] | (uint32_t)rom[3] << 8;
    assert_int_equal(len + 4, used);
    for (uint32_t i = used; i < rom_bytes; i++)
        assert_int_equal(rom[i], 0);
    check_stream(rom + 4, len, img, max_payload, sparse);
    free(rom);
}

/* The words of the stream (len bytes at rom) against img. */
static void check_stream(const uint8_t *rom, uint32_t len, const limg *img, uint32_t max_payload,
                         int sparse)
{

    /* expected writes */
    size_t nw = limg_write_count(img), k = 0;
    wr *exp = calloc(nw, sizeof *exp);
    for (size_t s = 0; s < img->n_segs; s++)
        for (uint32_t j = 0; j < img->segs[s].count; j++) {
            exp[k].addr = img->segs[s].addr + j;
            exp[k].word = img->words[img->segs[s].off + j];
            k++;
        }

    link_rx *rx = malloc(sizeof *rx);
    link_frame *fr = malloc(sizeof *fr);
    link_rx_init(rx);
    size_t p = 0;
    int frames = 0, last_seq = -1;
    while (p < len) {
        int got = 0;
        p += link_rx_feed(rx, rom + p, len - p, fr, &got);
        if (!got)
            continue;
        frames++;
        assert_int_equal(fr->cmd, LINK_CMD_BATCH);
        assert_true(fr->len <= max_payload);
        assert_int_equal(fr->seq, (uint8_t)(last_seq + 1));
        last_seq = fr->seq;
        for (size_t q = 0; q < fr->len;) {
            assert_int_equal(fr->payload[q], LINK_OP_WRITE);
            uint32_t addr = fr->payload[q + 1] | (uint32_t)fr->payload[q + 2] << 8 |
                            (uint32_t)fr->payload[q + 3] << 16;
            uint32_t cnt = fr->payload[q + 4] | (uint32_t)fr->payload[q + 5] << 8;
            q += 6;
            for (uint32_t j = 0; j < cnt; j++, q += 4) {
                uint32_t w = fr->payload[q] | (uint32_t)fr->payload[q + 1] << 8 |
                             (uint32_t)fr->payload[q + 2] << 16 | (uint32_t)fr->payload[q + 3] << 24;
                size_t x = 0;
                while (x < nw && exp[x].addr != addr + j)
                    x++;
                assert_true(x < nw);
                assert_int_equal(exp[x].word, w);
                assert_int_equal(exp[x].seen, 0);
                exp[x].seen = 1;
            }
        }
    }
    assert_true(frames >= 1);
    assert_int_equal(rx->cnt.crc_errors + rx->cnt.format_errors, 0);
    for (size_t x = 0; x < nw; x++) {
        const uint32_t c = LOOM_MAP_CORE_BASE(0);
        const int dead_start = sparse && (exp[x].addr == c + LOOM_CORE_FANOUT + 0 ||
                                          exp[x].addr == c + LOOM_CORE_FANOUT + 3 ||
                                          exp[x].addr == c + LOOM_CORE_FANOUT + 4);
        /* a synapse word goes with its pair partner (2j, 2j+1) */
        int zero = exp[x].addr >= c && exp[x].word == 0;
        if (zero && exp[x].addr >= c + LOOM_CORE_SYN)
            for (size_t y = 0; y < nw; y++)
                if (exp[y].addr == (exp[x].addr ^ 1u) && exp[y].word != 0)
                    zero = 0;
        assert_int_equal(exp[x].seen, !(zero || dead_start));
    }
    LOOM_FREE(exp, rx, fr);
}

/* CRC-32 as the RTL computes it, bit by bit (an independent copy). */
static uint32_t crc_bits(const uint8_t *p, size_t n)
{
    uint32_t c = ~0u;
    for (size_t i = 0; i < n * 8; i++) {
        const uint32_t bit = (p[i / 8] >> (7 - i % 8)) & 1u;
        const uint32_t top = c >> 31;
        c <<= 1;
        if (top != bit)
            c ^= 0x04C11DB7u;
    }
    return c;
}

static void test_flash_image(void **state)
{
    (void)state;
    char path[] = "/tmp/loom_flash_XXXXXX";
    unit_tmpfile(path);
    loom_err e;
    limg *img = make_img(300);
    uint32_t used = 0;
    assert_int_equal(build_flash_image(img, 64, 16u << 20, 0x100000, path, &used, &e), LOOM_OK);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    uint8_t *buf = malloc(used + 16);
    assert_int_equal(fread(buf, 1, used + 16, f), used);
    fclose(f);
    assert_memory_equal(buf, "LOOM", 4);
    const uint32_t len = buf[4] | (uint32_t)buf[5] << 8 | (uint32_t)buf[6] << 16 | (uint32_t)buf[7] << 24;
    const uint32_t crc = buf[8] | (uint32_t)buf[9] << 8 | (uint32_t)buf[10] << 16 | (uint32_t)buf[11] << 24;
    assert_int_equal(len + 12, used);
    assert_int_equal(crc, crc_bits(buf + 12, len));
    check_stream(buf + 12, len, img, 64, 0);
    uint32_t got = 0;
    assert_int_equal(build_flash_check(buf, used, &got, &e), LOOM_OK);
    assert_int_equal(got, len);
    /* what the design refuses, named */
    buf[40] ^= 0x10;
    assert_int_equal(build_flash_check(buf, used, &got, &e), LOOM_E_PARSE);
    assert_non_null(strstr(e.msg, "corrupted"));
    buf[40] ^= 0x10;
    assert_int_equal(build_flash_check(buf, used - 1, &got, &e), LOOM_E_PARSE);
    assert_non_null(strstr(e.msg, "cut short"));
    memset(buf, 0xFF, used);
    assert_int_equal(build_flash_check(buf, used, &got, &e), LOOM_E_PARSE);
    assert_non_null(strstr(e.msg, "erased"));
    /* no room above the offset: refused with both sizes */
    assert_int_equal(build_flash_image(img, 64, 0x100010, 0x100000, path, &used, &e), LOOM_E_CAPACITY);
    assert_non_null(strstr(e.msg, "at most 4"));
    free(buf);
    limg_free(img);
    remove(path);
}

static void test_boot_roundtrip(void **state)
{
    (void)state;
    char path[] = "/tmp/loom_boot_XXXXXX";
    unit_tmpfile(path);
    loom_err e;
    /* small: one frame; large: many frames of at most 64 bytes; with room,
     * every fan-out entry is written */
    limg *img = make_img(10);
    uint32_t used = 0;
    assert_int_equal(build_boot_hex(img, 512, 1024, path, &used, &e), LOOM_OK);
    check_rom(path, img, 1024, 512, used, 0);
    limg_free(img);
    img = make_img(300);
    assert_int_equal(build_boot_hex(img, 64, 4096, path, &used, &e), LOOM_OK);
    check_rom(path, img, 4096, 64, used, 0);
    /* a ROM that holds only the sparse stream gets it */
    uint8_t *st0, *st1;
    size_t n0, n1;
    assert_int_equal(build_boot_stream(img, 64, 0, &st0, &n0, &e), LOOM_OK);
    assert_int_equal(build_boot_stream(img, 64, 1, &st1, &n1, &e), LOOM_OK);
    free(st0);
    free(st1);
    assert_true(n1 < n0);
    const uint32_t rom = (uint32_t)(n1 + 4 + 1) & ~1u;
    assert_true(rom < n0 + 4);
    assert_int_equal(build_boot_hex(img, 64, rom, path, &used, &e), LOOM_OK);
    check_rom(path, img, rom, 64, used, 1);
    /* does not fit: refused, naming both sizes */
    assert_int_equal(build_boot_hex(img, 512, 256, path, &used, &e), LOOM_E_CAPACITY);
    assert_non_null(strstr(e.msg, "256"));
    assert_int_equal(build_boot_hex(img, 512, 0, path, &used, &e), LOOM_E_CAPACITY);
    limg_free(img);
    remove(path);
}

UNIT_MAIN(test_board_table, test_boot_roundtrip, test_flash_image)

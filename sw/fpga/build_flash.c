/*
 * build_flash.c -- the flash image of a board whose design boots from its
 * SPI flash (board_info.flash_offset > 0, boards/common/loom_flash_boot.v):
 * a 12-byte header -- "LOOM", the stream length and its CRC-32, both
 * little-endian -- and the boot stream of build_boot_stream (the link
 * frames that load the model), written to DIR/flash.bin for
 * `iceprog -o OFFSET` and for the virtual board's flash model.
 */
#include "build_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint32_t build_flash_crc(const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++)
        for (int b = 7; b >= 0; b--) {
            const uint32_t in = (p[i] >> b) & 1u;
            c = (c << 1) ^ (((c >> 31) ^ in) ? 0x04C11DB7u : 0u);
        }
    return c;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

loom_status build_flash_image(const limg *img, uint32_t max_payload, uint32_t flash_bytes,
                              uint32_t offset, const char *path, uint32_t *used, loom_err *e)
{
    uint8_t *s;
    size_t n;
    /* every fan-out entry: the board then holds the image word for word, as
     * after a host load, and `loom run --baked` verifies it */
    loom_status st = build_boot_stream(img, max_payload, 0, &s, &n, e);
    if (st)
        return st;
    const size_t room = flash_bytes > offset + BUILD_FLASH_HDR ? flash_bytes - offset - BUILD_FLASH_HDR : 0;
    const size_t lim = room < BUILD_FLASH_MAX ? room : BUILD_FLASH_MAX;
    if (n == 0 || n > lim) {
        free(s);
        if (n == 0)
            return loom_fail(e, LOOM_E_ARG, "the model's image is empty: nothing to bake");
        return loom_fail(e, LOOM_E_CAPACITY,
                         "the model's boot stream needs %zu bytes, the flash image holds at most %zu",
                         n, lim);
    }
    uint8_t h[BUILD_FLASH_HDR] = {'L', 'O', 'O', 'M'};
    put32(h + 4, (uint32_t)n);
    put32(h + 8, build_flash_crc(s, n));
    FILE *f = fopen(path, "wb");
    if (!f) {
        free(s);
        return loom_fail(e, LOOM_E_IO, "%s: cannot create: %s", path, strerror(errno));
    }
    const int ok = fwrite(h, 1, sizeof h, f) == sizeof h && fwrite(s, 1, n, f) == n;
    free(s);
    if (fclose(f) != 0 || !ok) {
        remove(path);
        return loom_fail(e, LOOM_E_IO, "%s: write failed", path);
    }
    if (used)
        *used = (uint32_t)(n + BUILD_FLASH_HDR);
    return LOOM_OK;
}

loom_status build_flash_check(const uint8_t *p, size_t n, uint32_t *len, loom_err *e)
{
    if (n < BUILD_FLASH_HDR || memcmp(p, "LOOM", 4) != 0)
        return loom_fail(e, LOOM_E_PARSE, "no image header (\"LOOM\" at byte 0)%s",
                         n >= 4 && p[0] == 0xFF && p[1] == 0xFF ? ": the flash is erased" : "");
    const uint32_t l = get32(p + 4), want = get32(p + 8);
    if (l == 0 || l > BUILD_FLASH_MAX)
        return loom_fail(e, LOOM_E_PARSE, "image length %u outside 1..%u", l, BUILD_FLASH_MAX);
    if (n - BUILD_FLASH_HDR < l)
        return loom_fail(e, LOOM_E_PARSE, "image of %u bytes cut short at %zu", l, n - BUILD_FLASH_HDR);
    const uint32_t got = build_flash_crc(p + BUILD_FLASH_HDR, l);
    if (got != want)
        return loom_fail(e, LOOM_E_PARSE, "image CRC-32 %08X, header says %08X: corrupted", got, want);
    if (len)
        *len = l;
    return LOOM_OK;
}

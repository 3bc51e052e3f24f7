/*
 * build_ram.c -- firmware boards: the RAM image (read, write, baking a
 * model into it on the virtual board) and patching it into the block RAMs
 * of an iCE40 .asc (ram_swap).
 */
#include "build_int.h"
#include "ramhex.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "link.h"
#include "loom_map.h"
#include "mapper.h"

/* ---- firmware boards: the RAM image ----------------------------------------------- */

/* Reads a RAM image of exactly `words` words. */
static loom_status read_ram_hex(const char *path, uint32_t *w, size_t words, loom_err *e)
{
    size_t n;
    loom_status st = ramhex_read(path, w, words, &n, e);
    if (!st && n != words)
        st = loom_fail(e, LOOM_E_PARSE, "%s: %zu words, the RAM has %zu", path, n, words);
    return st;
}

static loom_status write_ram_hex(const char *path, const uint32_t *w, size_t words, loom_err *e)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return loom_fail(e, LOOM_E_IO, "%s: cannot create: %s", path, strerror(errno));
    for (size_t i = 0; i < words; i++)
        fprintf(f, "%08x\n", (unsigned)w[i]);
    if (fclose(f) != 0)
        return loom_fail(e, LOOM_E_IO, "%s: write failed", path);
    return LOOM_OK;
}

/* Loads the model on the board's virtual board (o->bake) and writes the RAM
 * image it leaves to hex: the baked board. */
loom_status bake_fw(const build_opts *o, const seir_net *net, const limg *img,
                           const char *hex, double *cycles, loom_err *e)
{
    const size_t words = o->board->fw_ram_bytes / 4;
    uint32_t *ram = malloc(words * sizeof *ram);
    if (!ram)
        return loom_fail(e, LOOM_E_NOMEM, "no memory for a RAM image");
    progress(o, "bake", -1, "loading the model on the %s's virtual board", o->board->name);
    double t0 = now_s();
    loom_status st = o->bake(o->bake_ctx, o->board, net, img, o->input_rate, ram, words, cycles, e);
    if (!st)
        st = write_ram_hex(hex, ram, words, e);
    if (!st)
        progress(o, "bake", now_s() - t0, "RAM image in %s", hex);
    free(ram);
    return st;
}

/* One 256 x 16 block RAM of an .asc (`.ram_data X Y` and 16 lines of 64 hex
 * digits, line k = INIT_k, most significant digit first): word j is bits
 * 16(j%16) .. +15 of line j/16, its bit b holding data bit rev4(b) (the
 * iCE40's interleaved INIT layout). */
static unsigned rev4(unsigned b)
{
    return ((b & 1) << 3) | ((b & 2) << 1) | ((b & 4) >> 1) | ((b & 8) >> 3);
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static int bram_decode(char *const lines[16], uint16_t out[256])
{
    for (unsigned j = 0; j < 256; j++) {
        const char *l = lines[j / 16];
        const unsigned jj = j % 16;
        unsigned raw = 0;
        for (unsigned c = 0; c < 4; c++) {
            int v = hexval(l[60 - 4 * jj + c]);
            if (v < 0)
                return -1;
            raw = raw << 4 | (unsigned)v;
        }
        unsigned d = 0;
        for (unsigned b = 0; b < 16; b++)
            if (raw >> b & 1)
                d |= 1u << rev4(b);
        out[j] = (uint16_t)d;
    }
    return 0;
}

static void bram_encode(const uint16_t in[256], char *const lines[16])
{
    static const char hx[] = "0123456789abcdef";
    for (unsigned j = 0; j < 256; j++) {
        unsigned raw = 0;
        for (unsigned b = 0; b < 16; b++)
            if (in[j] >> rev4(b) & 1)
                raw |= 1u << b;
        char *l = lines[j / 16] + 60 - 4 * (j % 16);
        for (unsigned c = 0; c < 4; c++)
            l[c] = hx[(raw >> (12 - 4 * c)) & 15];
    }
}

/* asc = gasc with every block RAM that holds a 256-word, 16-bit slice of
 * the RAM image `from` rewritten to hold the same slice of `to` -- what
 * icebram does, which cannot here: code has constant bit columns (an
 * instruction's low two bits are always 1) that it cannot place.  A slice
 * is found by its whole content; `from` has pseudo-random words past the
 * firmware (boards/fw.mk), so every slice is found exactly once, or the
 * swap is refused. */
loom_status ram_swap(const char *gasc, const char *from_hex, const char *to_hex,
                            const char *asc, size_t words, loom_err *e)
{
    const size_t slices = words / 256 * 2;
    uint32_t *from = malloc(words * sizeof *from), *to = malloc(words * sizeof *to);
    char *text = slurp(gasc, NULL);
    unsigned char *seen = calloc(slices, 1);
    loom_status st = LOOM_OK;
    if (!from || !to || !seen)
        st = loom_fail(e, LOOM_E_NOMEM, "no memory for RAM images");
    else if (!text)
        st = loom_fail(e, LOOM_E_IO, "%s: cannot read", gasc);
    if (!st)
        st = read_ram_hex(from_hex, from, words, e);
    if (!st)
        st = read_ram_hex(to_hex, to, words, e);
    for (char *p = text; !st && p && (p = strstr(p, "\n.ram_data ")); p++) {
        char *lines[16], *q = strchr(p + 1, '\n');
        unsigned k = 0;
        for (; q && k < 16; k++) {
            lines[k] = q + 1;
            q = strchr(q + 1, '\n');
            if (!q || q - lines[k] != 64)
                break;
        }
        if (k < 16) {
            st = loom_fail(e, LOOM_E_PARSE, "%s: a .ram_data block is not 16 lines of 64 hex digits",
                           gasc);
            break;
        }
        uint16_t blk[256], sl[256];
        if (bram_decode(lines, blk)) {
            st = loom_fail(e, LOOM_E_PARSE, "%s: a .ram_data block holds a non-hex digit", gasc);
            break;
        }
        long hit = -1;
        for (size_t s = 0; s < slices; s++) {
            const size_t base = s / 2 * 256;
            const unsigned sh = (unsigned)(s % 2) * 16;
            size_t j = 0;
            while (j < 256 && (uint16_t)(from[base + j] >> sh) == blk[j])
                j++;
            if (j < 256)
                continue;
            if (hit >= 0 || seen[s]) {
                st = loom_fail(e, LOOM_E_INTERNAL, "%s: RAM slice %zu of %s is not unique: cannot "
                               "swap RAM images (rebuild with --force)", gasc, s, from_hex);
                break;
            }
            hit = (long)s;
        }
        if (st || hit < 0)
            continue;   /* another memory (the receive ring) */
        seen[hit] = 1;
        const size_t base = (size_t)hit / 2 * 256;
        const unsigned sh = (unsigned)(hit % 2) * 16;
        for (unsigned j = 0; j < 256; j++)
            sl[j] = (uint16_t)(to[base + j] >> sh);
        bram_encode(sl, lines);
    }
    for (size_t s = 0; !st && s < slices; s++)
        if (!seen[s])
            st = loom_fail(e, LOOM_E_INTERNAL, "%s: RAM slice %zu of %s not found in the bitstream "
                           "(rebuild with --force)", gasc, s, from_hex);
    if (!st) {
        FILE *f = fopen(asc, "w");
        if (!f)
            st = loom_fail(e, LOOM_E_IO, "%s: cannot create: %s", asc, strerror(errno));
        else if (fputs(text, f) < 0 || fclose(f) != 0)
            st = loom_fail(e, LOOM_E_IO, "%s: write failed", asc);
    }
    free(from);
    free(to);
    free(text);
    free(seen);
    return st;
}

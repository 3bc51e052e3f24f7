/*
 * build_boot.c -- the boot image of loom build: the boot ROM a bitstream
 * replays into the array after configuration (build_boot_hex), and the
 * random placeholder of a generic bitstream.
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

#define BOOT_MAGIC0 0xB0
#define BOOT_MAGIC1 0x07

/* ---- boot ROM ------------------------------------------------------------------ */

static loom_status write_rom(const char *path, const uint8_t *rom, uint32_t n, loom_err *e)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return loom_fail(e, LOOM_E_IO, "%s: cannot create: %s", path, strerror(errno));
    /* 16-bit words, byte 2j in the low half of word j (loom_boot.v) */
    for (uint32_t i = 0; i + 1 < n; i += 2)
        fprintf(f, "%04x\n", rom[i] | (unsigned)rom[i + 1] << 8);
    if (fclose(f) != 0)
        return loom_fail(e, LOOM_E_IO, "%s: write failed", path);
    return LOOM_OK;
}

/* Random placeholder (xorshift64*, fixed seed) whose header is never the
 * boot magic, so a generic bitstream replays nothing. */
loom_status write_placeholder(const char *path, uint32_t n, loom_err *e)
{
    uint8_t *rom = malloc(n ? n : 1);
    if (!rom)
        return loom_fail(e, LOOM_E_NOMEM, "boot placeholder: out of memory");
    uint64_t x = 0x9E3779B97F4A7C15ULL;
    for (uint32_t i = 0; i < n; i++) {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        rom[i] = (uint8_t)((x * 0x2545F4914F6CDD1DULL) >> 56);
    }
    if (n > 1 && rom[0] == BOOT_MAGIC0)
        rom[0] ^= 0xFF;
    loom_status st = write_rom(path, rom, n, e);
    free(rom);
    return st;
}

/* Appends n bytes to the growing stream *buf (length *len, room *cap). */
static int stream_put(uint8_t **buf, size_t *len, size_t *cap, const uint8_t *p, size_t n)
{
    if (*len + n > *cap) {
        size_t c = *cap ? *cap : 4096;
        while (c < *len + n)
            c *= 2;
        uint8_t *b = realloc(*buf, c);
        if (!b)
            return -1;
        *buf = b;
        *cap = c;
    }
    memcpy(*buf + *len, p, n);
    *len += n;
    return 0;
}

loom_status build_boot_stream(const limg *img, uint32_t max_payload, int sparse, uint8_t **out,
                              size_t *out_len, loom_err *e)
{
    *out = NULL;
    *out_len = 0;
    max_payload = link_max_payload(max_payload); /* what the RTL link accepts */
    if (max_payload < 16)
        return loom_fail(e, LOOM_E_ARG, "boot image: max payload %u too small (16 bytes at least)",
                         max_payload);
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0;
    link_frame *fr = malloc(sizeof *fr);
    uint8_t *wire = malloc(LINK_MAX_WIRE);
    if (!fr || !wire) {
        free(fr);
        free(wire);
        return loom_fail(e, LOOM_E_NOMEM, "boot image: out of memory");
    }
    uint8_t seq = 0;
    fr->len = 0;
    loom_status st = LOOM_OK;
    /* Runs of words to write: a zero word of a core's memories is skipped,
     * since the boot runs right after configuration, when every block RAM,
     * SPRAM word and register of the array is zero.  Each run is cut into
     * WRITE ops that fit the frame payload; a frame is flushed when the
     * next op would not fit. */
    /* Fan-out index (docs/memory-map.md): entry e holds 1 + the first
     * synapse word of source e, 0 meaning "not given"; source g has the run
     * [E[g]-1, E[g+1]-1) only when both entries are given and E[g+1] >
     * E[g].  So only the two entries around a source with synapses are
     * written; keep[] marks them per core. */
    const uint32_t fan = limg_fanout_entries(&img->arch), ne = fan + 1;
    uint32_t *ent = calloc((size_t)img->arch.cores * ne + 1, sizeof *ent);
    uint8_t *keep = calloc((size_t)img->arch.cores * ne + 1, 1);
    if (!ent || !keep) {
        free(ent);
        free(keep);
        free(fr);
        free(wire);
        return loom_fail(e, LOOM_E_NOMEM, "boot image: out of memory");
    }
    for (size_t sg = 0; sg < img->n_segs; sg++)
        for (uint32_t j = 0; j < img->segs[sg].count; j++) {
            const uint32_t ad = img->segs[sg].addr + j;
            if (ad < LOOM_MAP_CORE_BASE(0))
                continue;
            const uint32_t k = ad / LOOM_MAP_CORE_SPAN - 1, off = ad % LOOM_MAP_CORE_SPAN;
            if (k < img->arch.cores && off >= LOOM_CORE_FANOUT && off - LOOM_CORE_FANOUT < ne)
                ent[(size_t)k * ne + off - LOOM_CORE_FANOUT] = img->words[img->segs[sg].off + j];
        }
    for (uint32_t k = 0; k < img->arch.cores; k++) {
        const uint32_t *E = &ent[(size_t)k * ne];
        uint8_t *nd = &keep[(size_t)k * ne];
        for (uint32_t g = 0; g < fan; g++)
            if (!sparse || (E[g] != 0 && E[g + 1] > E[g]))
                nd[g] = nd[g + 1] = 1;
    }
    free(ent);
    /* Synapse and bias words go in pairs on a single-port array (a write to
     * word 2j waits for 2j+1, docs/memory-map.md): a pair is skipped only
     * when both its words are zero, so a write of 2j+1 always follows 2j. */
#define BOOT_PAIRED(ad) ((ad) >= LOOM_MAP_CORE_BASE(0) && (ad) % LOOM_MAP_CORE_SPAN >= LOOM_CORE_SYN)
#define BOOT_ZERO(g, i)                                                                       \
    ((g)->addr % 2 == 0 || !BOOT_PAIRED((g)->addr + (i))                                      \
         ? (img->words[(g)->off + (i)] == 0 &&                                                \
            (!BOOT_PAIRED((g)->addr + (i)) ||                                                 \
             (((i) ^ 1u) < (g)->count && img->words[(g)->off + ((i) ^ 1u)] == 0)))            \
         : 0)
#define BOOT_SKIP(g, i)                                                                       \
    ((g)->addr + (i) >= LOOM_MAP_CORE_BASE(0) &&                                              \
     (BOOT_ZERO(g, i) ||                                                                      \
      (((g)->addr + (i)) % LOOM_MAP_CORE_SPAN >= LOOM_CORE_FANOUT &&                          \
          ((g)->addr + (i)) % LOOM_MAP_CORE_SPAN - LOOM_CORE_FANOUT < ne &&                   \
          ((g)->addr + (i)) / LOOM_MAP_CORE_SPAN - 1 < img->arch.cores &&                     \
          !keep[(size_t)(((g)->addr + (i)) / LOOM_MAP_CORE_SPAN - 1) * ne +                   \
                ((g)->addr + (i)) % LOOM_MAP_CORE_SPAN - LOOM_CORE_FANOUT])))
    for (size_t sg = 0; !st && sg <= img->n_segs; sg++) {
        const limg_seg *g = sg < img->n_segs ? &img->segs[sg] : NULL;
        size_t j = 0;
        for (;;) {
            size_t run0 = j, run1 = j;
            if (g) {
                while (run0 < g->count && BOOT_SKIP(g, (uint32_t)run0))
                    run0++;
                run1 = run0;
                while (run1 < g->count && !BOOT_SKIP(g, (uint32_t)run1))
                    run1++;
            }
            size_t room = (size_t)fr->len + 6 + 4 <= max_payload ? (max_payload - fr->len - 6) / 4 : 0;
            if (g && run1 > run0 && room > 0) {
                size_t chunk = run1 - run0 < room ? run1 - run0 : room;
                size_t plen = fr->len;
                st = link_batch_write(fr->payload, max_payload, &plen, g->addr + (uint32_t)run0,
                                      img->words + g->off + run0, chunk, 0, e);
                fr->len = (uint16_t)plen;
                j = run0 + chunk;
                if (st)
                    break;
                continue;
            }
            if (fr->len && (!g || run1 > run0)) { /* payload full, or the end: flush */
                fr->seq = seq++;
                fr->cmd = LINK_CMD_BATCH;
                size_t wn = link_frame_encode(fr, wire);
                if (stream_put(&buf, &len, &cap, wire, wn)) {
                    st = loom_fail(e, LOOM_E_NOMEM, "boot image: out of memory");
                    break;
                }
                fr->len = 0;
                if (g)
                    continue;
            }
            break;
        }
    }
#undef BOOT_SKIP
#undef BOOT_ZERO
#undef BOOT_PAIRED
    free(keep);
    free(fr);
    free(wire);
    if (st) {
        free(buf);
        return st;
    }
    *out = buf;
    *out_len = len;
    return LOOM_OK;
}

loom_status build_boot_hex(const limg *img, uint32_t max_payload, uint32_t rom_bytes,
                           const char *path, uint32_t *used, loom_err *e)
{
    if (rom_bytes < 8)
        return loom_fail(e, LOOM_E_CAPACITY, "this board has no boot ROM: models cannot be baked in; "
                                             "load them at run time with loom run");
    /* every fan-out entry when the ROM has room (the board then holds the
     * image word for word: loom run --baked verifies it), else the sparse
     * stream */
    uint8_t *stream;
    size_t n;
    loom_status st = build_boot_stream(img, max_payload, 0, &stream, &n, e);
    if (!st && n + 4 > rom_bytes) {
        free(stream);
        st = build_boot_stream(img, max_payload, 1, &stream, &n, e);
    }
    if (st)
        return st;
    const size_t need = n + 4;
    if (need > rom_bytes) {
        free(stream);
        return loom_fail(e, LOOM_E_CAPACITY,
                         "the model's image needs %zu boot ROM bytes, the board has %u; "
                         "load it at run time with loom run instead",
                         need, rom_bytes);
    }
    if (n > 0xFFFF) {
        free(stream);
        return loom_fail(e, LOOM_E_CAPACITY, "boot stream of %zu bytes exceeds 65535", n);
    }
    uint8_t *rom = calloc(rom_bytes, 1);
    if (!rom) {
        free(stream);
        return loom_fail(e, LOOM_E_NOMEM, "boot ROM: out of memory");
    }
    rom[0] = BOOT_MAGIC0;
    rom[1] = BOOT_MAGIC1;
    rom[2] = (uint8_t)(n & 0xFF);
    rom[3] = (uint8_t)(n >> 8);
    if (n)
        memcpy(rom + 4, stream, n);
    free(stream);
    st = write_rom(path, rom, rom_bytes, e);
    if (!st && used)
        *used = (uint32_t)need;
    free(rom);
    return st;
}

/*
 * limg.c -- the Loom runtime image (.limg): building, checking, file I/O.
 *
 * File layout (every field a little-endian uint32):
 *   magic "LIMG", version,
 *   W S A D cores neurons syn_words profiles levels max_inputs,
 *   n_neurons n_inputs n_levels n_outputs n_segs n_words,
 *   n_neurons x (core, slot), n_outputs x (neuron, kind),
 *   n_segs x (addr, count), n_words x word,
 *   crc32 of every byte before it.
 * Segments are stored in order and their counts must add up to n_words;
 * the reader checks this and every size against the file length before it
 * allocates, so a corrupt header cannot make it allocate wildly.
 */
#include "limg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loom_map.h"
#include "loom_mem.h"

static uint32_t clog2u(uint32_t x)
{
    uint32_t b = 0;
    while (b < 32 && ((uint64_t)1 << b) < x)
        b++;
    return b;
}

uint32_t limg_slot_bits(const limg_arch *a)
{
    uint32_t b = clog2u(a->neurons);
    return b < 1 ? 1 : b;
}

uint32_t limg_ring_log2(const limg_arch *a)
{
    uint32_t b = clog2u((uint32_t)a->arch.d + 1);
    return b < 1 ? 1 : b;
}

uint32_t limg_fanout_entries(const limg_arch *a)
{
    return a->max_inputs + a->cores * a->neurons;
}

char *limg_arch_str(const limg_arch *a, char *buf, size_t len)
{
    snprintf(buf, len,
             "W=%d S=%d A=%d D=%d cores=%u neurons=%u syn_words=%u profiles=%u levels=%u inputs=%u",
             a->arch.w, a->arch.s, a->arch.a, a->arch.d, a->cores, a->neurons, a->syn_words,
             a->profiles, a->levels, a->max_inputs);
    return buf;
}

int limg_arch_cmp(const limg_arch *a, const limg_arch *b)
{
    return !(a->arch.w == b->arch.w && a->arch.s == b->arch.s && a->arch.a == b->arch.a &&
             a->arch.d == b->arch.d && a->cores == b->cores && a->neurons == b->neurons &&
             a->syn_words == b->syn_words && a->profiles == b->profiles &&
             a->levels == b->levels && a->max_inputs == b->max_inputs);
}

loom_status limg_arch_check(const limg_arch *a, loom_err *e)
{
    loom_status st = seir_arch_check(&a->arch, e);
    if (st != LOOM_OK)
        return st;
#define RANGE(f, lo, hi)                                                                   \
    if (a->f < (lo) || a->f > (hi))                                                        \
        return loom_fail(e, LOOM_E_ARG, "arch config: " #f " = %u, expected %u..%u",       \
                         (unsigned)a->f, (unsigned)(lo), (unsigned)(hi));
    RANGE(cores, 1, LOOM_MAP_MAX_CORES)
    RANGE(neurons, 2, 8192)
    RANGE(syn_words, 2, 65536)
    RANGE(profiles, 1, 32)
    RANGE(levels, 1, 32768)
    RANGE(max_inputs, 1, 65536)
#undef RANGE
    if (a->arch.a + 15 < a->arch.s)
        return loom_fail(e, LOOM_E_ARG, "arch config: A = %d must be at least S - 15 = %d",
                         a->arch.a, a->arch.s - 15);
    const uint32_t yw = limg_slot_bits(a) + (uint32_t)a->arch.w + limg_ring_log2(a);
    if (yw > 31)
        return loom_fail(e, LOOM_E_ARG,
                         "arch config: a synapse word needs %u bits (slot %u + W %d + delay %u), at most 31",
                         yw, limg_slot_bits(a), a->arch.w, limg_ring_log2(a));
    if (((uint64_t)a->neurons << limg_ring_log2(a)) > 65536)
        return loom_fail(e, LOOM_E_ARG,
                         "arch config: the ring needs %u x %u words, at most 65,536 per core",
                         a->neurons, 1u << limg_ring_log2(a));
    if (limg_fanout_entries(a) > 65535)
        return loom_fail(e, LOOM_E_ARG,
                         "arch config: %u source ids (the fan-out index has one entry more), at most 65,535",
                         limg_fanout_entries(a));
    return LOOM_OK;
}

limg *limg_new(const limg_arch *a, uint32_t n_neurons, uint32_t n_inputs, uint32_t n_outputs)
{
    limg *img = calloc(1, sizeof *img);
    if (!img)
        return NULL;
    img->arch = *a;
    img->n_neurons = n_neurons;
    img->n_inputs = n_inputs;
    img->n_outputs = n_outputs;
    img->core_of = calloc(n_neurons ? n_neurons : 1, sizeof *img->core_of);
    img->slot_of = calloc(n_neurons ? n_neurons : 1, sizeof *img->slot_of);
    img->out_neuron = calloc(n_outputs ? n_outputs : 1, sizeof *img->out_neuron);
    img->out_kind = calloc(n_outputs ? n_outputs : 1, sizeof *img->out_kind);
    if (!img->core_of || !img->slot_of || !img->out_neuron || !img->out_kind) {
        limg_free(img);
        return NULL;
    }
    return img;
}

void limg_free(limg *img)
{
    if (img)
        LOOM_FREE(img->core_of, img->slot_of, img->out_neuron, img->out_kind, img->segs, img->words, img);
}

int limg_put(limg *img, uint32_t addr, uint32_t word)
{
    if (LOOM_GROW(img->words, img->cap_words, img->n_words + 1, 1024))
        return -1;
    limg_seg *last = img->n_segs ? &img->segs[img->n_segs - 1] : NULL;
    if (!last || last->addr + last->count != addr) {
        if (LOOM_GROW(img->segs, img->cap_segs, img->n_segs + 1, 64))
            return -1;
        last = &img->segs[img->n_segs++];
        last->addr = addr;
        last->count = 0;
        last->off = img->n_words;
    }
    img->words[img->n_words++] = word;
    last->count++;
    return 0;
}

size_t limg_write_count(const limg *img)
{
    return img->n_words;
}

uint32_t limg_crc32(uint32_t crc, const void *data, size_t n)
{
    const uint8_t *p = data;
    crc = ~crc;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

/* ---- writing ---- */

typedef struct wbuf {
    FILE *f;
    uint32_t crc;
    int err;
} wbuf;

static void put32(wbuf *b, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    b->crc = limg_crc32(b->crc, x, 4);
    if (fwrite(x, 1, 4, b->f) != 4)
        b->err = 1;
}

loom_status limg_write(const limg *img, const char *path, loom_err *e)
{
    wbuf b = {fopen(path, "wb"), 0, 0};
    if (!b.f)
        return loom_fail(e, LOOM_E_IO, "%s: cannot create: %s", path, strerror(errno));
    const limg_arch *a = &img->arch;
    put32(&b, LIMG_MAGIC);
    put32(&b, LIMG_VERSION);
    put32(&b, (uint32_t)a->arch.w);
    put32(&b, (uint32_t)a->arch.s);
    put32(&b, (uint32_t)a->arch.a);
    put32(&b, (uint32_t)a->arch.d);
    put32(&b, a->cores);
    put32(&b, a->neurons);
    put32(&b, a->syn_words);
    put32(&b, a->profiles);
    put32(&b, a->levels);
    put32(&b, a->max_inputs);
    put32(&b, img->n_neurons);
    put32(&b, img->n_inputs);
    put32(&b, img->n_levels);
    put32(&b, img->n_outputs);
    put32(&b, (uint32_t)img->n_segs);
    put32(&b, (uint32_t)img->n_words);
    for (uint32_t n = 0; n < img->n_neurons; n++) {
        put32(&b, img->core_of[n]);
        put32(&b, img->slot_of[n]);
    }
    for (uint32_t o = 0; o < img->n_outputs; o++) {
        put32(&b, img->out_neuron[o]);
        put32(&b, img->out_kind[o]);
    }
    for (size_t s = 0; s < img->n_segs; s++) {
        put32(&b, img->segs[s].addr);
        put32(&b, img->segs[s].count);
    }
    for (size_t w = 0; w < img->n_words; w++)
        put32(&b, img->words[w]);
    uint32_t crc = b.crc;
    put32(&b, crc);
    if (fclose(b.f) != 0 || b.err)
        return loom_fail(e, LOOM_E_IO, "%s: write failed: %s", path, strerror(errno));
    return LOOM_OK;
}

/* ---- reading ---- */

typedef struct rbuf {
    const uint8_t *p;
    size_t len, pos;
} rbuf;

static int get32(rbuf *r, uint32_t *v)
{
    if (r->len - r->pos < 4)
        return -1;
    const uint8_t *x = r->p + r->pos;
    *v = (uint32_t)x[0] | (uint32_t)x[1] << 8 | (uint32_t)x[2] << 16 | (uint32_t)x[3] << 24;
    r->pos += 4;
    return 0;
}

loom_status limg_read(const char *path, limg **out, loom_err *e)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return loom_fail(e, LOOM_E_IO, "%s: cannot open: %s", path, strerror(errno));
    size_t cap = 1 << 16, len = 0;
    uint8_t *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            fclose(f);
            return loom_fail(e, LOOM_E_NOMEM, "%s: out of memory", path);
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (len < cap)
            break;
        uint8_t *nb = realloc(buf, cap * 2);
        if (!nb)
            free(buf);
        buf = nb;
        cap *= 2;
    }
    int rerr = ferror(f);
    fclose(f);
    if (rerr) {
        free(buf);
        return loom_fail(e, LOOM_E_IO, "%s: read error", path);
    }
    loom_status st = LOOM_OK;
    limg *img = NULL;
    rbuf r = {buf, len, 0};
    uint32_t h[18];
    for (int i = 0; i < 18; i++) {
        if (get32(&r, &h[i])) {
            st = loom_fail(e, LOOM_E_PARSE, "%s: byte %zu: file ends inside the header", path, r.pos);
            goto done;
        }
        if (i == 0 && h[0] != LIMG_MAGIC) {
            st = loom_fail(e, LOOM_E_PARSE, "%s: byte 0: not a .limg file (magic 0x%08X, expected \"LIMG\")",
                           path, h[0]);
            goto done;
        }
        if (i == 1 && h[1] != LIMG_VERSION) {
            st = loom_fail(e, LOOM_E_PARSE, "%s: byte 4: .limg version %u, this Loom reads version %d",
                           path, h[1], LIMG_VERSION);
            goto done;
        }
    }
    limg_arch a;
    a.arch.w = (int)h[2];
    a.arch.s = (int)h[3];
    a.arch.a = (int)h[4];
    a.arch.d = (int)h[5];
    a.cores = h[6];
    a.neurons = h[7];
    a.syn_words = h[8];
    a.profiles = h[9];
    a.levels = h[10];
    a.max_inputs = h[11];
    loom_err ae;
    if (limg_arch_check(&a, &ae) != LOOM_OK) {
        st = loom_fail(e, LOOM_E_PARSE, "%s: byte 8: bad arch config: %s", path, ae.msg);
        goto done;
    }
    /* counts the arch bounds: checked before anything is sized by them */
    static const char *const cnt_name[4] = {"n_neurons", "n_inputs", "n_levels", "n_outputs"};
    const uint64_t cnt_max[4] = {(uint64_t)a.cores * a.neurons, a.max_inputs, a.levels,
                                 (uint64_t)a.cores * a.neurons * (SEIR_OUT_V + 1)};
    for (int i = 0; i < 4; i++)
        if (h[12 + i] > cnt_max[i]) {
            st = loom_fail(e, LOOM_E_PARSE, "%s: byte %d: %s = %u exceeds the limit of its arch config (%llu)",
                           path, (12 + i) * 4, cnt_name[i], h[12 + i], (unsigned long long)cnt_max[i]);
            goto done;
        }
    const uint64_t need = 18 * 4 + (uint64_t)h[12] * 8 + (uint64_t)h[15] * 8 + (uint64_t)h[16] * 8 +
                          (uint64_t)h[17] * 4 + 4;
    if (need != len) {
        st = loom_fail(e, LOOM_E_PARSE, "%s: byte %zu: the header announces %llu bytes, the file has %zu",
                       path, len < need ? len : (size_t)need, (unsigned long long)need, len);
        goto done;
    }
    uint32_t crc_stored = (uint32_t)buf[len - 4] | (uint32_t)buf[len - 3] << 8 |
                          (uint32_t)buf[len - 2] << 16 | (uint32_t)buf[len - 1] << 24;
    uint32_t crc = limg_crc32(0, buf, len - 4);
    if (crc != crc_stored) {
        st = loom_fail(e, LOOM_E_PARSE, "%s: byte %zu: checksum mismatch (stored 0x%08X, computed 0x%08X)",
                       path, len - 4, crc_stored, crc);
        goto done;
    }
    img = limg_new(&a, h[12], h[13], h[15]);
    if (!img) {
        st = loom_fail(e, LOOM_E_NOMEM, "%s: out of memory", path);
        goto done;
    }
    img->n_levels = h[14];
    for (uint32_t n = 0; n < img->n_neurons; n++) {
        get32(&r, &img->core_of[n]);
        get32(&r, &img->slot_of[n]);
        if (img->core_of[n] >= a.cores || img->slot_of[n] >= a.neurons) {
            st = loom_fail(e, LOOM_E_PARSE, "%s: byte %zu: neuron %u placed at core %u slot %u, outside the arch",
                           path, r.pos - 8, n, img->core_of[n], img->slot_of[n]);
            goto done;
        }
    }
    for (uint32_t o = 0; o < img->n_outputs; o++) {
        get32(&r, &img->out_neuron[o]);
        get32(&r, &img->out_kind[o]);
        if (img->out_neuron[o] >= img->n_neurons || img->out_kind[o] > SEIR_OUT_V) {
            st = loom_fail(e, LOOM_E_PARSE, "%s: byte %zu: output %u is neuron %u kind %u, out of range",
                           path, r.pos - 8, o, img->out_neuron[o], img->out_kind[o]);
            goto done;
        }
    }
    img->n_segs = img->cap_segs = h[16];
    img->n_words = img->cap_words = h[17];
    img->segs = malloc((img->n_segs ? img->n_segs : 1) * sizeof *img->segs);
    img->words = malloc((img->n_words ? img->n_words : 1) * sizeof *img->words);
    if (!img->segs || !img->words) {
        st = loom_fail(e, LOOM_E_NOMEM, "%s: out of memory", path);
        goto done;
    }
    size_t off = 0;
    for (size_t s = 0; s < img->n_segs; s++) {
        get32(&r, &img->segs[s].addr);
        get32(&r, &img->segs[s].count);
        img->segs[s].off = off;
        off += img->segs[s].count;
        if (off > img->n_words || img->segs[s].addr + (uint64_t)img->segs[s].count > 0x1000000) {
            st = loom_fail(e, LOOM_E_PARSE, "%s: byte %zu: segment %zu (addr 0x%06X, %u words) runs past the words or the 24-bit bus",
                           path, r.pos - 8, s, img->segs[s].addr, img->segs[s].count);
            goto done;
        }
    }
    if (off != img->n_words) {
        st = loom_fail(e, LOOM_E_PARSE, "%s: segments hold %zu words, the header says %zu",
                       path, off, img->n_words);
        goto done;
    }
    for (size_t w = 0; w < img->n_words; w++)
        get32(&r, &img->words[w]);
done:
    free(buf);
    if (st != LOOM_OK) {
        limg_free(img);
        return st;
    }
    *out = img;
    return LOOM_OK;
}

loom_status limg_check_arch(const limg *img, const limg_arch *build, loom_err *e)
{
    if (limg_arch_cmp(&img->arch, build) == 0)
        return LOOM_OK;
    char a[256], b[256];
    return loom_fail(e, LOOM_E_CAPACITY,
                     "image was built for arch %s but this build is %s; re-map the model for this build",
                     limg_arch_str(&img->arch, a, sizeof a), limg_arch_str(build, b, sizeof b));
}

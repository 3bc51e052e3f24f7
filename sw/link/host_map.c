/*
 * host_map.c -- the loom_host calls that know the memory map
 * (hls_ref/loom_map.h): arch, load and verify of runtime images, event
 * streaming, state read-out and the control-loop step calls.  The session
 * underneath (framing, window, resends) is host.c.
 */
#include "host.h"
#include "host_int.h"

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loom_map.h"

/* ---- map-aware calls ----------------------------------------------------------- */

loom_status loom_host_arch(loom_host *h, limg_arch *a, loom_err *e)
{
    uint32_t r[LOOM_REG_RING_LOG2 + 1];
    loom_status st = loom_host_read(h, LOOM_REG_ID, r, LOOM_REG_RING_LOG2 + 1, e);
    if (st)
        return st;
    if (r[LOOM_REG_ID] != LOOM_MAP_ID_VALUE)
        return loom_fail(e, LOOM_E_LINK, "%s: ID register reads 0x%08X, a Loom array has 0x%08X",
                         transport_name(h->t), r[LOOM_REG_ID], (unsigned)LOOM_MAP_ID_VALUE);
    memset(a, 0, sizeof *a);
    a->arch.w = (int)r[LOOM_REG_ARCH_W];
    a->arch.s = (int)r[LOOM_REG_ARCH_S];
    a->arch.a = (int)r[LOOM_REG_ARCH_A];
    a->arch.d = (int)r[LOOM_REG_ARCH_D];
    a->cores = r[LOOM_REG_CORES];
    a->neurons = r[LOOM_REG_NEURONS];
    a->syn_words = r[LOOM_REG_SYN_WORDS];
    a->profiles = r[LOOM_REG_PROFILES];
    a->levels = r[LOOM_REG_LEVELS_MAX];
    a->max_inputs = r[LOOM_REG_MAX_INPUTS];
    return LOOM_OK;
}

loom_status loom_host_load(loom_host *h, const limg *img, loom_err *e)
{
    limg_arch a;
    loom_status st = loom_host_arch(h, &a, e);
    if (!st)
        st = limg_check_arch(img, &a, e);
    for (size_t g = 0; !st && g < img->n_segs; g++)
        st = loom_host_write(h, img->segs[g].addr, img->words + img->segs[g].off,
                             img->segs[g].count, e);
    return st;
}

/* Core regions the array changes while it runs (i, v, the delay ring). */
static int state_region(uint32_t addr)
{
    if (addr < LOOM_MAP_CORE_BASE(0))
        return 0;
    const uint32_t r = ((addr % LOOM_MAP_CORE_SPAN) >> LOOM_MAP_REGION_SHIFT) & 7;
    return r == (LOOM_CORE_I >> LOOM_MAP_REGION_SHIFT) || r == (LOOM_CORE_V >> LOOM_MAP_REGION_SHIFT) ||
           r == (LOOM_CORE_RING >> LOOM_MAP_REGION_SHIFT);
}

/* A signed field reads back sign-extended: an image word w whose top set
 * bit is the field's sign bit (a profile's 5-bit shift -1 is written 0x1F)
 * reads as w with every bit above it set (0xFFFFFFFF). */
static int readback_of(uint32_t w, uint32_t r)
{
    if (w == 0 || (w >> 31))
        return 0;
    unsigned b = 0;
    while (b < 32 && (w >> b))
        b++;
    return r == (w | (~0u << b));
}

loom_status loom_host_verify(loom_host *h, const limg *img, int tables_only, loom_err *e)
{
    limg_arch a;
    loom_status st = loom_host_arch(h, &a, e);
    if (!st)
        st = limg_check_arch(img, &a, e);
    uint32_t buf[256];
    size_t differ = 0, total = 0;
    uint32_t first_addr = 0, first_got = 0, first_want = 0;
    for (size_t g = 0; !st && g < img->n_segs; g++) {
        const limg_seg *sg = &img->segs[g];
        if (tables_only && state_region(sg->addr))
            continue;
        for (uint32_t k = 0; !st && k < sg->count; k += 256) {
            const uint32_t n = sg->count - k < 256 ? sg->count - k : 256;
            st = loom_host_read(h, sg->addr + k, buf, n, e);
            for (uint32_t j = 0; !st && j < n; j++, total++) {
                const uint32_t want = img->words[sg->off + k + j];
                if (buf[j] == want || readback_of(want, buf[j]))
                    continue;
                if (!differ++) {
                    first_addr = sg->addr + k + j;
                    first_got = buf[j];
                    first_want = want;
                }
            }
        }
    }
    if (!st && differ)
        st = loom_fail(e, LOOM_E_MISMATCH,
                       "the board does not hold this network: %zu of %zu words differ, the first at "
                       "0x%06x (board 0x%08x, image 0x%08x)",
                       differ, total, (unsigned)first_addr, (unsigned)first_got, (unsigned)first_want);
    return st;
}

uint32_t loom_host_event(uint32_t channel, int32_t value)
{
    return ((uint32_t)value << 16) | (channel & 0xFFFF);
}

/* Collects ops into frames of at most max_payload bytes each way. */
typedef struct hbatch {
    loom_host *h;
    int piped;             /* loom_host_pipe_batch: words come later */
    uint8_t ops[LINK_MAX_PAYLOAD];
    size_t len, rd_words;
    uint32_t *out;
    size_t out_n, out_cap;
} hbatch;

static loom_status hb_flush(hbatch *b, loom_err *e)
{
    if (!b->len)
        return LOOM_OK;
    if (b->piped) {
        loom_status st = loom_host_pipe_batch(b->h, b->ops, b->len, e);
        b->out_n += b->rd_words;
        b->len = 0;
        b->rd_words = 0;
        return st;
    }
    size_t got = 0;
    loom_status st = loom_host_batch(b->h, b->ops, b->len, b->out ? b->out + b->out_n : NULL,
                                     b->out ? b->out_cap - b->out_n : 0, &got, e);
    b->out_n += got;
    b->len = 0;
    b->rd_words = 0;
    return st;
}

static loom_status hb_room(hbatch *b, size_t bytes, loom_err *e)
{
    return b->len + bytes > b->h->max_payload ? hb_flush(b, e) : LOOM_OK;
}

static loom_status hb_read(hbatch *b, uint32_t addr, size_t n, loom_err *e)
{
    while (n) {
        loom_status st = hb_room(b, 6, e);
        size_t per = b->h->max_payload / 4; /* after hb_room: a flush may have lowered the cap */
        if (!st && b->rd_words >= per)
            st = hb_flush(b, e);
        if (st)
            return st;
        size_t k = per - b->rd_words < n ? per - b->rd_words : n;
        if ((st = link_batch_read(b->ops, b->h->max_payload, &b->len, addr, k, 0, e)))
            return st;
        b->rd_words += k;
        addr += (uint32_t)k;
        n -= k;
    }
    return LOOM_OK;
}

static loom_status hb_write(hbatch *b, uint32_t addr, const uint32_t *w, size_t n, int fixed,
                            loom_err *e)
{
    while (n) {
        loom_status st = hb_room(b, 10, e);
        if (st)
            return st;
        size_t k = (b->h->max_payload - b->len - 6) / 4;
        if (k > n)
            k = n;
        if ((st = link_batch_write(b->ops, b->h->max_payload, &b->len, addr, w, k, fixed, e)))
            return st;
        if (!fixed)
            addr += (uint32_t)k;
        w += k;
        n -= k;
    }
    return LOOM_OK;
}

loom_status loom_host_stream(loom_host *h, const uint32_t *events, size_t n_events, int start,
                             uint32_t cores, uint32_t out_words, uint32_t *out, uint32_t polls,
                             loom_err *e)
{
    hbatch b;
    b.h = h;
    b.piped = 0;
    b.len = b.rd_words = 0;
    b.out = out;
    b.out_n = 0;
    b.out_cap = (size_t)cores * out_words;
    loom_status st = link_batch_wait(b.ops, h->max_payload, &b.len, polls, e);
    for (uint32_t k = 0; !st && out && k < cores && out_words; k++)
        st = hb_read(&b, LOOM_MAP_OUT_BASE + (k << LOOM_MAP_OUT_CORE_SHIFT), out_words, e);
    if (!st && n_events)
        st = hb_write(&b, LOOM_REG_INPUT, events, n_events, 1, e);
    if (!st && start) {
        uint32_t one = 1;
        st = hb_write(&b, LOOM_REG_CTRL, &one, 1, 0, e);
    }
    if (!st)
        st = hb_flush(&b, e);
    if (!st && b.out_n != b.out_cap)
        return loom_fail(e, LOOM_E_LINK, "%s: %zu output words returned, %zu expected",
                         transport_name(h->t), b.out_n, b.out_cap);
    return st;
}

loom_status loom_host_state(loom_host *h, uint32_t core, uint32_t slot, int32_t *i, int32_t *v,
                            loom_err *e)
{
    hbatch b;
    uint32_t w[2];
    b.h = h;
    b.piped = 0;
    b.len = b.rd_words = 0;
    b.out = w;
    b.out_n = 0;
    b.out_cap = 2;
    loom_status st = hb_read(&b, LOOM_MAP_CORE_BASE(core) + LOOM_CORE_I + slot, 1, e);
    if (!st)
        st = hb_read(&b, LOOM_MAP_CORE_BASE(core) + LOOM_CORE_V + slot, 1, e);
    if (!st)
        st = hb_flush(&b, e);
    if (!st && b.out_n != 2)
        return loom_fail(e, LOOM_E_LINK, "%s: state read returned %zu words", transport_name(h->t),
                         b.out_n);
    *i = (int32_t)w[0];
    *v = (int32_t)w[1];
    return st;
}

/* The exchange behind loom_host_step_read and loom_host_stream_read: the
 * ops of one step, split into frames only where the payload cap needs it
 * (frames are applied in order, so a split never reorders ops). */
static loom_status step_exchange(loom_host *h, int step_first, int piped, const uint32_t *events,
                                 size_t n_events, int start, uint32_t cores, uint32_t out_words,
                                 uint32_t *out, const uint32_t *rd_addr, size_t n_rd, uint32_t *rd,
                                 uint32_t polls, loom_err *e)
{
    size_t n_out = (out || piped) ? (size_t)cores * out_words : 0;
    uint32_t *buf = malloc((n_out + n_rd ? n_out + n_rd : 1) * sizeof *buf);
    if (!buf)
        return loom_fail(e, LOOM_E_NOMEM, "%s: out of memory for a step's read-back",
                         transport_name(h->t));
    hbatch b;
    b.h = h;
    b.piped = 0;
    b.len = b.rd_words = 0;
    b.out = buf;
    b.out_n = 0;
    b.out_cap = n_out + n_rd;
    b.piped = piped;
    loom_status st = LOOM_OK;
    uint32_t one = 1;
    if (step_first) {
        if (n_events)
            st = hb_write(&b, LOOM_REG_INPUT, events, n_events, 1, e);
        if (!st && start)
            st = hb_write(&b, LOOM_REG_CTRL, &one, 1, 0, e);
    }
    if (!st)
        st = hb_room(&b, 4, e);
    if (!st)
        st = link_batch_wait(b.ops, h->max_payload, &b.len, polls, e);
    for (uint32_t k = 0; !st && n_out && k < cores; k++)
        st = hb_read(&b, LOOM_MAP_OUT_BASE + (k << LOOM_MAP_OUT_CORE_SHIFT), out_words, e);
    /* a run of consecutive addresses (the read-outs of one core, e.g.) is one op */
    for (size_t k = 0, run; !st && k < n_rd; k += run) {
        for (run = 1; k + run < n_rd && rd_addr[k + run] == rd_addr[k] + run; run++)
            ;
        st = hb_read(&b, rd_addr[k], run, e);
    }
    if (!step_first) {
        if (!st && n_events)
            st = hb_write(&b, LOOM_REG_INPUT, events, n_events, 1, e);
        if (!st && start)
            st = hb_write(&b, LOOM_REG_CTRL, &one, 1, 0, e);
    }
    if (!st)
        st = hb_flush(&b, e);
    if (!st && b.out_n != b.out_cap)
        st = loom_fail(e, LOOM_E_LINK, "%s: %zu words returned, %zu expected",
                       transport_name(h->t), b.out_n, b.out_cap);
    if (!st && !piped) {
        if (n_out)
            memcpy(out, buf, n_out * sizeof *buf);
        if (n_rd)
            memcpy(rd, buf + n_out, n_rd * sizeof *buf);
    }
    free(buf);
    return st;
}

loom_status loom_host_step_read(loom_host *h, const uint32_t *events, size_t n_events,
                                uint32_t cores, uint32_t out_words, uint32_t *out,
                                const uint32_t *rd_addr, size_t n_rd, uint32_t *rd, uint32_t polls,
                                loom_err *e)
{
    return step_exchange(h, 1, 0, events, n_events, 1, cores, out_words, out, rd_addr, n_rd, rd,
                         polls, e);
}

loom_status loom_host_stream_read(loom_host *h, const uint32_t *events, size_t n_events,
                                  int start, uint32_t cores, uint32_t out_words, uint32_t *out,
                                  const uint32_t *rd_addr, size_t n_rd, uint32_t *rd,
                                  uint32_t polls, loom_err *e)
{
    return step_exchange(h, 0, 0, events, n_events, start, cores, out_words, out, rd_addr, n_rd,
                         rd, polls, e);
}

loom_status loom_host_stream_put(loom_host *h, const uint32_t *events, size_t n_events, int start,
                                 uint32_t cores, uint32_t out_words, const uint32_t *rd_addr,
                                 size_t n_rd, uint32_t polls, loom_err *e)
{
    return step_exchange(h, 0, 1, events, n_events, start, cores, out_words, NULL, rd_addr, n_rd,
                         NULL, polls, e);
}

loom_status loom_host_stream_get(loom_host *h, uint32_t *out, size_t n_out, uint32_t *rd,
                                 size_t n_rd, loom_err *e)
{
    loom_status st = loom_host_pipe_words(h, out, n_out, e);
    return st ? st : loom_host_pipe_words(h, rd, n_rd, e);
}

uint32_t loom_host_v_addr(uint32_t core, uint32_t slot)
{
    return LOOM_MAP_CORE_BASE(core) + LOOM_CORE_V + slot;
}

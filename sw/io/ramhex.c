/*
 * ramhex.c -- reading firmware RAM images (ramhex.h).
 */
#include "ramhex.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

loom_status ramhex_read(const char *path, uint32_t *w, size_t cap, size_t *n, loom_err *e)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return loom_fail(e, LOOM_E_IO, "%s: cannot open: %s", path, strerror(errno));
    char line[64];
    size_t k = 0;
    while (fgets(line, sizeof line, f)) {
        char *end;
        unsigned long v = strtoul(line, &end, 16);
        if (end == line || (*end && *end != '\n' && *end != '\r') || v > 0xFFFFFFFFul ||
            strlen(line) > 10) {
            fclose(f);
            return loom_fail(e, LOOM_E_PARSE, "%s:%zu: not a 32-bit hex word", path, k + 1);
        }
        if (k < cap)
            w[k] = (uint32_t)v;
        k++;
    }
    fclose(f);
    *n = k;
    return LOOM_OK;
}

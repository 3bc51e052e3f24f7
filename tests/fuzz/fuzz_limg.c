/* fuzz_limg.c -- libFuzzer harness: the .limg reader (limg_read).  Built
 * twice: as fuzz_limg on the bytes as they come (the CRC check stops most
 * mutants early) and, with -DFUZZ_FIX_CRC, as fuzz_limg_crc, which writes
 * the right CRC-32 into the last 4 bytes first so that mutations reach the
 * header counts, the placement and the segments. */
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "limg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *buf = malloc(size ? size : 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
#ifdef FUZZ_FIX_CRC
    if (size >= 4) {
        uint32_t crc = limg_crc32(0, buf, size - 4);
        for (int b = 0; b < 4; b++)
            buf[size - 4 + b] = (uint8_t)(crc >> (8 * b));
    }
#endif
    const char *p = fuzz_file(buf, size, ".limg");
    free(buf);
    if (!p)
        return 0;
    limg *img = NULL;
    loom_err e;
    if (limg_read(p, &img, &e) == LOOM_OK)
        limg_free(img);
    unlink(p);
    return 0;
}

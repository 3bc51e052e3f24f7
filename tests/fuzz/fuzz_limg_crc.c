/* fuzz_limg_crc.c -- the .limg harness with the CRC fixed up before each
 * read (see fuzz_limg.c), so mutants get past the checksum. */
#define FUZZ_FIX_CRC 1
#include "fuzz_limg.c"

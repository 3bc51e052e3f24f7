/*
 * ramhex.h -- firmware RAM images as boards/fw.mk and loom build write them
 * (one 32-bit hex word per line), read by loom build and the virtual board.
 */
#ifndef RAMHEX_H
#define RAMHEX_H

#include <stddef.h>
#include <stdint.h>

#include "loom_status.h"

/* Reads a RAM image as boards/fw.mk and loom build write it (one 32-bit
 * hex word per line): the first cap words into w, the count of words in
 * *n (which may exceed cap: the caller checks it).  LOOM_E_IO naming the
 * file, LOOM_E_PARSE naming file and line for a line that is not a word. */
loom_status ramhex_read(const char *path, uint32_t *w, size_t cap, size_t *n, loom_err *e);

#endif

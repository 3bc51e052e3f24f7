/*
 * aig_samples.h -- AIGER files shared by the unit tests, as bytes, so that
 * the tests need no data directory.
 */
#ifndef AIG_SAMPLES_H
#define AIG_SAMPLES_H

/* s27 (ISCAS89) in binary AIGER as ABC writes it (../shared/data/aig/seq/s27.aig):
 * 4 inputs, 3 latches, 1 output, 8 AND gates, with a symbol table and a
 * comment section. */
extern const unsigned char s27_aig[];
extern const unsigned int s27_aig_len; /* 231 bytes */

#endif

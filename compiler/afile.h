/*
 * afile.h -- output files that replace their target only when complete.
 *
 * afile_open creates a temporary file next to path ("path.tmpPID"); the
 * caller writes through afile_fp; afile_commit closes it and renames it
 * over path, afile_discard closes and removes it.  So a run that fails half
 * way (bad input at line 5000, a full disk) leaves the previous contents of
 * path as they were, and an output may name a file that was read before.
 * "-" is stdout (never closed); special files (/dev/null, a FIFO, a
 * terminal) and places where no temporary can be made are written
 * directly, as fopen would.
 */
#ifndef AFILE_H
#define AFILE_H

#include <stdio.h>

#include "loom_status.h"

typedef struct afile afile;

/* Opens path for writing (binary-safe).  On success *out is a new afile
 * owned by the caller until afile_commit / afile_discard.  LOOM_E_IO names
 * path and the system's reason (a directory, no such folder). */
loom_status afile_open(const char *path, afile **out, loom_err *e);

/* The stream to write to (valid until commit/discard). */
FILE *afile_fp(afile *a);

/* Flushes, closes and moves the file into place; frees a.  LOOM_E_IO
 * naming the path when any write failed (then path is left untouched).
 * NULL is fine. */
loom_status afile_commit(afile *a, loom_err *e);

/* Closes and removes the temporary (a direct file stays as written); frees
 * a.  NULL is fine. */
void afile_discard(afile *a);

/* Copies the file src to dst (created or truncated, written directly, not
 * through a temporary).  LOOM_E_IO naming the file and the reason. */
loom_status afile_copy(const char *src, const char *dst, loom_err *e);

#endif

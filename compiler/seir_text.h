/*
 * seir_text.h -- the SEIR text form: parsing (seir_parse.c) and canonical
 * printing (seir_print.c) of the network structure of hls_ref/seir.h.
 */
#ifndef SEIR_TEXT_H
#define SEIR_TEXT_H

#include <stddef.h>
#include <stdio.h>

#include "loom_status.h"
#include "seir.h"

/* Parses SEIR text.  `name` is used in diagnostics ("name:line:col: ...").
 * On success *out is a new validated net owned by the caller.  On failure
 * *out is NULL and e holds the first error. */
loom_status seir_parse(const char *text, size_t len, const char *name,
                       seir_net **out, loom_err *e);

/* Reads and parses a file ("-" is stdin). */
loom_status seir_parse_file(const char *path, seir_net **out, loom_err *e);

/* Prints the canonical SEIR text of net.  print(parse(print(x))) is
 * byte-identical to print(x). */
loom_status seir_print(const seir_net *net, FILE *f, loom_err *e);

/* Prints to a file path ("-" is stdout).  A regular file is replaced
 * atomically (temporary file + rename): on any error the old contents stay,
 * and path may be the file the net was read from. */
loom_status seir_print_file(const seir_net *net, const char *path, loom_err *e);

#endif

/*
 * cli_sandbox.h -- libhdf5 can crash, loop or allocate without bound on a
 * corrupt NIR file, so the command line reads such a file first in a child
 * process with CPU and memory limits, and loads it only when the child read
 * it cleanly.  The library itself never forks or exits.
 */
#ifndef CLI_SANDBOX_H
#define CLI_SANDBOX_H

#include "loom_status.h"
#include "model.h"

/* Reads the NIR file `path` in a child process: LOOM_OK when the child read
 * and checked it cleanly (or no process could be made: then the caller
 * reads directly), else the child's error, or LOOM_E_PARSE naming the file
 * when HDF5 crashed, looped or ran out of memory in the child. */
loom_status cli_nir_sandbox(const char *path, loom_err *e);

/* Makes a small copy of this process now that forks cli_nir_sandbox's
 * readers from then on (each file still in a process of its own, with the
 * same limits): for a caller that reads many files after growing large (the
 * NIR fuzzer), where forking the large process itself is the cost.  It
 * exits when this process closes its pipes (exits). */
loom_status cli_sandbox_server_start(loom_err *e);

/* Prints a library warning: "loom: warning: PATH: MSG" on stderr. */
void cli_warn(void *ctx, const char *path, const char *msg);

/* model_load behind the sandbox for NIR files, with library warnings going
 * to cli_warn unless o->warn is set.  Commands call cli_model_open
 * (cli_model.h), the whole preamble; this is for those that report a
 * failure through their own error path (loom run: "stopped after N steps"). */
loom_status cli_model_load(const char *path, const model_opts *o, model *m, loom_err *e);

#endif

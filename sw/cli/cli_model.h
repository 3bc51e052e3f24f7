/*
 * cli_model.h -- command-line options shared by every subcommand that loads
 * a model (compile, sim, info, and anyone else's: cosim, run, ...):
 *
 *   --pipeline                AIGER: pipelined lowering
 *   --dt SECONDS              NIR: timestep (also the Hz conversion of --poisson)
 *   --reset zero|subtract     NIR: reset mode of the quantised neurons
 *   --arch W=8,S=16,A=24,D=15 target architecture (any subset, any order)
 *
 * Both "--opt VALUE" and "--opt=VALUE" are accepted.
 */
#ifndef CLI_MODEL_H
#define CLI_MODEL_H

#include "model.h"
#include "seir.h"

/* If argv[*k] is option `name` ("--steps"), sets *val to its value (the next
 * argument, or the text after '='), advances *k past it and returns 1.
 * Returns 0 when argv[*k] is another option, -1 (message printed, naming
 * cmd) when the value is missing. */
int cli_opt_value(const char *cmd, int argc, char **argv, int *k, const char *name,
                  const char **val);

/* Parses "W=..,S=..,A=..,D=.." into *a (fields not named keep their value)
 * and checks the ranges.  0 on success, -1 with a message naming cmd. */
int cli_parse_arch(const char *cmd, const char *s, seir_arch *a);

/* Consumes one of the model options above at argv[*k] into *o.  Returns 1
 * when consumed (*k advanced past its value), 0 when argv[*k] is not a
 * model option, -1 on a bad value (message printed).  *dt_given / *arch_given
 * (may be NULL) are set to 1 when --dt / --arch is seen. */
int cli_model_option(const char *cmd, int argc, char **argv, int *k, model_opts *o,
                     int *dt_given, int *arch_given);

/* The help lines of the model options (for --help texts). */
extern const char cli_model_help[];

#endif

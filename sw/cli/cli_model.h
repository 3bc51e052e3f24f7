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

#include <stddef.h>

#include "arch_choose.h"
#include "cli.h"
#include "board.h"
#include "cli_opt.h"
#include "jsonw.h"
#include "model.h"
#include "seir.h"
#include "stim.h"

/* A file named on the command line: path (NULL = not given; "-" =
 * stdin/stdout) and what names it in messages ("--out-spikes", "NET"). */
typedef struct cli_file {
    const char *path;
    const char *what;
} cli_file;

/* Checks, before anything is written, that no output would destroy an
 * input (same file, also through another name or a link), that no two
 * outputs are the same file and that at most one output is stdout.
 * 0 if fine, else -1 with a message naming cmd.  Touches no file. */
int cli_check_files(const char *cmd, const cli_file *in, size_t n_in, const cli_file *out,
                    size_t n_out);

/* Parses "W=..,S=..,A=..,D=.." into *a (fields not named keep their value)
 * and checks the ranges.  0 on success, -1 with a message naming cmd. */
int cli_parse_arch(const char *cmd, const char *s, seir_arch *a);

/* Consumes one of the model options above at argv[*k] into *o.  Returns 1
 * when consumed (*k advanced past its value), 0 when argv[*k] is not a
 * model option, -1 on a bad value (message printed).  *dt_given / *arch_given
 * (may be NULL) are set to 1 when --dt / --arch is seen. */
int cli_model_option(const char *cmd, int argc, char **argv, int *k, model_opts *o,
                     int *dt_given, int *arch_given);

/* Refuses model options that would be silently ignored for the input path:
 * --arch and --reset for SEIR (a .seir file declares its arch and
 * profiles), --pipeline for anything but AIGER, --reset for anything but
 * NIR.  Returns 0 when none is, else prints a usage error naming the option
 * and the file and returns -1.  Paths of unknown kind (.limg) pass. */
int cli_model_check_applies(const char *cmd, const char *path, int argc, char **argv);

/* --board of a command that loads a model (loom compile): the arch loom
 * build would choose for it on board (cli_choice.h). */
typedef struct cli_board_choice {
    const board_info *board; /* NULL: no choice, the model options' arch */
    int arch_given;          /* --arch was given: it forces the widths */
    double target;           /* NIR: the agreement the choice must reach */
    arch_choice choice;      /* out: what was chosen and why */
    int chose;               /* out: 1 when a choice was made (not for SEIR) */
} cli_board_choice;

/* The model-loading preamble of every command that takes a model file:
 * refuses the model options in argv that do not apply to path
 * (cli_model_check_applies; argv NULL: none checked), reads an NIR file in
 * the sandbox first (cli_sandbox.h), with bc->board chooses the arch (and
 * sets mo->arch to it), then loads path (model_load; library warnings to
 * stderr unless mo->warn is set).  Returns 0 with *m loaded, else the
 * command's exit code with the message printed ("loom CMD: ...").  *m may be
 * given to model_free either way. */
int cli_model_open(const char *cmd, const char *path, int argc, char **argv, model_opts *mo,
                   cli_board_choice *bc, model *m);

/* The input source of a run of net (loom sim, loom run): --poisson TEXT
 * (cli_parse_poisson; "RATEHz" at the seconds of a step: --dt when given,
 * an NIR file's dt, else 1 ms) drawn with seed, else --inputs FILE, else
 * no input at all.  notes (may be NULL) get the Hz conversion and the
 * "every input is 0" line.  Returns 0 with *src, 2 on a bad --poisson
 * (message printed), 1 with e set. */
int cli_run_source(const char *cmd, const seir_net *net, const char *poisson, const char *inputs,
                   uint64_t seed, const model_opts *mo, int dt_given, model_kind kind, cli_notes *notes,
                   stim_src **src, loom_err *e);

/* Opens the JSON object of a command that ran a model, on stdout
 * (docs/json.md): {"command": cmd, "file": path, "kind": "seir", "aiger"
 * or "nir", ... -- the caller adds its keys and closes it. */
void cli_json_model_begin(jsonw *j, const char *cmd, const char *path, model_kind kind);

/* The help lines of the model options (for --help texts). */
extern const char cli_model_help[];

#endif

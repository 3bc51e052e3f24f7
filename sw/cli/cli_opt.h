/*
 * cli_opt.h -- the command-line option table of the `loom` subcommands.
 *
 * A subcommand declares its options as a table of cli_opt rows (name,
 * kind, bounds, where the value goes) and hands it, with its positional
 * argument and the shared model options (cli_model.h), to cli_parse_args.
 * The rules are the same for every command:
 *   - an option given twice is refused ("option --steps given twice"), unless
 *     the command asks for the last one to count (cli_spec.last_wins);
 *   - both "--opt VALUE" and "--opt=VALUE" are accepted; a VALUE that looks
 *     like an option ("--out-spikes --quiet") is refused (write --opt=-x for
 *     a value that really starts with '-'; "-" and "-1" stay values);
 *   - numbers are parsed strictly (the whole value, in range: cli_parse_*);
 *   - a flag takes no value and matches only exactly ("--json").
 * The help texts stay in each command's usage string (docs/cli.md and
 * tests quote them byte for byte).
 */
#ifndef CLI_OPT_H
#define CLI_OPT_H

#include <stddef.h>
#include <stdint.h>

typedef enum cli_kind {
    CLI_FLAG,   /* no value; dst: int, set to 1 */
    CLI_INT,    /* integer in [imin, imax]; dst: an integer object of `size` bytes */
    CLI_U64,    /* non-negative integer; dst: uint64_t */
    CLI_DOUBLE, /* finite number in [dmin, dmax]; dst: double */
    CLI_STRING, /* any text; dst: const char * */
    CLI_PATH,   /* a file name, not empty ("-" = stdin/stdout); dst: const char * */
    CLI_CUSTOM  /* fn(cmd, name, value, dst) parses the value */
} cli_kind;

/* A CLI_CUSTOM parser: 0 when val is good (stored through dst), else -1
 * with a message naming cmd and opt already printed. */
typedef int (*cli_opt_fn)(const char *cmd, const char *opt, const char *val, void *dst);

typedef struct cli_opt {
    const char *name;   /* "--steps" */
    const char *alias;  /* a second spelling ("-o", "-q") or NULL */
    cli_kind kind;
    int64_t imin, imax; /* CLI_INT bounds */
    double dmin, dmax;  /* CLI_DOUBLE bounds */
    void *dst;          /* where the value goes (see cli_kind) */
    size_t size;        /* CLI_INT: sizeof the destination (1, 2, 4 or 8) */
    cli_opt_fn fn;      /* CLI_CUSTOM */
    int *seen;          /* set to 1 when the option is given (may be NULL) */
    const char **text;  /* the value's text, for the messages of later checks (may be NULL) */
} cli_opt;

/* Destination of a row: `CLI_DST(o.steps)` sets dst and size. */
#define CLI_DST(x) .dst = &(x), .size = sizeof(x)

/* The link options of every command that talks to a board (loom run,
 * loom fly, loom vboard --ping): one set of names and ranges.  The
 * destinations are int64_t. */
#define CLI_LINK_ROWS(baud, timeout_ms, tries)                                                     \
    {"--baud", NULL, CLI_INT, 1200, 12000000, CLI_DST(baud)},                                     \
    {"--timeout-ms", NULL, CLI_INT, 1, 600000, CLI_DST(timeout_ms)},                              \
    {"--tries", NULL, CLI_INT, 1, 1000, CLI_DST(tries)}
#define CLI_PAYLOAD_ROW(max_payload) {"--max-payload", NULL, CLI_INT, 64, 1024, CLI_DST(max_payload)}

/* The inputs and outputs of a run (loom sim, loom run): --poisson RATE
 * (its text: cli_parse_poisson), --inputs FILE, --out-spikes FILE,
 * --out-v FILE.  The destinations are const char *. */
#define CLI_RUN_IO_ROWS(poisson, inputs, out_spikes, out_v)                                        \
    {"--poisson", NULL, CLI_STRING, CLI_DST(poisson)},                                            \
    {"--inputs", NULL, CLI_PATH, CLI_DST(inputs)},                                                \
    {"--out-spikes", NULL, CLI_PATH, CLI_DST(out_spikes)},                                        \
    {"--out-v", NULL, CLI_PATH, CLI_DST(out_v)}

/* The table of a cli_spec: `{.cmd = C, CLI_TABLE(opts), ...}`. */
#define CLI_TABLE(a) .opts = (a), .n_opts = sizeof(a) / sizeof((a)[0])

/* What cli_parse_args needs to know about a command. */
struct model_opts;
typedef struct cli_spec {
    const char *cmd;              /* "sim": messages say "loom sim: ..." */
    const cli_opt *opts;          /* the table */
    size_t n_opts;
    struct model_opts *model;     /* non-NULL: the model options of cli_model.h are accepted */
    int *dt_given, *arch_given;   /* with model: set when --dt / --arch is given (may be NULL) */
    const char **pos;             /* the one positional argument (NULL: none is accepted) */
    const char *pos_twice;        /* message for a second one, two %s: the first and the second */
    const char *usage;            /* the --help text: a printf format with one %s for usage_arg, */
    const char *usage_arg;        /* ... or printed as it is when usage_arg is NULL */
    int last_wins;                /* 1: an option given twice is not refused, its last value
                                     counts (loom evolve: "$A --generations 2" overrides $A) */
} cli_spec;

/* Parses argv[1..argc-1] against s.  Returns 0 when every argument was
 * taken, -1 when --help or -h was given (the usage is printed on stdout;
 * the command exits 0), 2 on a usage error (message printed, naming the
 * command).  So a command says:
 *     int pr = cli_parse_args(&spec, argc, argv);
 *     if (pr)
 *         return pr < 0 ? 0 : pr;
 * (CLI_PARSE_OR_RETURN below). */
int cli_parse_args(const cli_spec *s, int argc, char **argv);

/* The same in a command's own function (one returning its exit code):
 * returns from it when the parse ends the command (0 after --help, 2 after
 * a usage error). */
#define CLI_PARSE_OR_RETURN(spec, argc, argv)                                                      \
    do {                                                                                           \
        int pr_ = cli_parse_args((spec), (argc), (argv));                                          \
        if (pr_)                                                                                   \
            return pr_ < 0 ? 0 : pr_;                                                              \
    } while (0)

/* The pieces cli_parse_args is made of, for commands with their own loop.
 *
 * If argv[*k] is option `name` ("--steps"), sets *val to its value (the next
 * argument, or the text after '='), advances *k past it and returns 1.
 * Returns 0 when argv[*k] is another option, -1 (message printed, naming
 * cmd) when the value is missing or looks like an option. */
int cli_opt_value(const char *cmd, int argc, char **argv, int *k, const char *name,
                  const char **val);

/* Refuses an option given twice ("--steps 5 --steps 9", "-o a -o b"):
 * 0 when every option name in argv[1..] is unique, else -1 with a message
 * naming cmd.  Call it before parsing; call it only when every value that
 * starts with '-' is "-" or a number (cli_opt_value enforces that). */
int cli_no_repeats(const char *cmd, int argc, char **argv);

/* If argv[*k] is one of the n options of tab, stores its value, advances
 * *k and returns 1; 0 when it is none of them; -1 on a bad value (message
 * printed). */
int cli_opt_take(const char *cmd, int argc, char **argv, int *k, const cli_opt *tab, size_t n);

/* CLI_CUSTOM parser of a board name ("--board icebreaker"): dst is a
 * `const board_info *` (board.h); an unknown name is refused with the list
 * of the known ones. */
int cli_opt_board(const char *cmd, const char *opt, const char *val, void *dst);

/* --plant NAME|FILE (loom fly, loom evolve): a known plant's name
 * (flight_plant_find) sets kind, anything else is the blimp's parameter
 * file; each --plant given counts, so a name and a file can be refused
 * together afterwards.  CLI_CUSTOM parser; dst is a cli_plant. */
struct flight_plant;
typedef struct cli_plant {
    const struct flight_plant *kind; /* NULL: no name given */
    const char *file;                /* NULL: no file given */
} cli_plant;
int cli_opt_plant(const char *cmd, const char *opt, const char *val, void *dst);

/* After the parse: *kind, the plant named (the blimp when none was), and
 * *file, the parameter file, which only the blimp takes.  0, or 2 with the
 * message printed. */
int cli_plant_get(const char *cmd, const cli_plant *p, const struct flight_plant **kind, const char **file);

#endif

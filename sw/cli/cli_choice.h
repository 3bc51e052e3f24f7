/*
 * cli_choice.h -- the arch of a build chosen from its model, for the
 * commands that take --board and a model (loom build, loom compile):
 * arch_choose (compiler/arch_choose.h) with the model measured as
 * `loom compile --report` measures it (check/arch_measure.h), and the
 * lines that say what was chosen and why.
 */
#ifndef CLI_CHOICE_H
#define CLI_CHOICE_H

#include <stdio.h>

#include "arch_choose.h"
#include "board.h"
#include "model.h"

/* Chooses the arch of board b for the model at path (forced: --arch was
 * given and mo->arch holds it) and sets mo->arch to its widths and D. */
loom_status cli_choose_arch(const board_info *b, const char *path, model_opts *mo, int forced,
                            double target, arch_choice *out, loom_err *e);

/* The choice in four lines (arch, why, agreement, part left). */
void cli_choice_print(FILE *f, const board_info *b, const arch_choice *c);

#endif

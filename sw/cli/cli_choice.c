/*
 * cli_choice.c -- the arch chosen from the model (cli_choice.h).
 */
#include "cli_choice.h"

#include "arch_measure.h"

loom_status cli_choose_arch(const board_info *b, const char *path, model_opts *mo, int forced,
                            double target, arch_choice *out, loom_err *e)
{
    arch_measure am;
    arch_measure_init(&am, path, mo);
    seir_arch fw = mo->arch;
    loom_status st = arch_choose(b, target, forced ? &fw : NULL, arch_measure_model, &am, out, e);
    arch_measure_free(&am);
    if (st)
        return loom_err_prefix(e, "%s on board %s", path, b->name);
    mo->arch = out->cfg.arch.arch;
    return LOOM_OK;
}

void cli_choice_print(FILE *f, const board_info *b, const arch_choice *c)
{
    char arch[256];
    fprintf(f, "arch      %s (%s)\n", arch_config_str(&c->cfg, arch, sizeof arch),
            c->forced ? "--arch" : c->generic ? "the board's generic arch: its generic bitstream serves" : "chosen for this model");
    fprintf(f, "why       %s\n", c->reason);
    if (c->agreement >= 0)
        fprintf(f, "agreement %.6f (target %.2f)", c->agreement, c->target);
    else
        fprintf(f, "agreement none for this kind of model");
    if (c->have_smaller) {
        fprintf(f, "; the smaller W=%d S=%d A=%d: ", c->smaller.w, c->smaller.s, c->smaller.a);
        if (c->smaller_agreement >= 0)
            fprintf(f, "%.6f, ", c->smaller_agreement);
        fprintf(f, "not taken: %s", c->smaller_why);
    }
    fprintf(f, "\n");
    if (b->fw_ram_bytes) {
        fprintf(f, "part left (board %s runs the array as firmware: loom report gives the utilisation)\n", b->name);
        return;
    }
    fprintf(f, "part left block RAM %d of %u, SPRAM %d of %u, DSP %d of %u, logic cells about %d of %u "
               "(estimates before place and route)\n",
            (int)b->brams - (int)c->used.bram, b->brams, (int)b->sprams - (int)c->used.spram, b->sprams,
            (int)b->dsps - (int)c->used.dsp, b->dsps, (int)b->luts - (int)c->used.luts, b->luts);
}

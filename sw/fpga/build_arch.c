/*
 * build_arch.c -- DIR/arch.json, the arch a build folder's design was made
 * with (build.h build_write_arch; the board's, or the one chosen for the
 * model), read back by build_read_arch and `loom vboard --build DIR`.
 */
#include "build_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

loom_status build_write_arch(const board_info *b, const arch_config *c, const char *dir, loom_err *e)
{
    char path[4096], tmp[4200];
    fmt_to(path, sizeof path, "%s/arch.json", dir);
    fmt_to(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return loom_fail(e, LOOM_E_IO, "%s: cannot create: %s", tmp, strerror(errno));
    const limg_arch *a = &c->arch;
    fprintf(f,
            "{\n  \"board\": \"%s\",\n  \"W\": %d,\n  \"S\": %d,\n  \"A\": %d,\n  \"D\": %d,\n"
            "  \"cores\": %u,\n  \"neurons\": %u,\n  \"syn_words\": %u,\n  \"profiles\": %u,\n"
            "  \"levels\": %u,\n  \"max_inputs\": %u,\n  \"eq\": %u,\n  \"single_port\": %u,\n"
            "  \"flash_offset\": %u\n}\n",
            b->name, a->arch.w, a->arch.s, a->arch.a, a->arch.d, a->cores, a->neurons, a->syn_words,
            a->profiles, a->levels, a->max_inputs, c->eq, c->single_port, b->flash_offset);
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        remove(tmp);
        return loom_fail(e, LOOM_E_IO, "%s: write failed", path);
    }
    return LOOM_OK;
}

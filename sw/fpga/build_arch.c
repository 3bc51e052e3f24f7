/*
 * build_arch.c -- DIR/arch.json, the arch a build folder's design was made
 * with (build.h build_write_arch; the board's, or the one chosen for the
 * model), read back by build_read_arch and `loom vboard --build DIR`.
 */
#include "build_int.h"
#include "report_json.h"

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

loom_status build_read_arch_fields(const char *dir, arch_config *c, loom_err *e)
{
    char path[4096];
    fmt_to(path, sizeof path, "%s/arch.json", dir);
    static const char *const keys[] = {"W", "S", "A", "D", "cores", "neurons", "syn_words", "profiles",
                                       "levels", "max_inputs", "eq", "single_port"};
    double v[12];
    for (int k = 0; k < 12; k++) {
        loom_status st = report_top_num(path, keys[k], &v[k], e);
        if (st)
            return st;
        if (!(v[k] >= 0 && v[k] <= 65536))
            return loom_fail(e, LOOM_E_INVALID, "%s: \"%s\" missing or out of range", path, keys[k]);
    }
    memset(c, 0, sizeof *c);
    c->name = "build";
    c->arch.arch.w = (int)v[0];
    c->arch.arch.s = (int)v[1];
    c->arch.arch.a = (int)v[2];
    c->arch.arch.d = (int)v[3];
    c->arch.cores = (uint32_t)v[4];
    c->arch.neurons = (uint32_t)v[5];
    c->arch.syn_words = (uint32_t)v[6];
    c->arch.profiles = (uint32_t)v[7];
    c->arch.levels = (uint32_t)v[8];
    c->arch.max_inputs = (uint32_t)v[9];
    c->eq = (uint32_t)v[10];
    c->single_port = (uint32_t)v[11];
    return LOOM_OK;
}

loom_status build_read_arch(const char *dir, arch_config *c, loom_err *e)
{
    loom_status st = build_read_arch_fields(dir, c, e);
    if (st)
        return st;
    if ((st = limg_arch_check(&c->arch, e)))
        return loom_err_prefix(e, "%s/arch.json", dir);
    return LOOM_OK;
}

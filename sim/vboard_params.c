/*
 * vboard_params.c -- prints what sim/vboard.mk needs to build the virtual
 * board of a real board from the one table of boards (compiler/board.c), so
 * that `loom vboard --board B` runs B's own top (boards/common/
 * loom_board_core.v) with B's clock, UART and arch config and nothing is
 * copied by hand:
 *
 *   vboard_params -G NAME [-F FWDIR]
 *                           Verilator flags for NAME: --top-module and -G
 *                           parameters of loom_board_core, or for a firmware
 *                           board (fw_ram_bytes > 0) of rtl/loom_mcu.v with
 *                           the image FWDIR/NAME.hex
 *   vboard_params -L NAME   the line VBOARD_BOARD(NAME_ID, "NAME", CLK_HZ, CLKS_PER_BIT)
 *                           (VBOARD_FW_BOARD for a firmware board) for the
 *                           model list of sim/vboard.cpp
 *   vboard_params -n        the board names, one per line
 *   vboard_params -w        the names of the firmware boards, one per line
 *   vboard_params -D NAME   the C -D flags of NAME's firmware (boards/fw.mk):
 *                           arch config, clock, UART, board id, payload,
 *                           RAM (FW_RAM_BYTES below the 32 registers)
 *   vboard_params -c        the simulation configs, one per line
 *   vboard_params -V NAME   Verilator -G flags of rtl/loom_array.v for the
 *                           simulation config NAME (every parameter)
 *   vboard_params -H        rtl/loom_arch.vh: the parameters of every
 *                           hardware board as Verilog `defines, the
 *                           defaults of the board tops
 *   vboard_params -M        the Make form of the table ($(BUILD)/gen/arch.mk):
 *                           LOOM_BOARDS, LOOM_FW_BOARDS, VSIM_CONFIGS and
 *                           VSIM_G_<config>
 */
#include <stdio.h>
#include <string.h>

#include "board.h"

static void array_flags(const limg_arch *a, uint32_t eq, uint32_t sp, uint32_t rbank)
{
    printf("-GW=%d -GS=%d -GA=%d -GD=%d -GK=%u -GN=%u -GSYN=%u -GP=%u -GLMAX=%u -GMAXIN=%u "
           "-GEQ=%u -GSP=%u -GRBANK=%u",
           a->arch.w, a->arch.s, a->arch.a, a->arch.d, a->cores, a->neurons, a->syn_words,
           a->profiles, a->levels, a->max_inputs, eq, sp, rbank);
}

static const arch_config *config_find(const char *name)
{
    for (unsigned i = 0; i < arch_config_count(); i++)
        if (!strcmp(arch_config_at(i)->name, name))
            return arch_config_at(i);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "-c")) {
        for (unsigned i = 0; i < arch_config_count(); i++)
            printf("%s\n", arch_config_at(i)->name);
        return 0;
    }
    if (argc == 2 && !strcmp(argv[1], "-H")) {
        printf("// loom_arch.vh -- GENERATED from compiler/board.c by sim/vboard_params -H; do not edit.\n"
               "// The parameters of every hardware board, the defaults of its board top\n"
               "// (loom build sets all of them again with chparam from the same table).\n");
        for (unsigned i = 0; i < board_count(); i++) {
            const board_info *b = board_at(i);
            if (b->fw_ram_bytes)
                continue;
            char id[64];
            size_t n = 0;
            for (const char *p = b->name; *p && n + 1 < sizeof id; p++)
                id[n++] = (*p == '-') ? '_' : (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
            id[n] = '\0';
            const limg_arch *a = &b->arch;
            const struct { const char *k; unsigned v; } kv[] = {
                {"CLK_HZ", (unsigned)(b->clock_mhz * 1e6 + 0.5)}, {"CLKS_PER_BIT", board_clks_per_bit(b)},
                {"BOARD_ID", b->board_id}, {"MAX_PAYLOAD", b->max_payload}, {"BOOT_BYTES", b->boot_bytes},
                {"W", (unsigned)a->arch.w}, {"S", (unsigned)a->arch.s}, {"A", (unsigned)a->arch.a},
                {"D", (unsigned)a->arch.d}, {"K", a->cores}, {"N", a->neurons}, {"SYN", a->syn_words},
                {"P", a->profiles}, {"LMAX", a->levels}, {"MAXIN", a->max_inputs}, {"EQ", b->eq},
                {"SP", b->single_port}, {"FLASH_OFFSET", b->flash_offset}};
            for (size_t k = 0; k < sizeof kv / sizeof kv[0]; k++)
                printf("`define LOOM_ARCH_%s_%s %u\n", id, kv[k].k, kv[k].v);
        }
        return 0;
    }
    if (argc == 2 && !strcmp(argv[1], "-M")) {
        printf("# GENERATED from compiler/board.c by sim/vboard_params -M; do not edit.\nLOOM_BOARDS :=");
        for (unsigned i = 0; i < board_count(); i++)
            printf(" %s", board_at(i)->name);
        printf("\nLOOM_FW_BOARDS :=");
        for (unsigned i = 0; i < board_count(); i++)
            if (board_at(i)->fw_ram_bytes)
                printf(" %s", board_at(i)->name);
        printf("\nVSIM_CONFIGS :=");
        for (unsigned i = 0; i < arch_config_count(); i++)
            printf(" %s", arch_config_at(i)->name);
        printf("\n");
        for (unsigned i = 0; i < arch_config_count(); i++) {
            const arch_config *c = arch_config_at(i);
            printf("VSIM_G_%s := ", c->name);
            array_flags(&c->arch, c->eq, c->single_port, c->ring_banked);
            printf("\n");
        }
        return 0;
    }
    if (argc == 3 && !strcmp(argv[1], "-V")) {
        const arch_config *c = config_find(argv[2]);
        if (!c) {
            fprintf(stderr, "vboard_params: unknown simulation config '%s'\n", argv[2]);
            return 1;
        }
        array_flags(&c->arch, c->eq, c->single_port, c->ring_banked);
        printf("\n");
        return 0;
    }
    if (argc == 2 && (!strcmp(argv[1], "-n") || !strcmp(argv[1], "-w"))) {
        for (unsigned i = 0; i < board_count(); i++)
            if (argv[1][1] == 'n' || board_at(i)->fw_ram_bytes)
                printf("%s\n", board_at(i)->name);
        return 0;
    }
    const int fw_dir = (argc == 5 && !strcmp(argv[3], "-F"));
    if ((argc != 3 && !fw_dir) ||
        (strcmp(argv[1], "-G") && strcmp(argv[1], "-L") && strcmp(argv[1], "-D"))) {
        fprintf(stderr, "usage: vboard_params -G NAME [-F FWDIR] | -L NAME | -D NAME | -V CONFIG | -n | -w | -c | -M | -H\n");
        return 2;
    }
    loom_err e;
    const board_info *b = board_find(argv[2], &e);
    if (!b) {
        fprintf(stderr, "vboard_params: %s\n", e.msg);
        return 1;
    }
    const limg_arch *a = &b->arch;
    const unsigned clk = (unsigned)(b->clock_mhz * 1e6 + 0.5);
    if (argv[1][1] == 'L') {
        char id[64];
        size_t n = 0;
        for (const char *p = b->name; *p && n + 1 < sizeof id; p++)
            id[n++] = (*p == '-') ? '_' : *p;
        id[n] = '\0';
        printf("VBOARD_%sBOARD(%s, \"%s\", %u, %u)\n", b->fw_ram_bytes ? "FW_" : "", id, b->name, clk,
               board_clks_per_bit(b));
        return 0;
    }
    if (argv[1][1] == 'D') {
        if (!b->fw_ram_bytes) {
            fprintf(stderr, "vboard_params: board %s runs no firmware\n", b->name);
            return 1;
        }
        printf("-DFW_N=%u -DFW_SYN=%u -DFW_D=%d -DFW_W=%d -DFW_S=%d -DFW_A=%d -DFW_P=%u "
               "-DFW_LMAX=%u -DFW_MAXIN=%u -DFW_CLK_HZ=%u -DFW_CLKS_PER_BIT=%u -DFW_BOARD_ID=%u "
               "-DFW_MAX_PAYLOAD=%u -DFW_SP=%u -DFW_RAM_BYTES=%u -DFW_RAM_WORDS=%u\n",
               a->neurons, a->syn_words, a->arch.d, a->arch.w, a->arch.s, a->arch.a, a->profiles,
               a->levels, a->max_inputs, clk, board_clks_per_bit(b), b->board_id, b->max_payload,
               b->single_port, b->fw_ram_bytes - 128, b->fw_ram_bytes / 4);
        return 0;
    }
    if (b->fw_ram_bytes) {
        printf("--top-module loom_mcu -GCLKS_PER_BIT=%u -GRAM_WORDS=%u -GFW_FILE=\"%s/%s.hex\"\n",
               board_clks_per_bit(b), b->fw_ram_bytes / 4, fw_dir ? argv[4] : ".", b->name);
        return 0;
    }
    /* the boot ROM stays in (BOOT_BYTES as built) but empty: the host loads;
     * a flash board reads the flash the virtual board models (sim/vboard.cpp) */
    printf("--top-module loom_board_core -GCLK_HZ=%u -GCLKS_PER_BIT=%u -GBOARD_ID=%u -GMAX_PAYLOAD=%u -GBOOT_BYTES=%u "
           "-GFLASH_OFFSET=%u -GW=%d -GS=%d -GA=%d -GD=%d -GK=%u -GN=%u -GSYN=%u -GP=%u -GLMAX=%u "
           "-GMAXIN=%u -GEQ=%u -GSP=%u\n",
           clk, board_clks_per_bit(b), b->board_id, b->max_payload, b->boot_bytes, b->flash_offset,
           a->arch.w, a->arch.s, a->arch.a, a->arch.d, a->cores, a->neurons, a->syn_words,
           a->profiles, a->levels, a->max_inputs, b->eq, b->single_port);
    return 0;
}

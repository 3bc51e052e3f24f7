/*
 * vboard_dyn.h -- a virtual board for a build folder whose design the
 * built-in models do not hold (`loom vboard --build DIR`): its board top
 * (boards/common/loom_board_core.v) Verilated at run time with DIR's own
 * arch -- and, for a boot-ROM board, DIR's baked boot.hex -- into
 * DIR/vboard/model.so (sim/vboard_dyn.cpp around the model), which
 * sim/vboard.cpp loads (vboard_opts.model_lib).  Cached: an unchanged key
 * (parameters, sources, Verilator) reuses the shared object.  Needs
 * verilator and a C++ compiler at run time (`make deps`), and the source
 * tree's rtl/, boards/ and sim/.
 */
#ifndef VBOARD_DYN_H
#define VBOARD_DYN_H

#include <stddef.h>
#include <stdint.h>

#include "board.h"
#include "loom_status.h"

typedef struct vboard_dyn_arch {
    limg_arch arch;
    uint32_t eq, single_port, flash_offset;
    const char *boot_file; /* a boot-ROM board's baked boot.hex (absolute), or NULL */
} vboard_dyn_arch;

/* Builds (or finds cached) DIR/vboard/model.so for board b with arch a;
 * its path into lib.  Progress lines go to stderr unless quiet (this is
 * the CLI).  LOOM_E_IO naming the tool and its log when a step fails. */
loom_status vboard_dyn_build(const char *dir, const board_info *b, const vboard_dyn_arch *a, int quiet,
                             char *lib, size_t len, loom_err *e);

#endif

// vboard_dyn.cpp -- the entry points of a board model Verilated at run time
// for a build folder's own arch (sw/cli/vboard_dyn.c compiles this file with
// the model Vloom_vb_dyn into DIR/vboard/model.so; sim/vboard.cpp loads it
// with dlopen).  Never compiled into loom itself.
#include <new>

#include "Vloom_vb_dyn.h"
#include "vboard_model.hpp"

extern "C" int loom_vboard_dyn_abi(void)
{
    return VBOARD_MODEL_ABI;
}

extern "C" model_base *loom_vboard_dyn_make(void)
{
    return new (std::nothrow) board_model<Vloom_vb_dyn>();
}

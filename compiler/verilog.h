/*
 * verilog.h -- the Verilog front-end: a design yosys can read (a trained
 * logic network exported as Verilog: LogicNets, difflogic, any netlist) is
 * synthesised by yosys into an AIG and lowered as an AIGER circuit
 * (aig.h), so everything docs/aiger.md says holds for it too.
 *
 * yosys runs as a child process (argv, no shell) in a fresh temporary
 * folder that holds a copy of the design under a fixed name and a script
 * of fixed text: no file name reaches the script, and the top module name
 * (--top) must be a plain identifier.  The folder is removed afterwards.
 *
 * Also: the group-sum head of a logic-network classifier (difflogic's
 * GroupSum): the circuit's outputs, taken in order, form K equal groups,
 * and each class score is the number of 1 outputs in its group.  It maps
 * to K read-out neurons `class[k]` (reset none, no decay: v = the count of
 * this step) that replace the circuit's outputs as `v` outputs.
 */
#ifndef VERILOG_H
#define VERILOG_H

#include "aig.h"
#include "loom_status.h"
#include "model.h"
#include "seir.h"

/* Synthesises path with yosys (top: o->top, else yosys' -auto-top) and
 * lowers the AIG as aig_lower does.  LOOM_E_UNSUPPORTED when yosys is not
 * installed, LOOM_E_PARSE with yosys' last error lines when it rejects the
 * design, LOOM_E_ARG for a top name that is not an identifier. */
loom_status verilog_compile_file(const char *path, const model_opts *o, seir_net **net,
                                 aig_lowering **low, loom_err *e);

/* Replaces the outputs of an AIGER-lowered net by k group-sum read-outs
 * (see above).  LOOM_E_ARG when the circuit's output count is not a
 * multiple of k (the message gives both). */
loom_status verilog_group_sum(seir_net *net, const aig_lowering *low, uint32_t k, loom_err *e);

#endif

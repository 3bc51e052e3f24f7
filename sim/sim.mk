# sim/sim.mk -- Verilator models of rtl/loom_array.v, one per arch config,
# linked into build/bin/loom and the tests behind the C API of sim/vsim.h.
#
# Verilator fixes Verilog parameters at build time, so every config below is
# verilated separately (class prefix Vloom_<name>, objects under
# $(BUILD)/sim/<name>) and selected at run time by vsim_open("<name>").
# Models are built with FST tracing compiled in but off until
# vsim_trace_open, and compiled with -O2 (clang++ when installed, below).
# sim/vsim_patch.sh lets an eval skip the input logic when no input changed
# (sim/vsim.cpp).  Verilator re-runs only when a file of rtl/ or this
# fragment changes.
#
# The configs and their -G flags are rows of the arch table
# (compiler/board.c), written into $(ARCH_MK) as VSIM_CONFIGS and
# VSIM_G_<name>: to add a config, add a row there.

VSIM_DIR  := $(BUILD)/sim
RTL_ARRAY := rtl/loom_array.v rtl/loom_core.v rtl/loom_core_upd.v rtl/loom_core_prof.v rtl/loom_core_dlv.v rtl/loom_core_syn.v rtl/loom_core_ring.v \
             rtl/loom_router.v rtl/loom_seq.v rtl/loom_ram.v rtl/loom_spram.v
RTL_DEPS  := $(RTL_ARRAY) rtl/loom_map.vh sim/sim.mk $(ARCH_MK)
VERILATOR ?= verilator
VERILATOR_ROOT := $(shell $(VERILATOR) --getenv VERILATOR_ROOT 2>/dev/null)
# The models' C++ compiler: clang++ when installed (Debian clang, in
# DEB_PKGS), else $(CXX); the Verilator runtime (rt/) stays with $(CXX),
# which needs no libatomic.  Verilator writes one long straight-line function
# per clock edge, and on the 4-core configs it no longer fits the L1
# instruction cache; clang's code is smaller and faster (docs/performance.md).
VSIM_MODEL_CXX ?= $(or $(shell command -v clang++ 2>/dev/null),$(CXX))
VSIM_OPT  := OPT_FAST=-O2 OPT_SLOW=-O1 OPT_GLOBAL=-O2
VSIM_CXXFLAGS := -std=c++17 -O2 -g -Wall -I$(VERILATOR_ROOT)/include -I$(VERILATOR_ROOT)/include/vltstd \
                 $(addprefix -I,$(LAYER_sim)) -I$(VSIM_DIR) $(foreach c,$(VSIM_CONFIGS),-I$(VSIM_DIR)/$(c))

define VSIM_CONFIG_RULES
$(VSIM_DIR)/$(1)/Vloom_$(1).mk: $(RTL_DEPS) sim/vsim_patch.sh
	@mkdir -p $$(@D)
	$(VERILATOR) --cc -O3 --trace-fst --prefix Vloom_$(1) -Mdir $(VSIM_DIR)/$(1) -Irtl \
	  --top-module loom_array $(VSIM_G_$(1)) $(RTL_ARRAY)
	sh sim/vsim_patch.sh $(VSIM_DIR)/$(1) $(1)
	@touch $$@

$(VSIM_DIR)/$(1)/Vloom_$(1)__ALL.a: $(VSIM_DIR)/$(1)/Vloom_$(1).mk
	+$(MAKE) --no-print-directory -s -C $(VSIM_DIR)/$(1) -f Vloom_$(1).mk Vloom_$(1)__ALL.a $(VSIM_OPT) CXX=$(VSIM_MODEL_CXX)
endef
$(foreach c,$(VSIM_CONFIGS),$(eval $(call VSIM_CONFIG_RULES,$(c))))

VSIM_FIRST := $(firstword $(VSIM_CONFIGS))
VSIM_RT := $(VSIM_DIR)/rt/verilated.o $(VSIM_DIR)/rt/verilated_fst_c.o $(VSIM_DIR)/rt/verilated_threads.o
$(VSIM_DIR)/rt/%.o: $(VSIM_DIR)/$(VSIM_FIRST)/Vloom_$(VSIM_FIRST).mk
	@mkdir -p $(@D)
	+$(MAKE) --no-print-directory -s -C $(VSIM_DIR)/$(VSIM_FIRST) -f Vloom_$(VSIM_FIRST).mk $*.o $(VSIM_OPT)
	cp $(VSIM_DIR)/$(VSIM_FIRST)/$*.o $@

$(VSIM_DIR)/vsim_list.h: sim/sim.mk $(ARCH_MK)
	@mkdir -p $(@D)
	@{ for c in $(VSIM_CONFIGS); do echo "VSIM_MODEL($$c)"; done; } > $@
$(VSIM_DIR)/vsim_includes.h: sim/sim.mk $(ARCH_MK)
	@mkdir -p $(@D)
	@{ for c in $(VSIM_CONFIGS); do echo "#include \"Vloom_$$c.h\""; done; } > $@

VSIM_ARCHIVES := $(foreach c,$(VSIM_CONFIGS),$(VSIM_DIR)/$(c)/Vloom_$(c)__ALL.a)
$(VSIM_DIR)/vsim.o: sim/vsim.cpp sim/vsim.h compiler/limg.h hls_ref/loom_map.h \
                    $(VSIM_DIR)/vsim_list.h $(VSIM_DIR)/vsim_includes.h $(VSIM_ARCHIVES)
	$(CXX) $(VSIM_CXXFLAGS) -c $< -o $@

EXTRA_OBJS   += $(VSIM_DIR)/vsim.o $(VSIM_ARCHIVES) $(VSIM_RT)
EXTRA_LDLIBS += -lz -lpthread
LINK := $(CXX)

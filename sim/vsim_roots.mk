# sim/vsim_roots.mk -- the root class headers of the Verilator models
# (Vloom_<name>___024root.h, one per config of sim/sim.mk), which
# sim/vsim.cpp includes for its one-eval clock tick: it clears the root's
# record of the last clk_i so that a single eval with clk_i = 1 is a
# posedge.  A fragment of its own so that adding it did not touch
# sim/sim.mk, whose every change re-verilates all models.
$(VSIM_DIR)/vsim_roots.h: $(ARCH_MK)
	@mkdir -p $(@D)
	@{ for c in $(VSIM_CONFIGS); do echo "#include \"Vloom_$${c}___024root.h\""; done; } > $@
$(VSIM_DIR)/vsim.o: $(VSIM_DIR)/vsim_roots.h

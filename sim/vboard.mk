# sim/vboard.mk -- Verilator models of rtl/loom_top.v for the virtual board
# (sim/vboard.h, `loom vboard`), one per arch config, linked into loom.
#
# The array parameters of each config are sim/sim.mk's VSIM_G_<name>; the
# link is built for a 12 MHz clock at 3 Mbaud (CLKS_PER_BIT = 4) with
# 512-byte payloads, matching the constants in sim/vboard.cpp.  This file
# sorts after sim/sim.mk, so VSIM_* are defined here.

VBOARD_CONFIGS := c1 c4
VBOARD_DIR  := $(BUILD)/vboard
RTL_TOP     := rtl/loom_top.v rtl/loom_link.v rtl/loom_uart_rx.v rtl/loom_uart_tx.v \
               rtl/loom_crc16.v rtl/loom_link_rx.v rtl/loom_link_tx.v rtl/loom_cmd.v $(RTL_ARRAY)
VBOARD_G    := -GCLK_HZ=12000000 -GCLKS_PER_BIT=4 -GMAX_PAYLOAD=512 -GBOARD_ID=1

define VBOARD_CONFIG_RULES
$(VBOARD_DIR)/$(1)/Vloom_vb_$(1).mk: $(RTL_TOP) rtl/loom_map.vh sim/vboard.mk
	@mkdir -p $$(@D)
	$(VERILATOR) --cc -O3 --prefix Vloom_vb_$(1) -Mdir $(VBOARD_DIR)/$(1) -Irtl \
	  --top-module loom_top $(VBOARD_G) $(VSIM_G_$(1)) $(RTL_TOP)
	@touch $$@

$(VBOARD_DIR)/$(1)/Vloom_vb_$(1)__ALL.a: $(VBOARD_DIR)/$(1)/Vloom_vb_$(1).mk
	+$(MAKE) --no-print-directory -s -C $(VBOARD_DIR)/$(1) -f Vloom_vb_$(1).mk Vloom_vb_$(1)__ALL.a $(VSIM_OPT)
endef
$(foreach c,$(VBOARD_CONFIGS),$(eval $(call VBOARD_CONFIG_RULES,$(c))))

$(VBOARD_DIR)/vboard_list.h: sim/vboard.mk
	@mkdir -p $(@D)
	@{ for c in $(VBOARD_CONFIGS); do echo "VBOARD_MODEL($$c)"; done; } > $@
$(VBOARD_DIR)/vboard_includes.h: sim/vboard.mk
	@mkdir -p $(@D)
	@{ for c in $(VBOARD_CONFIGS); do echo "#include \"Vloom_vb_$$c.h\""; done; } > $@

VBOARD_ARCHIVES := $(foreach c,$(VBOARD_CONFIGS),$(VBOARD_DIR)/$(c)/Vloom_vb_$(c)__ALL.a)
$(VBOARD_DIR)/vboard.o: sim/vboard.cpp sim/vboard.h sw/transport.h $(VBOARD_DIR)/vboard_list.h \
                        $(VBOARD_DIR)/vboard_includes.h $(VBOARD_ARCHIVES)
	$(CXX) $(VSIM_CXXFLAGS) -Isw -I$(VBOARD_DIR) $(foreach c,$(VBOARD_CONFIGS),-I$(VBOARD_DIR)/$(c)) \
	  -c $< -o $@

EXTRA_OBJS += $(VBOARD_DIR)/vboard.o $(VBOARD_ARCHIVES)

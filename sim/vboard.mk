# sim/vboard.mk -- Verilator models for the virtual board (sim/vboard.h,
# `loom vboard`), linked into loom.
#
#   boards    one model per real board: its own top without pins and PLL
#             (boards/common/loom_board_core.v: boot ROM, link, array; or for
#             a firmware board, rtl/loom_mcu.v with the board's firmware
#             image $(BUILD)/fw/NAME.hex) with its clock, UART and arch
#             config, all taken from the board table (compiler/board.c) by
#             $(VBOARD_PARAMS) -- nothing is copied here, so `loom vboard
#             --board B` runs what B's bitstream holds
#   generic   rtl/loom_top.v with sim/sim.mk's VSIM_G_<name> arrays at 12 MHz,
#             3 Mbaud (CLKS_PER_BIT 4), for tests that want a small or
#             multi-core array
#
# A model is rebuilt when the RTL, this file or its board's flags change.
# This file sorts after sim/sim.mk, so VSIM_* are defined here.

VBOARD_BOARDS  := $(LOOM_BOARDS)
VBOARD_CONFIGS := c1 c4
VBOARD_DIR    := $(BUILD)/vboard
VBOARD_PARAMS := $(BUILD)/gen/vboard_params
RTL_LINK      := rtl/loom_link.v rtl/loom_uart_rx.v rtl/loom_uart_tx.v rtl/loom_crc16.v \
                 rtl/loom_link_rx.v rtl/loom_link_tx.v rtl/loom_cmd.v
RTL_TOP       := rtl/loom_top.v $(RTL_LINK) $(RTL_ARRAY)
RTL_BOARD     := boards/common/loom_board_core.v boards/common/loom_board_misc.v \
                 boards/common/loom_boot.v boards/common/loom_flash_boot.v $(RTL_TOP) $(RTL_MCU)
VBOARD_G      := -GCLK_HZ=12000000 -GCLKS_PER_BIT=4 -GMAX_PAYLOAD=512 -GBOARD_ID=0
vb_id = $(subst -,_,$(1))

$(VBOARD_PARAMS): sim/vboard_params.c compiler/board.h $(BUILD)/obj/compiler/board.o \
                  $(BUILD)/obj/hls_ref/loom_status.o
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ sim/vboard_params.c $(BUILD)/obj/compiler/board.o \
	  $(BUILD)/obj/hls_ref/loom_status.o

# the flags of a board, rewritten only when they change
$(VBOARD_DIR)/%.flags: $(VBOARD_PARAMS) FORCE
	@mkdir -p $(@D)
	@$(VBOARD_PARAMS) -G $* -F $(abspath $(FW_OUT)) > $@.tmp && { cmp -s $@.tmp $@ || mv $@.tmp $@; } ; rm -f $@.tmp
	@test -s $@
.PHONY: FORCE
FORCE:

define VBOARD_BOARD_RULES
$(VBOARD_DIR)/$(call vb_id,$(1))/Vloom_vb_$(call vb_id,$(1)).mk: $(RTL_BOARD) rtl/loom_map.vh sim/vboard.mk \
                                                  $(VBOARD_DIR)/$(1).flags $(filter $(FW_OUT)/$(1).hex,$(FW_HEXES))
	@mkdir -p $$(@D)
	$(VERILATOR) --cc -O3 --prefix Vloom_vb_$(call vb_id,$(1)) -Mdir $$(@D) -Irtl \
	  $$$$(cat $(VBOARD_DIR)/$(1).flags) $(RTL_BOARD)
	@touch $$@

$(VBOARD_DIR)/$(call vb_id,$(1))/Vloom_vb_$(call vb_id,$(1))__ALL.a: $(VBOARD_DIR)/$(call vb_id,$(1))/Vloom_vb_$(call vb_id,$(1)).mk
	+$(MAKE) --no-print-directory -s -C $$(@D) -f Vloom_vb_$(call vb_id,$(1)).mk Vloom_vb_$(call vb_id,$(1))__ALL.a $(VSIM_OPT)
endef
$(foreach b,$(VBOARD_BOARDS),$(eval $(call VBOARD_BOARD_RULES,$(b))))

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

# the model list: boards first (the first is the default), then the generic
# configs; the board table must not hold a board this file does not build
$(VBOARD_DIR)/vboard_list.h: sim/vboard.mk $(VBOARD_PARAMS) compiler/board.c
	@mkdir -p $(@D)
	@test "$$($(VBOARD_PARAMS) -n | tr '\n' ' ')" = "$(VBOARD_BOARDS) " || \
	  { echo "sim/vboard.mk: VBOARD_BOARDS ($(VBOARD_BOARDS)) differs from compiler/board.c: $$($(VBOARD_PARAMS) -n | tr '\n' ' ')"; exit 1; }
	@test "$$($(VBOARD_PARAMS) -w | tr '\n' ' ')" = "$(FW_BOARDS) " || \
	  { echo "boards/fw.mk: FW_BOARDS ($(FW_BOARDS)) differs from compiler/board.c: $$($(VBOARD_PARAMS) -w | tr '\n' ' ')"; exit 1; }
	@{ for b in $(VBOARD_BOARDS); do $(VBOARD_PARAMS) -L $$b || exit 1; done; \
	   for c in $(VBOARD_CONFIGS); do echo "VBOARD_MODEL($$c)"; done; } > $@
$(VBOARD_DIR)/vboard_includes.h: sim/vboard.mk
	@mkdir -p $(@D)
	@{ for c in $(foreach b,$(VBOARD_BOARDS),$(call vb_id,$(b))) $(VBOARD_CONFIGS); do \
	   echo "#include \"Vloom_vb_$$c.h\""; done; \
	   for c in $(foreach b,$(FW_BOARDS),$(call vb_id,$(b))); do \
	   echo "#include \"Vloom_vb_$$c""___024root.h\""; done; } > $@

VBOARD_IDS      := $(foreach b,$(VBOARD_BOARDS),$(call vb_id,$(b))) $(VBOARD_CONFIGS)
VBOARD_ARCHIVES := $(foreach c,$(VBOARD_IDS),$(VBOARD_DIR)/$(c)/Vloom_vb_$(c)__ALL.a)
$(VBOARD_DIR)/vboard.o: sim/vboard.cpp sim/vboard.h sim/vboard_model.hpp sw/link/transport.h sw/io/ramhex.h $(VBOARD_DIR)/vboard_list.h \
                        $(VBOARD_DIR)/vboard_includes.h $(VBOARD_ARCHIVES)
	$(CXX) $(VSIM_CXXFLAGS) -I$(VBOARD_DIR) $(foreach c,$(VBOARD_IDS),-I$(VBOARD_DIR)/$(c)) \
	  -c $< -o $@

EXTRA_OBJS += $(VBOARD_DIR)/vboard.o $(VBOARD_ARCHIVES)

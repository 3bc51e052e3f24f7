# sim/rv.mk -- the loom_rv processor of the firmware boards (rtl/loom_rv.v,
# rtl/loom_mcu.v) and its instruction-set selftest.
#
#   $(RV_DIR)/selftest.hex   tests/rtl/rv_selftest.c for rv32i, as the RAM image
#   $(RV_DIR)/selftest_host  the same program for this machine
#   $(RV_DIR)/tb_rv          loom_mcu under Verilator with that image,
#                            printing what the firmware sends on its UART
#
# tests/integration/rv_selftest.sh runs both and compares them.

RTL_MCU  := rtl/loom_mcu.v rtl/loom_rv.v
RV_DIR   := $(BUILD)/rv
RV_CFLAGS := $(RV_BASE_CFLAGS) -Wl,--no-warn-rwx-segments
RV_RAM_WORDS := 1792
RV_TB_SRCS := $(RTL_MCU) rtl/loom_uart_rx.v rtl/loom_uart_tx.v

TEST_TARGETS += $(RV_DIR)/tb_rv $(RV_DIR)/selftest_host

# the firmware's own start-up code and linker script, RAM below the registers
$(RV_DIR)/selftest.elf: tests/rtl/rv_selftest.c boards/icestick/fw/crt0.S boards/icestick/fw/fw.ld \
                        hls_ref/loom_arith.h sim/rv.mk
	@mkdir -p $(@D)
	$(RV_PREFIX)gcc $(RV_CFLAGS) -Ihls_ref -T boards/icestick/fw/fw.ld \
	  -Wl,--defsym=FW_RAM_BYTES=$$(( $(RV_RAM_WORDS) * 4 - 128 )) -o $@ \
	  boards/icestick/fw/crt0.S tests/rtl/rv_selftest.c -lgcc

$(RV_DIR)/selftest.hex: $(RV_DIR)/selftest.elf
	$(call fw_hex,$<,$@,$(RV_RAM_WORDS))

$(RV_DIR)/selftest_host: tests/rtl/rv_selftest.c hls_ref/loom_arith.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -DRV_HOST -Ihls_ref -o $@ $<

$(RV_DIR)/tb_rv: tests/rtl/tb_rv.cpp $(RV_TB_SRCS) $(RV_DIR)/selftest.hex sim/rv.mk
	@mkdir -p $(@D)
	$(VERILATOR) -Wall --cc --exe --build -j 1 -Irtl -Iboards/common --top-module loom_mcu \
	  -GRAM_WORDS=$(RV_RAM_WORDS) -GFW_FILE='"$(abspath $(RV_DIR))/selftest.hex"' \
	  -CFLAGS "-O1 -DCLKS_PER_BIT=4" --Mdir $(RV_DIR)/vl -o $(abspath $@) $(RV_TB_SRCS) \
	  $(CURDIR)/tests/rtl/tb_rv.cpp > $(RV_DIR)/tb_rv.log 2>&1 || { cat $(RV_DIR)/tb_rv.log; exit 1; }


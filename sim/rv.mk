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
RV_CC    := riscv64-unknown-elf-gcc
RV_CFLAGS := -march=rv32i -mabi=ilp32 -Os -ffreestanding -nostdlib -Wall -Wextra -Werror \
             -Wl,--no-warn-rwx-segments
RV_RAM_WORDS := 1792
RV_TB_SRCS := $(RTL_MCU) rtl/loom_uart_rx.v rtl/loom_uart_tx.v

# rv_hex(elf, hex, words): the RAM image for $readmemh, one little-endian
# 32-bit word per line, padded with zeros to `words` lines
define rv_hex
riscv64-unknown-elf-objcopy -O binary $(1) $(2).bin
truncate -s %4 $(2).bin
od -An -v -tx4 -w4 $(2).bin | awk -v n=$(3) '{ print $$1 } END { if (NR > n) exit 1; for (i = NR; i < n; i++) print "00000000" }' > $(2).tmp || { echo "$(1): image larger than $(3) words"; rm -f $(2).tmp; exit 1; }
mv $(2).tmp $(2)
endef

TEST_TARGETS += $(RV_DIR)/tb_rv $(RV_DIR)/selftest_host

$(RV_DIR)/selftest.elf: tests/rtl/rv_selftest.c tests/rtl/rv_crt0.S tests/rtl/rv.ld hls_ref/loom_arith.h
	@mkdir -p $(@D)
	$(RV_CC) $(RV_CFLAGS) -Ihls_ref -T tests/rtl/rv.ld -o $@ tests/rtl/rv_crt0.S tests/rtl/rv_selftest.c -lgcc

$(RV_DIR)/selftest.hex: $(RV_DIR)/selftest.elf
	$(call rv_hex,$<,$@,$(RV_RAM_WORDS))

$(RV_DIR)/selftest_host: tests/rtl/rv_selftest.c hls_ref/loom_arith.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -DRV_HOST -Ihls_ref -o $@ $<

$(RV_DIR)/tb_rv: tests/rtl/tb_rv.cpp $(RV_TB_SRCS) $(RV_DIR)/selftest.hex sim/rv.mk
	@mkdir -p $(@D)
	$(VERILATOR) -Wall --cc --exe --build -j 1 -Irtl -Iboards/common --top-module loom_mcu \
	  -GRAM_WORDS=$(RV_RAM_WORDS) -GFW_FILE='"$(CURDIR)/$(RV_DIR)/selftest.hex"' \
	  -CFLAGS "-O1 -DCLKS_PER_BIT=4" --Mdir $(RV_DIR)/vl -o $(CURDIR)/$@ $(RV_TB_SRCS) \
	  $(CURDIR)/tests/rtl/tb_rv.cpp > $(RV_DIR)/tb_rv.log 2>&1 || { cat $(RV_DIR)/tb_rv.log; exit 1; }

# TEMPORARY until the firmware lands
FW_BOARDS := icestick
FW_DIR := $(BUILD)/fw
FW_HEXES := $(FW_DIR)/icestick.hex
$(FW_DIR)/icestick.hex: $(RV_DIR)/selftest.hex
	@mkdir -p $(@D)
	cp $< $@

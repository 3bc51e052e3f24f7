# boards/fw.mk -- the icestick firmware (boards/icestick/fw, docs/icestick.md).
#
#   make fw        $(BUILD)/fw/icestick.elf and icestick.hex (RV32I, -Os):
#                  the image the icestick's soft CPU runs from its RAM; the
#                  .hex has one 32-bit little-endian word per line (word i =
#                  bytes 4i..4i+3), FW_RAM_WORDS lines, for $readmemh.  The
#                  build fails when the image (code, data, .bss) does not
#                  leave FW_STACK_RESERVE bytes of RAM for the stack.
#
# The same sources are also built for the host (FW_NATIVE) and linked into
# tests/unit/test_fw_icestick.c.  The -D flags come from the board's entry in
# compiler/board.c (`vboard_params -D icestick` writes $(FW_FLAGS), rewritten
# only when they change): the arch config, clock, UART, board id, link
# payload, FW_SP (its single_port), FW_RAM_BYTES (the RAM below the
# processor's 32 registers, rtl/loom_mcu.v) and FW_RAM_WORDS (the whole RAM).
# FW_RX_BYTES, FW_TX_BYTES and FW_WINDOW are the firmware's own link buffers.

FW_DIR := boards/icestick/fw
FW_OUT := $(BUILD)/fw
FW_BOARDS := $(LOOM_FW_BOARDS)
FW_HEXES := $(FW_OUT)/icestick.hex
FW_FLAGS := $(FW_OUT)/icestick.flags
FW_STACK_RESERVE ?= 320
FW_LINK_DEFS := -DFW_RX_BYTES=248 -DFW_TX_BYTES=128 -DFW_WINDOW=4
# recipes only: the flags file is a prerequisite of everything that uses it
FW_DEFS = $$(cat $(FW_FLAGS)) $(FW_LINK_DEFS)
fw_flag = $$(sed -n 's/.*-D$(1)=\([0-9]*\).*/\1/p' $(FW_FLAGS))

$(FW_FLAGS): $(BUILD)/gen/vboard_params FORCE
	@mkdir -p $(@D)
	@$(BUILD)/gen/vboard_params -D icestick > $@.tmp && { cmp -s $@.tmp $@ || mv $@.tmp $@; } ; rm -f $@.tmp
	@test -s $@

RV_PREFIX ?= riscv64-unknown-elf-
# for every rv32i program of the tree (the firmware here, the processor's
# selftest in sim/rv.mk)
RV_BASE_CFLAGS := -march=rv32i -mabi=ilp32 -Os -ffreestanding -nostdlib -Wall -Wextra -Werror
FW_RV_CFLAGS := $(RV_BASE_CFLAGS) -std=c11 -fno-tree-loop-distribute-patterns -ffunction-sections \
                -fdata-sections -msave-restore -flto -fstack-usage
FW_SRCS := $(sort $(wildcard $(FW_DIR)/fw_*.c))
FW_HDRS := $(wildcard $(FW_DIR)/*.h) hls_ref/loom_map.h
FW_NATIVE_SRCS := $(filter-out $(FW_DIR)/fw_main.c,$(FW_SRCS))
FW_NATIVE_OBJS := $(FW_NATIVE_SRCS:$(FW_DIR)/%.c=$(FW_OUT)/native/%.o)
FW_NATIVE_SAN_OBJS := $(FW_NATIVE_SRCS:$(FW_DIR)/%.c=$(FW_OUT)/native-san/%.o)

.PHONY: fw
fw: $(FW_OUT)/icestick.hex

$(FW_OUT)/icestick.elf: $(FW_SRCS) $(FW_DIR)/crt0.S $(FW_DIR)/fw.ld $(FW_HDRS) boards/fw.mk $(FW_FLAGS)
	@mkdir -p $(FW_OUT)
	@command -v $(RV_PREFIX)gcc >/dev/null || { echo "fw: $(RV_PREFIX)gcc not found (make deps installs gcc-riscv64-unknown-elf)"; exit 1; }
	$(RV_PREFIX)gcc $(FW_RV_CFLAGS) $(FW_DEFS) $(addprefix -I,$(LAYER_fw)) -Wl,--gc-sections \
	  -Wl,--defsym=FW_RAM_BYTES=$(call fw_flag,FW_RAM_BYTES) -Wl,--no-warn-rwx-segments \
	  -Wl,-Map=$(FW_OUT)/icestick.map -T $(FW_DIR)/fw.ld $(FW_DIR)/crt0.S $(FW_SRCS) -lgcc -o $@.tmp
	@$(RV_PREFIX)size $@.tmp
	@end=$$(( 0x$$($(RV_PREFIX)nm $@.tmp | awk '$$3 == "__image_end" {print $$1}') )); \
	  ram=$(call fw_flag,FW_RAM_BYTES); limit=$$(( ram - $(FW_STACK_RESERVE) )); \
	  if [ $$end -gt $$limit ]; then \
	    echo "fw: the image needs $$end bytes of RAM (code, data, .bss); FW_RAM_BYTES $$ram minus a stack reserve of $(FW_STACK_RESERVE) leaves $$limit"; \
	    rm -f $@.tmp; exit 1; fi; \
	  echo "fw: image $$end bytes of $$ram, $$(( ram - end )) left for the stack (reserve $(FW_STACK_RESERVE))"
	@mv $@.tmp $@

# fw_hex(elf, hex, words): the RAM image of elf for $readmemh, one 32-bit
# little-endian word per line (word i = bytes 4i..4i+3), `words` lines; fails
# when the image is larger (also sim/rv.mk).  The words past the image (.bss,
# stack) are pseudo-random (awk srand(1): the same every build), so that
# every block RAM of the image differs from the others and `icebram` can
# find them all to swap in a baked image; the last 32 (the processor's
# registers, x0 first) are zero.
define fw_hex
$(RV_PREFIX)objcopy -O binary $(1) $(2).bin
@od -An -v -tx1 -w4 $(2).bin | awk -v words=$(3) \
  '{ b[1] = "00"; b[2] = "00"; b[3] = "00"; b[4] = "00"; for (i = 1; i <= NF; i++) b[i] = $$i; \
     printf "%s%s%s%s\n", b[4], b[3], b[2], b[1]; n++ } \
   END { if (n > words - 32) { print "fw: image larger than RAM" > "/dev/stderr"; exit 1 } \
         srand(1); for (; n < words - 32; n++) printf "%04x%04x\n", int(rand() * 65536), int(rand() * 65536); \
         for (; n < words; n++) print "00000000" }' > $(2).tmp
@mv $(2).tmp $(2)
@rm -f $(2).bin
endef

$(FW_OUT)/icestick.hex: $(FW_OUT)/icestick.elf
	$(call fw_hex,$<,$@,$(call fw_flag,FW_RAM_WORDS))

# host-native build of the same sources, for the unit test
$(FW_OUT)/native/%.o: $(FW_DIR)/%.c $(FW_HDRS) boards/fw.mk $(FW_FLAGS)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -DFW_NATIVE $(FW_DEFS) $(addprefix -I,$(LAYER_fw)) -c $< -o $@

$(FW_OUT)/native-san/%.o: $(FW_DIR)/%.c $(FW_HDRS) boards/fw.mk $(FW_FLAGS)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(SAN_FLAGS) -DFW_NATIVE $(FW_DEFS) $(addprefix -I,$(LAYER_fw)) -c $< -o $@

FW_TEST_FLAGS = -DFW_NATIVE $(FW_DEFS) -I$(FW_DIR) -Itests/support

# (plain C: no Verilator model, so none of EXTRA_OBJS)
$(BUILD)/tests/test_fw_icestick: tests/unit/test_fw_icestick.c $(FW_FLAGS) $(FW_NATIVE_OBJS) $(TEST_SUPPORT_OBJS) $(LIBLOOM)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(FW_TEST_FLAGS) -c $< -o $@.o
	$(CC) $(CFLAGS) -o $@ $@.o $(FW_NATIVE_OBJS) $(TEST_SUPPORT_OBJS) $(LIBLOOM) $(CMOCKA_LIBS) $(LDLIBS)

$(BUILD)/tests-san/test_fw_icestick: tests/unit/test_fw_icestick.c $(FW_FLAGS) $(FW_NATIVE_SAN_OBJS) $(TEST_SUPPORT_SAN_OBJS) $(LIBLOOM_SAN)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) $(FW_TEST_FLAGS) -c $< -o $@.o
	$(CC) $(CFLAGS) $(SAN_FLAGS) -o $@ $@.o $(FW_NATIVE_SAN_OBJS) $(TEST_SUPPORT_SAN_OBJS) $(LIBLOOM_SAN) $(CMOCKA_LIBS) $(LDLIBS)

-include $(FW_NATIVE_OBJS:.o=.d) $(FW_NATIVE_SAN_OBJS:.o=.d)

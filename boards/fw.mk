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
# tests/unit/test_fw_icestick.c.  The -D flags are the icestick entry of
# compiler/board.c (the board table; FW_SP = its single_port).

FW_DIR := boards/icestick/fw
FW_OUT := $(BUILD)/fw
FW_RAM_BYTES ?= 6144
FW_RAM_WORDS := $(shell echo $$(( $(FW_RAM_BYTES) / 4 )))
FW_STACK_RESERVE ?= 384
FW_DEFS := -DFW_N=32 -DFW_SYN=256 -DFW_D=7 -DFW_W=8 -DFW_S=16 -DFW_A=24 -DFW_P=4 \
           -DFW_LMAX=8 -DFW_MAXIN=8 -DFW_CLK_HZ=12000000 -DFW_CLKS_PER_BIT=4 \
           -DFW_BOARD_ID=3 -DFW_MAX_PAYLOAD=128 -DFW_RX_BYTES=248 -DFW_TX_BYTES=256 \
           -DFW_WINDOW=4 -DFW_SP=1
RV_PREFIX ?= riscv64-unknown-elf-
FW_RV_CFLAGS := -march=rv32i -mabi=ilp32 -Os -ffreestanding -nostdlib -std=c11 -Wall -Wextra \
                -Werror -fno-tree-loop-distribute-patterns -ffunction-sections -fdata-sections \
                -msave-restore -flto -fstack-usage
FW_SRCS := $(sort $(wildcard $(FW_DIR)/fw_*.c))
FW_HDRS := $(wildcard $(FW_DIR)/*.h) compiler/loom_map.h
FW_NATIVE_SRCS := $(filter-out $(FW_DIR)/fw_main.c,$(FW_SRCS))
FW_NATIVE_OBJS := $(FW_NATIVE_SRCS:$(FW_DIR)/%.c=$(FW_OUT)/native/%.o)
FW_NATIVE_SAN_OBJS := $(FW_NATIVE_SRCS:$(FW_DIR)/%.c=$(FW_OUT)/native-san/%.o)

.PHONY: fw
fw: $(FW_OUT)/icestick.hex

$(FW_OUT)/icestick.elf: $(FW_SRCS) $(FW_DIR)/crt0.S $(FW_DIR)/fw.ld $(FW_HDRS) boards/fw.mk
	@mkdir -p $(FW_OUT)
	@command -v $(RV_PREFIX)gcc >/dev/null || { echo "fw: $(RV_PREFIX)gcc not found (make deps installs gcc-riscv64-unknown-elf)"; exit 1; }
	$(RV_PREFIX)gcc $(FW_RV_CFLAGS) $(FW_DEFS) -Icompiler -I$(FW_DIR) -Wl,--gc-sections \
	  -Wl,--defsym=FW_RAM_BYTES=$(FW_RAM_BYTES) -Wl,--no-warn-rwx-segments \
	  -Wl,-Map=$(FW_OUT)/icestick.map -T $(FW_DIR)/fw.ld $(FW_DIR)/crt0.S $(FW_SRCS) -lgcc -o $@.tmp
	@$(RV_PREFIX)size $@.tmp
	@end=$$(( 0x$$($(RV_PREFIX)nm $@.tmp | awk '$$3 == "__image_end" {print $$1}') )); \
	  limit=$$(( $(FW_RAM_BYTES) - $(FW_STACK_RESERVE) )); \
	  if [ $$end -gt $$limit ]; then \
	    echo "fw: the image needs $$end bytes of RAM (code, data, .bss); FW_RAM_BYTES $(FW_RAM_BYTES) minus a stack reserve of $(FW_STACK_RESERVE) leaves $$limit"; \
	    rm -f $@.tmp; exit 1; fi; \
	  echo "fw: image $$end bytes of $(FW_RAM_BYTES), $$(( $(FW_RAM_BYTES) - $$end )) left for the stack (reserve $(FW_STACK_RESERVE))"
	@mv $@.tmp $@

$(FW_OUT)/icestick.hex: $(FW_OUT)/icestick.elf
	$(RV_PREFIX)objcopy -O binary $< $@.bin
	@od -An -v -tx1 -w4 $@.bin | awk -v words=$(FW_RAM_WORDS) \
	  '{ b[1] = "00"; b[2] = "00"; b[3] = "00"; b[4] = "00"; for (i = 1; i <= NF; i++) b[i] = $$i; \
	     printf "%s%s%s%s\n", b[4], b[3], b[2], b[1]; n++ } \
	   END { if (n > words) { print "fw: image larger than RAM" > "/dev/stderr"; exit 1 } \
	         for (; n < words; n++) print "00000000" }' > $@.tmp
	@mv $@.tmp $@
	@rm -f $@.bin

# host-native build of the same sources, for the unit test
$(FW_OUT)/native/%.o: $(FW_DIR)/%.c $(FW_HDRS) boards/fw.mk
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -DFW_NATIVE $(FW_DEFS) -I$(FW_DIR) -c $< -o $@

$(FW_OUT)/native-san/%.o: $(FW_DIR)/%.c $(FW_HDRS) boards/fw.mk
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -DFW_NATIVE $(FW_DEFS) -I$(FW_DIR) -c $< -o $@

FW_TEST_FLAGS = -DFW_NATIVE $(FW_DEFS) -I$(FW_DIR) -Itests/support

# (plain C: no Verilator model, so none of EXTRA_OBJS)
$(BUILD)/tests/test_fw_icestick: tests/unit/test_fw_icestick.c $(FW_NATIVE_OBJS) $(TEST_SUPPORT_OBJS) $(LIBLOOM)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(FW_TEST_FLAGS) -c $< -o $@.o
	$(CC) $(CFLAGS) -o $@ $@.o $(FW_NATIVE_OBJS) $(TEST_SUPPORT_OBJS) $(LIBLOOM) $(CMOCKA_LIBS) $(LDLIBS)

$(BUILD)/tests-san/test_fw_icestick: tests/unit/test_fw_icestick.c $(FW_NATIVE_SAN_OBJS) $(TEST_SUPPORT_SAN_OBJS) $(LIBLOOM_SAN)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) $(FW_TEST_FLAGS) -c $< -o $@.o
	$(CC) $(CFLAGS) $(SAN_FLAGS) -o $@ $@.o $(FW_NATIVE_SAN_OBJS) $(TEST_SUPPORT_SAN_OBJS) $(LIBLOOM_SAN) $(CMOCKA_LIBS) $(LDLIBS)

-include $(FW_NATIVE_OBJS:.o=.d) $(FW_NATIVE_SAN_OBJS:.o=.d)

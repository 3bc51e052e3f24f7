# sim/link.mk -- Verilator testbenches of the host link RTL (tests/rtl/),
# built into $(BUILD)/link-rtl and run by tests/integration/link_rtl.sh.
#
#   tb_uart_<N>   loom_uart_rx/tx at CLKS_PER_BIT = N (4 = 3 Mbaud at 12 MHz)
#   tb_link       loom_link (UART + link layer + command unit) against a bus
#                 memory model, cross-checked with sw/link/link.c byte for byte

LINK_RTL_DIR := $(BUILD)/link-rtl
LINK_RTL_SRCS := rtl/loom_uart_rx.v rtl/loom_uart_tx.v rtl/loom_crc16.v rtl/loom_link_rx.v \
                 rtl/loom_link_tx.v rtl/loom_cmd.v rtl/loom_link.v
LINK_UART_CPBS := 4 8 104
LINK_TB_BINS := $(LINK_UART_CPBS:%=$(LINK_RTL_DIR)/tb_uart_%) $(LINK_RTL_DIR)/tb_link
LINK_VERILATE = verilator -Wall --cc --exe --build -j 1 -Irtl -Itests/rtl \
                -CFLAGS "-O1 -I$(CURDIR)/sw/link -I$(CURDIR)/compiler -I$(CURDIR)/hls_ref -I$(CURDIR)/tests/rtl"

TEST_TARGETS += $(LINK_TB_BINS)
.PHONY: link-rtl
link-rtl: $(LINK_TB_BINS)

$(LINK_RTL_DIR)/tb_uart_%: tests/rtl/tb_uart.cpp tests/rtl/tb_common.h tests/rtl/loom_tb_uart.v \
                           rtl/loom_uart_rx.v rtl/loom_uart_tx.v
	@mkdir -p $(@D)
	$(LINK_VERILATE) --top-module loom_tb_uart -GCLKS_PER_BIT=$* --Mdir $(LINK_RTL_DIR)/uart_$* \
	  -o $(CURDIR)/$@ tests/rtl/loom_tb_uart.v rtl/loom_uart_rx.v rtl/loom_uart_tx.v \
	  $(CURDIR)/tests/rtl/tb_uart.cpp >$(LINK_RTL_DIR)/uart_$*.log 2>&1 || { cat $(LINK_RTL_DIR)/uart_$*.log; exit 1; }

$(LINK_RTL_DIR)/tb_link: tests/rtl/tb_link.cpp tests/rtl/tb_common.h $(LINK_RTL_SRCS) \
                         $(BUILD)/obj/sw/link/link.o $(BUILD)/obj/hls_ref/loom_status.o
	@mkdir -p $(@D)
	$(LINK_VERILATE) --top-module loom_link -GCLKS_PER_BIT=4 -GMAX_PAYLOAD=512 -GBOARD_ID=7 \
	  --Mdir $(LINK_RTL_DIR)/link -o $(CURDIR)/$@ $(LINK_RTL_SRCS) $(CURDIR)/tests/rtl/tb_link.cpp \
	  -LDFLAGS "$(CURDIR)/$(BUILD)/obj/sw/link/link.o $(CURDIR)/$(BUILD)/obj/hls_ref/loom_status.o" \
	  >$(LINK_RTL_DIR)/link.log 2>&1 || { cat $(LINK_RTL_DIR)/link.log; exit 1; }

# boards/boards.mk -- bitstreams for real iCE40 boards (docs/boards.md).
#
#   make bitstream [BOARD=icebreaker] [MODEL=net.seir]
#                  $(BUILD)/boards/BOARD/loom.bin through `loom build`
#                  (yosys -> nextpnr-ice40 -> icepack; incremental)
#   make flash [BOARD=icebreaker]
#                  writes that loom.bin to the board's SPI flash with
#                  iceprog (needs the board on USB; never run by CI)
#   make boards    generic bitstreams for every board
#
# BOARD is one of the boards of compiler/board.c (LOOM_BOARDS).

BOARD  ?= icebreaker
MODEL  ?=
BOARDS := $(LOOM_BOARDS)
BOARD_DIR = $(BUILD)/boards/$(BOARD)

.PHONY: bitstream flash boards test-boards
# The full board flow test (tests/integration/board_flow.sh, part of `make
# test` for the icebreaker) for every board of the table.
test-boards: $(LOOM)
	@for b in $(BOARDS); do mkdir -p $(BUILD)/test-work/board_flow_$$b; \
	  LOOM_BUILD_BOARD=$$b LOOM=$(CURDIR)/$(LOOM) WORK=$(CURDIR)/$(BUILD)/test-work/board_flow_$$b \
	    bash tests/integration/board_flow.sh || exit 1; done

bitstream: $(LOOM)
	$(LOOM) build --board $(BOARD) $(MODEL) -o $(BOARD_DIR)
	$(LOOM) report $(BOARD_DIR)

flash: bitstream
	iceprog $(BOARD_DIR)/loom.bin

boards: $(LOOM)
	@for b in $(BOARDS); do $(LOOM) build --board $$b -o $(BUILD)/boards/$$b || exit 1; done

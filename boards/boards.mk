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
# BOARD is one of: icebreaker upduino3 icestick hx8k-breakout.

BOARD  ?= icebreaker
MODEL  ?=
BOARDS := icebreaker upduino3 icestick hx8k-breakout
BOARD_DIR = $(BUILD)/boards/$(BOARD)

.PHONY: bitstream flash boards test-boards
# The full board flow test (synthesis + P&R of the default board).  Not part
# of `make test` until the icebreaker design fits the UP5K: see docs/boards.md.
test-boards: $(LOOM)
	@mkdir -p $(BUILD)/test-work/build_icebreaker
	LOOM=$(CURDIR)/$(LOOM) WORK=$(CURDIR)/$(BUILD)/test-work/build_icebreaker bash tests/boards/build_icebreaker.sh

bitstream: $(LOOM)
	$(LOOM) build --board $(BOARD) $(MODEL) -o $(BOARD_DIR)
	$(LOOM) report $(BOARD_DIR)

flash: bitstream
	iceprog $(BOARD_DIR)/loom.bin

boards: $(LOOM)
	@for b in $(BOARDS); do $(LOOM) build --board $$b -o $(BUILD)/boards/$$b || exit 1; done

# boards/boards.mk -- bitstreams for real iCE40 boards (docs/boards.md).
#
#   make bitstream [BOARD=icebreaker] [MODEL=net.seir]
#                  $(BUILD)/boards/BOARD/loom.bin through `loom build`
#                  (yosys -> nextpnr-ice40 -> icepack; incremental)
#   make flash [BOARD=icebreaker] [MODEL=net.seir]
#                  writes that loom.bin to the board's SPI flash with
#                  iceprog at offset 0, and on a board that boots a baked
#                  model from its flash (DIR/arch.json flash_offset > 0:
#                  the icebreaker, 1 MiB) the model's image DIR/flash.bin
#                  with `iceprog -o OFFSET` -- without a model an erased
#                  block there, so no old image boots (needs the board on
#                  USB; never run by CI)
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
	@off=$$(sed -n 's/.*"flash_offset": \([0-9]*\).*/\1/p' $(BOARD_DIR)/arch.json); \
	if [ "$${off:-0}" -gt 0 ]; then \
	  img=$(BOARD_DIR)/flash.bin; \
	  if [ ! -f "$$img" ]; then img=$(BOARD_DIR)/flash-erased.bin; \
	    head -c 4096 /dev/zero | tr '\000' '\377' > "$$img"; fi; \
	  echo "iceprog -o $$off $$img"; iceprog -o $$off "$$img"; fi

boards: $(LOOM)
	@for b in $(BOARDS); do $(LOOM) build --board $$b -o $(BUILD)/boards/$$b || exit 1; done

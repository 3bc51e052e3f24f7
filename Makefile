# Loom -- the one entry point.
#
#   make deps        install the Debian packages Loom needs (only what is missing)
#   make             build build/bin/loom, build/lib/libloom.a and libloom.so
#   make test        deps + build + every test (unit, sanitizer, integration)
#   make demo        deps + build + the main job
#   make bench       performance figures, one per line: bench <name> <value> <unit>
#   make install PREFIX=/usr/local   (and make uninstall; pkg/pkg.mk)
#
# Sources are discovered, not listed: every .c under hls_ref/, compiler/,
# check/ and sw/ (except sw/cli/) goes into libloom; every sw/cli/cmd_NAME.c is a `loom
# NAME` subcommand; every tests/unit/test_*.c is a cmocka binary.  Parts with
# rules of their own (Verilator models, bitstreams) bring a fragment
# DIR/*.mk that this file includes.

BUILD   ?= build
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
PREFIX  ?= /usr/local
CC      ?= cc
CXX     ?= c++
VERSION := 0.1.0

# ompi-c: Open MPI, for sw/mpi/mpi_farm.c (loom evolve / loom verify under mpirun)
PKG_LIBS   := hdf5 libserialport jansson ompi-c
PKG_CFLAGS := $(shell pkg-config --cflags $(PKG_LIBS) 2>/dev/null)
PKG_LDLIBS := $(shell pkg-config --libs $(PKG_LIBS) 2>/dev/null)
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

WARN     := -Wall -Wextra -Werror
SW_DIRS  := sw/link sw/fpga sw/blimp sw/io sw/mpi sw/cli sw/api

# Layers (docs/architecture.md): the folders each folder's sources may
# include from, lowest first.  A source is compiled with -I for exactly these
# folders, so an include in the wrong direction does not compile
# (tests/integration/layers.sh proves it).  Tests and fragments see all.
LAYER_hls_ref  := hls_ref
LAYER_compiler := hls_ref compiler
LAYER_sw/io    := hls_ref compiler sw/io
LAYER_check    := hls_ref compiler sw/io check
LAYER_sw/blimp := hls_ref sw/blimp
LAYER_sw/mpi   := hls_ref sw/mpi
LAYER_sw/link  := hls_ref compiler sw/io sw/blimp sw/link
LAYER_sw/fpga  := hls_ref compiler sw/io sw/blimp sw/link sw/fpga
LAYER_sim      := hls_ref compiler sw/io sw/blimp sw/link sim
LAYER_fw       := hls_ref boards/icestick/fw
LAYER_sw/api   := include hls_ref compiler sw/io check sw/blimp sw/link sw/fpga sim sw/api
LAYER_sw/cli   := include hls_ref compiler sw/io check sw/blimp sw/mpi sw/link sw/fpga sim sw/api sw/cli $(BUILD)/gen
LAYERS   := hls_ref compiler sw/io check sw/blimp sw/mpi sw/link sw/fpga sim fw sw/api sw/cli
layer_inc = $(addprefix -I,$(LAYER_$(patsubst %/,%,$(dir $(1)))))
INCLUDES := $(addprefix -I,$(LAYER_sw/cli))
CPPFLAGS += -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -DLOOM_VERSION='"$(VERSION)"'
CFLAGS   ?= -O2 -g
BASE_CFLAGS = -std=c11 $(WARN) $(CFLAGS) $(CPPFLAGS) $(PKG_CFLAGS) -MMD -MP
ALL_CFLAGS = $(BASE_CFLAGS) $(INCLUDES)
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDLIBS   += $(PKG_LDLIBS) -lm -lpthread

LIB_SRCS := $(sort $(filter-out sw/cli/%,$(wildcard hls_ref/*.c compiler/*.c check/*.c sw/*/*.c)))
CLI_SRCS := $(sort $(wildcard sw/cli/*.c))
CMD_SRCS := $(sort $(wildcard sw/cli/cmd_*.c))
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
TEST_SUPPORT := $(sort $(wildcard tests/support/*.c))
TEST_SUPPORT_OBJS := $(TEST_SUPPORT:%.c=$(BUILD)/obj/%.o)
TEST_SUPPORT_SAN_OBJS := $(TEST_SUPPORT:%.c=$(BUILD)/san/%.o)

LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
CLI_OBJS := $(CLI_SRCS:%.c=$(BUILD)/obj/%.o)
SAN_LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/san/%.o)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
SAN_UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests-san/%)

LIBLOOM := $(BUILD)/lib/libloom.a
LIBLOOM_SAN := $(BUILD)/lib/libloom-san.a
LOOM := $(BUILD)/bin/loom

# Fragments add to these: objects and libraries linked into loom and the
# tests (e.g. Verilator models), and the linker to use (c++ once C++ joins).
EXTRA_OBJS :=
EXTRA_LDLIBS :=
EXTRA_DEPS :=
LINK := $(CC)

.PHONY: all deps deps-dev test unit-tests demo bench install clean lint help layer-cflags layers arch-lists
all: $(LOOM)

# The arch table (compiler/board.c: boards and simulation configs) in Make
# form: LOOM_BOARDS, LOOM_FW_BOARDS, VSIM_CONFIGS, VSIM_G_<config>.  Written
# by sim/vboard_params -M (make restarts once after writing it).
ARCH_MK := $(BUILD)/gen/arch.mk
ifeq ($(filter clean help deps layers layer-cflags,$(MAKECMDGOALS)),)
-include $(ARCH_MK)
endif
$(ARCH_MK): $(BUILD)/gen/vboard_params
	@$< -M > $@.tmp && { cmp -s $@.tmp $@ || mv $@.tmp $@; }; rm -f $@.tmp

include $(sort $(wildcard */*.mk))

help:
	@sed -n '2,9p' Makefile | sed 's/^# \{0,1\}//'

# ---- dependencies --------------------------------------------------------
DEB_PKGS := build-essential pkg-config verilator yosys nextpnr-ice40 fpga-icestorm \
            iverilog libserialport-dev libcmocka-dev libhdf5-dev berkeley-abc \
            gnuplot-nox zlib1g-dev python3 gcc-riscv64-unknown-elf libjansson-dev \
            python3-numpy python3-pytest clang libopenmpi-dev openmpi-bin \
            python3-brian python3-h5py procps
# Optional, not installed by `make deps`: only tests/data/export/export_snntorch.py
# (re-exporting the committed snnTorch nets) needs it (python3-h5py is in DEB_PKGS
# for tests/integration/nir_out.sh); python3-torch with its
# libtorch pulls in 211 packages, 760 MB (measured here).  `make deps-dev` installs them.
DEV_PKGS := python3-torch
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
deps-dev:
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $(DEV_PKGS)
deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing$$missing"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
	else echo "deps: all $(words $(DEB_PKGS)) packages present"; fi

# ---- library and binary --------------------------------------------------
# A folder with a layer gets its include list; others (tests/support) all.
src_inc = $(or $(call layer_inc,$(1)),$(INCLUDES))
$(BUILD)/obj/%.o: %.c | $(BUILD)/gen/loom_commands.h
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(call src_inc,$<) -c $< -o $@

$(BUILD)/san/%.o: %.c | $(BUILD)/gen/loom_commands.h
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(call src_inc,$<) $(SAN_FLAGS) -c $< -o $@

# The layers and their folders ("LAYER: dirs", one a line) and the flags
# every layer shares, for tests/integration/layers.sh.
layers:
	@$(foreach L,$(LAYERS),echo '$(L): $(LAYER_$(L))';)
layer-cflags:
	@echo -std=c11 $(WARN) $(CPPFLAGS) $(PKG_CFLAGS)

# The Make lists that come from the arch table, for tests/integration/arch_table.sh.
arch-lists:
	@echo "boards: $(BOARDS)"; echo "vboard_boards: $(VBOARD_BOARDS)"
	@echo "fw_boards: $(FW_BOARDS)"; echo "vsim_configs: $(VSIM_CONFIGS)"

$(LIBLOOM): $(LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(LIBLOOM_SAN): $(SAN_LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

# The subcommand table is generated from the file names sw/cli/cmd_NAME.c.
$(BUILD)/gen/loom_commands.h: $(CMD_SRCS) Makefile
	@mkdir -p $(@D)
	@{ for f in $(CMD_SRCS); do n=$${f#sw/cli/cmd_}; echo "LOOM_CMD($${n%.c})"; done; } > $@.tmp
	@cmp -s $@.tmp $@ || mv $@.tmp $@; rm -f $@.tmp

$(LOOM): $(CLI_OBJS) $(LIBLOOM) $(EXTRA_OBJS) $(EXTRA_DEPS)
	@mkdir -p $(@D)
	$(LINK) $(CFLAGS) -o $@ $(CLI_OBJS) $(EXTRA_OBJS) $(LIBLOOM) $(EXTRA_LDLIBS) $(LDLIBS)

# ---- tests ---------------------------------------------------------------
$(BUILD)/tests/%: tests/unit/%.c $(TEST_SUPPORT_OBJS) $(LIBLOOM) $(EXTRA_OBJS) $(EXTRA_DEPS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/support -c $< -o $@.o
	$(LINK) $(CFLAGS) -o $@ $@.o $(TEST_SUPPORT_OBJS) $(EXTRA_OBJS) $(LIBLOOM) $(EXTRA_LDLIBS) $(CMOCKA_LIBS) $(LDLIBS)

$(BUILD)/tests-san/%: tests/unit/%.c $(TEST_SUPPORT_SAN_OBJS) $(LIBLOOM_SAN) $(EXTRA_OBJS) $(EXTRA_DEPS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -Itests/support -c $< -o $@.o
	$(LINK) $(CFLAGS) $(SAN_FLAGS) -o $@ $@.o $(TEST_SUPPORT_SAN_OBJS) $(EXTRA_OBJS) $(LIBLOOM_SAN) $(EXTRA_LDLIBS) $(CMOCKA_LIBS) $(LDLIBS)

unit-tests: $(UNIT_BINS) $(SAN_UNIT_BINS)

test: deps
	@$(MAKE) --no-print-directory -j$(JOBS) all unit-tests $(TEST_TARGETS)
	@BUILD=$(BUILD) tests/run.sh

# ---- demo, bench, install --------------------------------------------------
# The main job (issue 7): the evolved blimp controller; demo-raster stays available.
DEMO ?= demo-blimp
demo: deps
	@$(MAKE) --no-print-directory -j$(JOBS) all
	@$(MAKE) --no-print-directory $(DEMO)

demo-raster: $(LOOM)
	@mkdir -p $(BUILD)/demo
	$(LOOM) gen --seed 1 --neurons 200 --inputs 20 -o $(BUILD)/demo/net.seir
	$(LOOM) sim $(BUILD)/demo/net.seir --steps 500 --poisson 0.05 --seed 1 \
	  --out-spikes $(BUILD)/demo/spikes.csv --plot $(BUILD)/demo/raster.png
	@echo "demo: wrote $(BUILD)/demo/spikes.csv and $(BUILD)/demo/raster.png"

demo-blimp: $(LOOM)
	@mkdir -p $(BUILD)/demo
	$(LOOM) demo blimp --seed 1 --plot $(BUILD)/demo/blimp.png

bench: $(LOOM)
	@for b in $(sort $(wildcard tests/bench/*.sh)); do BUILD=$(BUILD) sh $$b || exit 1; done

# install / uninstall: pkg/pkg.mk

clean:
	rm -rf $(BUILD)

-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d) $(SAN_LIB_OBJS:.o=.d) $(TEST_SUPPORT_OBJS:.o=.d) $(TEST_SUPPORT_SAN_OBJS:.o=.d)

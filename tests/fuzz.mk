# tests/fuzz.mk -- libFuzzer harnesses of the input readers (tests/fuzz/,
# docs/reliability.md), built with Debian's clang under ASan + UBSan:
#
#   make fuzz FUZZ_SECONDS=N   runs every harness N s [60] on its seed corpus
#                              (tests/fuzz/run.sh; crashes land in
#                              $(BUILD)/fuzz/crash-* and fail the run)
#   make test                  runs each for FUZZ_SMOKE_SECONDS (tests/run.sh)
#
# libloom is compiled once more with clang for them ($(BUILD)/fuzz/obj).

FUZZ_CC    ?= clang
FUZZ_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g -O1
FUZZ_SRCS  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS  := $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/fuzz/obj/%.o)
FUZZ_LIB   := $(BUILD)/lib/libloom-fuzz.a
FUZZ_SECONDS ?= 60
TEST_TARGETS += $(FUZZ_BINS)
.PHONY: fuzz

# The simulators that the NIR compile path runs many times in its
# quantisation search (a grown NIR corpus spends most of its time there,
# two thirds of it in comparison callbacks): their code coverage is kept,
# their comparisons are not traced.
FUZZ_NOCMP := hls_ref/ref.c compiler/nir_float.c compiler/nir_qsearch.c compiler/nir_quant.c
$(FUZZ_NOCMP:%.c=$(BUILD)/fuzz/obj/%.o): FUZZ_OBJ_FLAGS := -fno-sanitize-coverage=trace-cmp

$(BUILD)/fuzz/obj/%.o: %.c | $(BUILD)/gen/loom_commands.h
	@mkdir -p $(@D)
	$(FUZZ_CC) -std=c11 $(WARN) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link $(FUZZ_OBJ_FLAGS) $(CPPFLAGS) $(INCLUDES) $(PKG_CFLAGS) -MMD -MP -c $< -o $@

$(FUZZ_LIB): $(FUZZ_LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

# The NIR harness reads through the command line's guard (a child process
# per file, sw/cli/cli_sandbox.c), as `loom` does; its child has 20 ms of CPU
# time (+ 250 ms per MB; not 2 s) before an HDF5 loop counts as one, so that
# loops cost less.
FUZZ_SANDBOX := $(BUILD)/fuzz/obj/sw/cli/cli_sandbox_quiet.o
$(FUZZ_SANDBOX): sw/cli/cli_sandbox.c | $(BUILD)/gen/loom_commands.h
	@mkdir -p $(@D)
	$(FUZZ_CC) -std=c11 $(WARN) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -DLOOM_SANDBOX_QUIET_CHILD -DNIR_CPU_LIMIT_MS=20 $(CPPFLAGS) $(INCLUDES) $(PKG_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/fuzz/fuzz_nir: FUZZ_EXTRA := $(FUZZ_SANDBOX)
$(BUILD)/fuzz/fuzz_nir: $(FUZZ_SANDBOX)

# The NIR harness with a heap overflow planted in front of Loom's NIR reader
# (tests/fuzz/planted_nir_fault.c): fuzz_smoke.sh checks that the guard's
# child does not hide it.
FUZZ_PLANTED := $(BUILD)/fuzz/fuzz_nir_planted
TEST_TARGETS += $(FUZZ_PLANTED)
$(FUZZ_PLANTED): tests/fuzz/fuzz_nir.c tests/fuzz/planted_nir_fault.c tests/fuzz/fuzz_common.h $(FUZZ_SANDBOX) $(FUZZ_LIB)
	@mkdir -p $(@D)
	$(FUZZ_CC) -std=c11 $(WARN) $(FUZZ_FLAGS) -fsanitize=fuzzer $(CPPFLAGS) $(INCLUDES) $(PKG_CFLAGS) \
	  -Itests/fuzz -Wl,--wrap=nir_read_file -o $@ tests/fuzz/fuzz_nir.c tests/fuzz/planted_nir_fault.c \
	  $(FUZZ_SANDBOX) $(FUZZ_LIB) $(LDLIBS)

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h $(FUZZ_LIB)
	@mkdir -p $(@D)
	$(FUZZ_CC) -std=c11 $(WARN) $(FUZZ_FLAGS) -fsanitize=fuzzer $(CPPFLAGS) $(INCLUDES) $(PKG_CFLAGS) \
	  -Itests/fuzz -o $@ $< $(FUZZ_EXTRA) $(FUZZ_LIB) $(LDLIBS)

fuzz: $(FUZZ_BINS) $(LOOM)
	@BUILD=$(BUILD) tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BINS)

-include $(FUZZ_LIB_OBJS:.o=.d)

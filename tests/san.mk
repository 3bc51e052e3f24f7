# tests/san.mk -- the loom command under AddressSanitizer + UndefinedBehavior-
# Sanitizer: build/bin/loom-san, the CLI and libloom compiled with SAN_FLAGS
# (the Verilator models are linked as they are, but for the icebreaker's
# virtual board: see below).  tests/run.sh runs the
# integration tests that feed loom bad input (SAN_INTEGRATION there) against
# it, so their checks for "AddressSanitizer" / "runtime error" can fire.

# The icebreaker's virtual board, the model the faulted-link test drives
# (link_faults_san.sh), is linked into loom-san instrumented as well: its
# Verilator C++ compiled with SAN_FLAGS in a directory of its own (about a
# minute of one core).  The other 14 models stay uninstrumented: compiling a
# model's C++ under ASan + UBSan takes twice as long, and all of them would
# add about 15 minutes of one core to make test (docs/reliability.md).
SAN_VB      := icebreaker
SAN_VB_DIR  := $(BUILD)/san-vboard/$(SAN_VB)
SAN_VB_LIB  := $(SAN_VB_DIR)/Vloom_vb_$(SAN_VB)__ALL.a
SAN_EXTRA_OBJS := $(patsubst $(VBOARD_DIR)/$(SAN_VB)/Vloom_vb_$(SAN_VB)__ALL.a,$(SAN_VB_LIB),$(EXTRA_OBJS))

SAN_CLI_OBJS := $(CLI_SRCS:%.c=$(BUILD)/san/%.o)
LOOM_SAN := $(BUILD)/bin/loom-san
TEST_TARGETS += $(LOOM_SAN)

$(LOOM_SAN): $(SAN_CLI_OBJS) $(LIBLOOM_SAN) $(SAN_EXTRA_OBJS) $(EXTRA_DEPS)
	@mkdir -p $(@D)
	$(LINK) $(CFLAGS) $(SAN_FLAGS) -o $@ $(SAN_CLI_OBJS) $(SAN_EXTRA_OBJS) $(LIBLOOM_SAN) $(EXTRA_LDLIBS) $(LDLIBS)

-include $(SAN_CLI_OBJS:.o=.d)


$(SAN_VB_DIR)/Vloom_vb_$(SAN_VB).mk: $(VBOARD_DIR)/$(SAN_VB)/Vloom_vb_$(SAN_VB).mk
	@mkdir -p $(@D)
	$(VERILATOR) --cc -O3 --prefix Vloom_vb_$(SAN_VB) -Mdir $(@D) -Irtl \
	  $$(cat $(VBOARD_DIR)/$(SAN_VB).flags) $(RTL_BOARD)
	@touch $@

$(SAN_VB_LIB): $(SAN_VB_DIR)/Vloom_vb_$(SAN_VB).mk
	+$(MAKE) --no-print-directory -s -C $(@D) -f Vloom_vb_$(SAN_VB).mk Vloom_vb_$(SAN_VB)__ALL.a \
	  OPT_FAST="-O2 $(SAN_FLAGS)" OPT_SLOW="-O1 $(SAN_FLAGS)" OPT_GLOBAL="-O2 $(SAN_FLAGS)"

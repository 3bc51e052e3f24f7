# tests/san.mk -- the loom command under AddressSanitizer + UndefinedBehavior-
# Sanitizer: build/bin/loom-san, the CLI and libloom compiled with SAN_FLAGS
# (the Verilator models are linked as they are: rebuilding all of them
# instrumented would multiply the build time).  tests/run.sh runs the
# integration tests that feed loom bad input (SAN_INTEGRATION there) against
# it, so their checks for "AddressSanitizer" / "runtime error" can fire.

SAN_CLI_OBJS := $(CLI_SRCS:%.c=$(BUILD)/san/%.o)
LOOM_SAN := $(BUILD)/bin/loom-san
TEST_TARGETS += $(LOOM_SAN)

$(LOOM_SAN): $(SAN_CLI_OBJS) $(LIBLOOM_SAN) $(EXTRA_OBJS) $(EXTRA_DEPS)
	@mkdir -p $(@D)
	$(LINK) $(CFLAGS) $(SAN_FLAGS) -o $@ $(SAN_CLI_OBJS) $(EXTRA_OBJS) $(LIBLOOM_SAN) $(EXTRA_LDLIBS) $(LDLIBS)

-include $(SAN_CLI_OBJS:.o=.d)

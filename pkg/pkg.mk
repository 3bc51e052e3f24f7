# pkg/pkg.mk -- the shared library, installing and uninstalling (docs/install.md).
#
#   make                 also builds $(BUILD)/lib/libloom.so (soname libloom.so.MAJOR)
#   make install [PREFIX=/usr/local] [DESTDIR=stage]
#                        bin/loom, lib/libloom.so*, lib/libloom.a, include/loom/,
#                        lib/pkgconfig/loom.pc, share/loom/ (RTL, boards, firmware,
#                        examples, docs), share/man/man1/loom.1 and the Python
#                        package `loom` in the interpreter's dist-packages; every
#                        file installed is listed in share/loom/install-manifest.txt
#   make uninstall [PREFIX=...] [DESTDIR=...]
#                        removes exactly the files of that manifest
#
# The shared library is built from position-independent objects of the same
# sources as libloom.a ($(BUILD)/pic) and exports only loom_* symbols
# (pkg/libloom.map).

SOMAJOR := $(firstword $(subst ., ,$(VERSION)))
LIBLOOM_SO := $(BUILD)/lib/libloom.so.$(VERSION)
PIC_OBJS := $(LIB_SRCS:%.c=$(BUILD)/pic/%.o)
PYTHON ?= /usr/bin/python3

all: $(LIBLOOM_SO)
TEST_TARGETS += $(LIBLOOM_SO)

$(BUILD)/pic/%.o: %.c | $(BUILD)/gen/loom_commands.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -fPIC -fvisibility=default -c $< -o $@

$(LIBLOOM_SO): $(PIC_OBJS) pkg/libloom.map
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -shared -Wl,-soname,libloom.so.$(SOMAJOR) -Wl,--version-script=pkg/libloom.map \
	  -Wl,--no-undefined -o $@ $(PIC_OBJS) $(LDLIBS)
	ln -sf libloom.so.$(VERSION) $(BUILD)/lib/libloom.so.$(SOMAJOR)
	ln -sf libloom.so.$(SOMAJOR) $(BUILD)/lib/libloom.so

# the man page: pkg/loom.1.in with the command table of `loom --help`
$(BUILD)/man/loom.1: pkg/loom.1.in $(LOOM)
	@mkdir -p $(@D)
	@$(LOOM) --help | sed -n 's/^  \([a-z][a-z]*\)  *\(.*\)/.TP\n.B \1\n\2/p' > $@.cmds
	@sed -e 's|@VERSION@|$(VERSION)|g' -e '/@COMMANDS@/{r $@.cmds' -e 'd}' pkg/loom.1.in > $@
	@rm -f $@.cmds

INSTALL_FW := $(if $(shell command -v $(RV_PREFIX)gcc),$(FW_HEXES))

.PHONY: install uninstall
install: $(LOOM) $(LIBLOOM) $(LIBLOOM_SO) $(BUILD)/man/loom.1 $(INSTALL_FW)
	@DESTDIR='$(DESTDIR)' PREFIX='$(PREFIX)' BUILD='$(BUILD)' VERSION='$(VERSION)' \
	  SOMAJOR='$(SOMAJOR)' PYTHON='$(PYTHON)' FW='$(INSTALL_FW)' \
	  PC_LIBS_PRIVATE='-lm -lpthread' sh pkg/install.sh

uninstall:
	@DESTDIR='$(DESTDIR)' PREFIX='$(PREFIX)' sh pkg/uninstall.sh

-include $(PIC_OBJS:.o=.d)

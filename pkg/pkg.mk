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
# (pkg/libloom.map); the installed libloom.a likewise ($(LIBLOOM_PUB)).

SOMAJOR := $(firstword $(subst ., ,$(VERSION)))
LIBLOOM_SO := $(BUILD)/lib/libloom.so.$(VERSION)
PIC_OBJS := $(LIB_SRCS:%.c=$(BUILD)/pic/%.o)
PYTHON ?= /usr/bin/python3

all: $(LIBLOOM_SO)
TEST_TARGETS += $(LIBLOOM_SO)

$(BUILD)/pic/%.o: %.c | $(BUILD)/gen/loom_commands.h
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(call src_inc,$<) -fPIC -fvisibility=default -c $< -o $@

$(LIBLOOM_SO): $(PIC_OBJS) pkg/libloom.map
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -shared -Wl,-soname,libloom.so.$(SOMAJOR) -Wl,--version-script=pkg/libloom.map \
	  -Wl,--no-undefined -o $@ $(PIC_OBJS) $(LDLIBS)
	ln -sf libloom.so.$(VERSION) $(BUILD)/lib/libloom.so.$(SOMAJOR)
	ln -sf libloom.so.$(SOMAJOR) $(BUILD)/lib/libloom.so

# The installed libloom.a: the library's objects linked into one (ld -r)
# whose only global symbols are loom_* (objcopy), so a static link sees no
# internal names either; $(LIBLOOM) keeps them for loom and the tests.
LIBLOOM_PUB := $(BUILD)/pkg/libloom.a
$(LIBLOOM_PUB): $(LIB_OBJS)
	@mkdir -p $(@D)
	$(LD) -r -o $(@D)/libloom-all.o $(LIB_OBJS)
	objcopy -w --keep-global-symbol='loom_*' $(@D)/libloom-all.o $(@D)/libloom.o
	rm -f $@ $(@D)/libloom-all.o && ar rcs $@ $(@D)/libloom.o

# the man page: pkg/loom.1.in with the command table of `loom --help`
$(BUILD)/man/loom.1: pkg/loom.1.in $(LOOM)
	@mkdir -p $(@D)
	@$(LOOM) --help | sed -n 's/^  \([a-z][a-z]*\)  *\(.*\)/.TP\n.B \1\n\2/p' > $@.cmds
	@sed -e 's|@VERSION@|$(VERSION)|g' -e '/@COMMANDS@/{r $@.cmds' -e 'd}' pkg/loom.1.in > $@
	@rm -f $@.cmds

INSTALL_FW := $(if $(shell command -v $(RV_PREFIX)gcc),$(FW_HEXES))

.PHONY: install uninstall
install: $(LOOM) $(LIBLOOM_PUB) $(LIBLOOM_SO) $(BUILD)/man/loom.1 $(INSTALL_FW)
	@DESTDIR='$(DESTDIR)' PREFIX='$(PREFIX)' BUILD='$(BUILD)' VERSION='$(VERSION)' \
	  SOMAJOR='$(SOMAJOR)' PYTHON='$(PYTHON)' FW='$(INSTALL_FW)' \
	  PC_LIBS_PRIVATE='-lm -lpthread' PC_REQUIRES_PRIVATE='$(PKG_LIBS)' sh pkg/install.sh

uninstall:
	@DESTDIR='$(DESTDIR)' PREFIX='$(PREFIX)' sh pkg/uninstall.sh

-include $(PIC_OBJS:.o=.d)

# migrated: live WAN migration of Xen VMs over LISP.
#
# Non-recursive build.  Every folder that builds something has a module.mk
# that appends to the lists below; the templates at the end turn them into
# rules.  Targets:
#   make              build every program (gcc or clang, -Werror)
#   make check        unit tests, the same under ASan+UBSan, a short fuzz
#                     pass and the integration tests (tests/run.sh)
#   make fuzz         run every libFuzzer target for FUZZ_SECONDS each
#   make install      honours PREFIX and DESTDIR; make uninstall undoes it
#
# Lists a module.mk may append to:
#   LIBS         static libraries: <name>_SRCS  -> $(B)/lib<name>.a
#   SBIN_PROGS   daemons installed in $(SBINDIR)
#   BIN_PROGS    tools installed in $(BINDIR)
#   NOINST_PROGS programs built for tests and the bench only
#   UNIT_TESTS   cmocka programs, linked from <name>_SRCS alone
#   FUZZ_TARGETS libFuzzer programs, <name>_SRCS (clang only)
# For every program: <name>_SRCS, <name>_LIBS (names from LIBS, in link
# order), <name>_PKGS (pkg-config names), <name>_LDLIBS (extra -l flags).

.DEFAULT_GOAL := all

CC       ?= cc
PREFIX   ?= /usr/local
SBINDIR  ?= $(PREFIX)/sbin
BINDIR   ?= $(PREFIX)/bin
LIBEXECDIR ?= $(PREFIX)/lib/migrated
MANDIR   ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
DESTDIR  ?=
PKG_CONFIG ?= pkg-config

B        ?= build
SAN      ?=
FUZZ     ?=
FUZZ_SECONDS ?= 60

WARN     := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes \
            -Wmissing-prototypes -Wno-unused-parameter
CFLAGS   ?= -O2 -g
CPPFLAGS += -D_GNU_SOURCE -Icommon -Ilisp -I.
ALL_CFLAGS = -std=c11 $(WARN) $(CFLAGS)
ifneq ($(SAN),)
ALL_CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LDFLAGS  += -fsanitize=address,undefined
endif
ifneq ($(FUZZ),)
ALL_CFLAGS += -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -DFUZZING
endif

LIBS :=
SBIN_PROGS :=
BIN_PROGS :=
NOINST_PROGS :=
UNIT_TESTS :=
FUZZ_TARGETS :=
INSTALL_HOOKS :=
UNINSTALL_HOOKS :=

include $(sort $(wildcard */module.mk */*/module.mk))

PROGS := $(SBIN_PROGS) $(BIN_PROGS) $(NOINST_PROGS)

.PHONY: all check unit fuzz fuzz-build install uninstall clean deps
all: $(addprefix $(B)/bin/,$(PROGS))

# --- templates -------------------------------------------------------------
objs = $(addprefix $(B)/obj/,$(patsubst %.c,%.o,$(1)))
pkgs_cflags = $(if $(1),$(shell $(PKG_CONFIG) --cflags $(1)))
pkgs_libs = $(if $(1),$(shell $(PKG_CONFIG) --libs $(1)))

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(PKG_CFLAGS_ALL) -MMD -MP -c -o $@ $<

define lib_template
$(B)/lib$(1).a: $(call objs,$($(1)_SRCS))
	@mkdir -p $$(dir $$@)
	rm -f $$@ && $(AR) rcs $$@ $$^
endef

define prog_template
$(B)/bin/$(1): $(call objs,$($(1)_SRCS)) $(foreach l,$($(1)_LIBS),$(B)/lib$(l).a)
	@mkdir -p $$(dir $$@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $$@ $$^ $(call pkgs_libs,$($(1)_PKGS)) $($(1)_LDLIBS)
endef

define fuzz_template
$(B)/fuzz/$(1): $(call objs,$($(1)_SRCS)) $(foreach l,$($(1)_LIBS),$(B)/lib$(l).a)
	@mkdir -p $$(dir $$@)
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer $(LDFLAGS) -o $$@ $$^ $(call pkgs_libs,$($(1)_PKGS)) $($(1)_LDLIBS)
endef

ALL_PKGS := $(sort $(foreach p,$(PROGS) $(UNIT_TESTS) $(FUZZ_TARGETS),$($(p)_PKGS)))
PKG_CFLAGS_ALL := $(call pkgs_cflags,$(ALL_PKGS))

$(foreach l,$(LIBS),$(eval $(call lib_template,$(l))))
$(foreach p,$(PROGS) $(UNIT_TESTS),$(eval $(call prog_template,$(p))))
$(foreach p,$(FUZZ_TARGETS),$(eval $(call fuzz_template,$(p))))

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)

# --- tests -----------------------------------------------------------------
unit: $(addprefix $(B)/bin/,$(UNIT_TESTS))
	@tests/run-unit.sh $(B)/bin $(UNIT_TESTS)

fuzz-build:
	$(MAKE) CC=clang B=build-fuzz FUZZ=1 $(addprefix build-fuzz/fuzz/,$(FUZZ_TARGETS))

fuzz: fuzz-build
	@tests/run-fuzz.sh build-fuzz/fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

check:
	@tests/run.sh

deps:
	scripts/install-deps.sh

# --- install ---------------------------------------------------------------
install: all $(INSTALL_HOOKS)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR)
	$(if $(SBIN_PROGS),install -m 755 $(addprefix $(B)/bin/,$(SBIN_PROGS)) $(DESTDIR)$(SBINDIR)/)
	$(if $(BIN_PROGS),install -m 755 $(addprefix $(B)/bin/,$(BIN_PROGS)) $(DESTDIR)$(BINDIR)/)

uninstall: $(UNINSTALL_HOOKS)
	rm -f $(addprefix $(DESTDIR)$(SBINDIR)/,$(SBIN_PROGS)) $(addprefix $(DESTDIR)$(BINDIR)/,$(BIN_PROGS))

clean:
	rm -rf build build-asan build-clang build-fuzz

print-%:
	@echo '$($*)'

# tests/lib/: the xenstored test fixture (tests and bench only, never
# installed).  xs_ctl and xs_watch_dump are libxenstore clients, xs_guest
# speaks as a guest over its ring page; xs_shim.so
# is the LD_PRELOAD shim that runs Debian's xenstored 4.17 without a
# hypervisor (see tests/lib/xenstored.sh).  The shim is built without
# sanitizers (it is preloaded into an uninstrumented xenstored) and with
# -std=gnu11 (xenctrl.h's foreign headers need GNU C for __align8__).
NOINST_PROGS += xs_ctl xs_watch_dump xs_guest
xs_ctl_SRCS := tests/lib/xs_ctl.c
xs_ctl_PKGS := xenstore
xs_watch_dump_SRCS := tests/lib/xs_watch_dump.c
xs_watch_dump_PKGS := xenstore
# xs_guest: a guest domain's requests over its own ring (the shim's
# rings/<domid>), checked by xenstored with the guest's permissions
xs_guest_SRCS := tests/lib/xs_guest.c

# Listed before the rule below so this file never sets the default goal.
all: $(B)/lib/xs_shim.so

$(B)/lib/xs_shim.so: tests/lib/xs_shim.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(filter-out -std=% -fsanitize% -fno-sanitize%,$(ALL_CFLAGS)) \
		-std=gnu11 -fPIC -shared -o $@ $< -ldl

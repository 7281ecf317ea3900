# systemd/: units for the two daemons, and their configuration files.
# The units name /usr/local/sbin and /etc; install rewrites them to SBINDIR
# and SYSCONFDIR.  Configuration files (etc/xen/xtrd.conf, migrated.conf,
# the domU example xlexample.lisp-pvh and the two-datacenter example) go to
# SYSCONFDIR/xen, mode 0600 (they hold Map-Server keys), and never replace
# a file already there: an upgrade keeps the operator's configuration (a
# DESTDIR install starts from nothing, so it gets them all).  Uninstall
# removes a configuration file only if it is still the shipped one.
SYSTEMDUNITDIR ?= /lib/systemd/system
SYSUSERSDIR ?= /usr/lib/sysusers.d
UNITS := systemd/xtrd.service systemd/migrated.service
XEN_CONFS := $(wildcard etc/xen/xtrd.conf etc/xen/migrated.conf \
	etc/xen/xlexample.lisp-pvh)
XEN_EXAMPLES := $(wildcard etc/xen/two-datacenters/*)

INSTALL_HOOKS += install-systemd install-xen-confs
UNINSTALL_HOOKS += uninstall-systemd uninstall-xen-confs
.PHONY: install-systemd uninstall-systemd install-xen-confs \
	uninstall-xen-confs

install-systemd:
	install -d $(DESTDIR)$(SYSTEMDUNITDIR)
	for u in $(UNITS); do \
		sed -e 's|/usr/local/sbin/|$(SBINDIR)/|g' \
		    -e 's|/etc/xen/|$(SYSCONFDIR)/xen/|g' $$u \
		    > $(DESTDIR)$(SYSTEMDUNITDIR)/$${u#systemd/} && \
		chmod 644 $(DESTDIR)$(SYSTEMDUNITDIR)/$${u#systemd/} || exit 1; \
	done
	install -d $(DESTDIR)$(SYSUSERSDIR)
	install -m 644 systemd/migrated.sysusers $(DESTDIR)$(SYSUSERSDIR)/migrated.conf
	if [ -z "$(DESTDIR)" ] && command -v systemd-sysusers >/dev/null; then \
		systemd-sysusers $(SYSUSERSDIR)/migrated.conf; \
	fi

uninstall-systemd:
	rm -f $(patsubst systemd/%,$(DESTDIR)$(SYSTEMDUNITDIR)/%,$(UNITS))
	rm -f $(DESTDIR)$(SYSUSERSDIR)/migrated.conf

install-xen-confs:
	install -d -m 755 $(DESTDIR)$(SYSCONFDIR)/xen/two-datacenters
	for f in $(XEN_CONFS) $(XEN_EXAMPLES); do \
		d=$(DESTDIR)$(SYSCONFDIR)/xen/$${f#etc/xen/}; \
		if [ -e $$d ]; then echo "keeping $$d"; \
		else install -m 600 $$f $$d || exit 1; fi; \
	done

uninstall-xen-confs:
	for f in $(XEN_CONFS) $(XEN_EXAMPLES); do \
		d=$(DESTDIR)$(SYSCONFDIR)/xen/$${f#etc/xen/}; \
		if cmp -s $$f $$d; then rm -f $$d; \
		elif [ -e $$d ]; then echo "keeping changed $$d"; fi; \
	done
	-rmdir $(DESTDIR)$(SYSCONFDIR)/xen/two-datacenters 2>/dev/null

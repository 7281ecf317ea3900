# hooks/: the Xen side of `make install`: the vif hotplug script and its
# vif-post.d hook (next to Debian's vif-bridge, in XEN_SCRIPTDIR), and the
# xl migrate wrapper (scripts/xl-migrate-lisp, in SBINDIR next to xl).
# Installing vif-post.d/lisp.hook makes Debian's vif-bridge report every
# vif to migrated, whatever script the domain config names.
XEN_SCRIPTDIR ?= $(SYSCONFDIR)/xen/scripts

INSTALL_HOOKS += install-xen-scripts
UNINSTALL_HOOKS += uninstall-xen-scripts
.PHONY: install-xen-scripts uninstall-xen-scripts

install-xen-scripts:
	install -d $(DESTDIR)$(XEN_SCRIPTDIR)/vif-post.d $(DESTDIR)$(SBINDIR)
	install -m 755 hooks/vif-lisp $(DESTDIR)$(XEN_SCRIPTDIR)/vif-lisp
	install -m 755 hooks/vif-post.d/lisp.hook \
		$(DESTDIR)$(XEN_SCRIPTDIR)/vif-post.d/lisp.hook
	install -m 755 scripts/xl-migrate-lisp $(DESTDIR)$(SBINDIR)/xl-migrate-lisp

uninstall-xen-scripts:
	rm -f $(DESTDIR)$(XEN_SCRIPTDIR)/vif-lisp \
		$(DESTDIR)$(XEN_SCRIPTDIR)/vif-post.d/lisp.hook \
		$(DESTDIR)$(SBINDIR)/xl-migrate-lisp
	-rmdir $(DESTDIR)$(XEN_SCRIPTDIR)/vif-post.d 2>/dev/null

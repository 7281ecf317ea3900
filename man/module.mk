# man/: manual pages, installed to MANDIR/man<section>/.
MAN_PAGES := $(wildcard man/*.1 man/*.5 man/*.8)

INSTALL_HOOKS += install-man
UNINSTALL_HOOKS += uninstall-man
.PHONY: install-man uninstall-man

install-man:
	for p in $(MAN_PAGES); do \
		s=$${p##*.}; \
		install -d $(DESTDIR)$(MANDIR)/man$$s && \
		install -m 644 $$p $(DESTDIR)$(MANDIR)/man$$s/ || exit 1; \
	done

uninstall-man:
	for p in $(MAN_PAGES); do \
		rm -f $(DESTDIR)$(MANDIR)/man$${p##*.}/$${p#man/}; \
	done

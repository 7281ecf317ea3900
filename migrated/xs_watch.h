/*
 * xs_watch.h: xenstore through libxenstore.  Watches:
 *   @introduceDomain, @releaseDomain       rescan / check existence
 *   /local/domain/0/backend/vif            vif backends (mac, bridge,
 *                                          hotplug-status, vifname)
 *   /local/domain/<id>/name                per known domain: renames
 *   /local/domain/<id>/device/vif          per known domain: netfront state,
 *                                          the guest's own keys: read only
 *                                          for vifs the backend directory
 *                                          made, never creating one
 * Every value read is checked (length, NUL bytes, MAC text, known bridge)
 * and a bad one is counted under its own name (xs_*), logged once, ignored.
 */
#ifndef MIG_XS_WATCH_H
#define MIG_XS_WATCH_H

#include "migrated.h"

#define XSW_MAXVAL	256

int	xsw_open(struct mig *);
int	xsw_fd(struct mig *);
/* Rebuild the table from xenstore (at_startup: after a (re)start). */
void	xsw_scan(struct mig *, int at_startup);
/* Handle every pending watch event. */
void	xsw_dispatch(struct mig *);
/*
 * Read the domain's name now and apply a rename (mig_domain_renamed()),
 * ahead of the watch event that may still be queued; never releases d.
 * -1 if the name is absent or unusable (the watch event will tell).
 */
int	xsw_read_name(struct mig *, struct domain *);
/* 0 when the connection to xenstored is gone. */
int	xsw_alive(struct mig *);
void	xsw_close(struct mig *);

#endif

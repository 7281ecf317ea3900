/*
 * lifecycle.c: a domain's life as xenstore tells it (xs_watch.c): seen,
 * renamed, released.  domains.c says what each event means; this file
 * hands it to the arrival side (arrival.c), the departure side
 * (departure.c) or the jobs at xtrd (jobs.c).
 */
#include <stdio.h>

#include "capture.h"
#include "counters.h"
#include "log.h"
#include "mono.h"
#include "mover.h"
#include "timeline.h"

void
mig_domain_seen(struct mig *m, uint32_t domid, const char *xsname,
    int at_startup)
{
	struct domain	*d;
	struct hv_info	 hi;
	enum dom_ev	 ev;
	struct ipaddr	 eids[CONF_MAXEID];
	int		 i, n;

	if ((d = dom_add(&m->doms, domid, xsname, at_startup, &ev)) == NULL) {
		mcnt_drop(&m->mcnt, "domain_table_full", "domid %u not tracked",
		    domid);
		return;
	}
	d->t_seen_us = mono_us();
	if (hv_info(&m->hv, domid, &hi) == 0)
		snprintf(d->uuid, sizeof(d->uuid), "%s", hi.uuid);
	log_info("domain %u '%s' (%s): %s", domid, xsname,
	    d->uuid[0] ? d->uuid : "no uuid", dom_ev_name(ev));
	switch (ev) {
	case DEV_NEW_INCOMING:
	case DEV_NEW_RUNNING:
		d->tl = mtl_begin(&m->mtl, d->name, "in", d->t_seen_us);
		mtl_add(&m->mtl, d->tl, d->t_seen_us, "domain-seen", "domid "
		    "%u%s", domid, ev == DEV_NEW_RUNNING ? " (created)" : "");
		if (ev == DEV_NEW_INCOMING)
			mig_expect_eids(m, d, MIG_EXPECT);
		break;
	case DEV_NEW_MIGRATEDAWAY:
		/* leaving (or gone) already: never asserted from here again,
		 * taken back only if xl renames it back */
		d->tl = mtl_begin(&m->mtl, d->name, "out", d->t_seen_us);
		mtl_add(&m->mtl, d->tl, d->t_seen_us, "departing", "domid %u "
		    "(found at start-up)", domid);
		mig_redirect_eids(m, d);
		break;
	case DEV_NEW_OWNED:
		n = mig_eids(m, d, eids, CONF_MAXEID);
		for (i = 0; i < n; i++)
			mig_push_eid(m, d, &eids[i], 0);
		break;
	default:
		break;
	}
}

void
mig_domain_renamed(struct mig *m, struct domain *d, const char *xsname)
{
	char		old[DOM_XSNAMELEN];
	enum dom_ev	ev;

	snprintf(old, sizeof(old), "%s", d->xsname);
	ev = dom_rename(d, xsname);
	if (ev == DEV_NONE)
		return;
	log_info("domain %u renamed '%s' -> '%s': %s", d->domid, old, xsname,
	    dom_ev_name(ev));
	switch (ev) {
	case DEV_UNPAUSED:
		mtl_add(&m->mtl, d->tl, mono_us(), "unpaused", "renamed from "
		    "%s", old);
		mig_register_early(m, d);
		break;
	case DEV_DEPARTING:
		if (!d->suspended)
			d->tl = mtl_begin(&m->mtl, d->name, "out", mono_us());
		d->suspended = 0;
		mtl_add(&m->mtl, d->tl, mono_us(), "departing", "domid %u",
		    d->domid);
		mig_redirect_eids(m, d);
		break;
	case DEV_RETURNED:
		/* The source keeps everything and takes the EIDs back
		 * (registered again, with SMRs). */
		mcnt_inc(&m->mcnt, "migrations_aborted_out");
		mtl_add(&m->mtl, d->tl, mono_us(), "aborted", "renamed back; "
		    "keeping EIDs");
		mig_reclaim_eids(m, d);
		d->nmoved = 0;
		break;
	default:
		break;
	}
}

void
mig_domain_gone(struct mig *m, struct domain *d)
{
	struct ipaddr	eids[CONF_MAXEID + DOM_MAXDYN];
	enum dom_ev	ev = dom_release(d);
	int		i, n;

	log_info("domain %u '%s' released: %s", d->domid, d->xsname,
	    dom_ev_name(ev));
	switch (ev) {
	case DEV_DEPARTED:
	case DEV_SHUTDOWN:
		mtl_add(&m->mtl, d->tl, mono_us(), "released", "%s",
		    ev == DEV_DEPARTED ? "moved" : "shut down");
		if (d->redirected)
			break;	/* withdrawn at suspend already */
		n = mig_eids(m, d, eids, CONF_MAXEID + DOM_MAXDYN);
		for (i = 0; i < n; i++)
			mig_withdraw_eid(m, d, &eids[i]);
		break;
	case DEV_ABORTED_IN:
		mcnt_inc(&m->mcnt, "migrations_aborted_in");
		mtl_add(&m->mtl, d->tl, mono_us(), "aborted", "incoming domain "
		    "destroyed%s", d->early ? " after the rename" : "");
		mig_expect_eids(m, d, MIG_EXPECT_CANCEL);
		/* registered at the rename, never arrived: take it back */
		if (!d->early)
			break;
		n = mig_eids(m, d, eids, CONF_MAXEID + DOM_MAXDYN);
		for (i = 0; i < n; i++)
			mig_withdraw_eid(m, d, &eids[i]);
		break;
	default:
		break;
	}
	for (i = 0; i < DOM_MAXVIF; i++)
		if (d->vifs[i].used && d->vifs[i].cap_all)
			mig_vif_capture(m, d, &d->vifs[i], 0);
	n = d->ndyn;
	dom_free(&m->doms, d);
	if (n > 0)
		mig_dyn_save(m);
}

/*
 * departure.c: a guest leaving this host.  Its EIDs are handed to the
 * destination (POST /v1/database/remove with moved_to, jobs.c) at the
 * suspend when POST /v1/departure named it, else at the rename to
 * --migratedaway; taken back (registered again, with SMRs) when xl
 * renames it back or resumes it here.
 */
#include <errno.h>
#include <stdio.h>

#include "counters.h"
#include "log.h"
#include "mono.h"
#include "mover.h"
#include "timeline.h"
#include "xtr_client.h"

/*
 * The guest stopped here: hand its EIDs over now, while the last memory
 * round is still in flight.  With its destination known (POST
 * /v1/departure from xl-migrate-lisp) xtrd's away entry redirects every
 * packet that still arrives instead of delivering it to a suspended
 * guest.  Without (a plain xl migrate) xtrd keeps the Map-Server's
 * registration, unrefreshed, until the destination registers (the
 * mobility Map-Notify names it and makes the away entry); kept as a live
 * mapping, its refresh took the EID back from the destination once per
 * register_interval until the release.  xl renames to --migratedaway only
 * once the receiver holds the domain (xl_migrate.c, migrate_domain), so
 * the new site is ready for it.  If xl renames back (a failed "go"),
 * mig_reclaim_eids() takes the EIDs back.
 */
void
mig_redirect_eids(struct mig *m, struct domain *d)
{
	struct ipaddr	eids[CONF_MAXEID + DOM_MAXDYN];
	char		buf[IPADDR_STRLEN];
	uint64_t	t = mono_us();
	int		n;

	if (d->redirected)
		return;
	d->redirected = 1;
	n = mig_eids(m, d, eids, CONF_MAXEID + DOM_MAXDYN);
	mig_withdraw_eids(m, d, eids, n);
	/* Issue 18: until xtrd's away entry is in, what reaches this site
	 * goes to a guest that stopped taking it.  So the request, one for
	 * all its EIDs, is written now (connect and write), not at the next
	 * turn of the loop, and the timeline's lines (a log write each) come
	 * after it, with the time the decision was taken. */
	xtrc_tick(m->xtr, mono_ms());
	if (d->nmoved == 0)
		mtl_add(&m->mtl, d->tl, t, "redirecting", "to the site "
		    "that registers them next (no departure announced)");
	else
		mtl_add(&m->mtl, d->tl, t, "redirecting", "to %s%s",
		    ipaddr_fmt(&d->moved_to[0], buf, sizeof(buf)),
		    d->nmoved > 1 ? " ..." : "");
}

/*
 * Renamed back (a failed "go"): register the EIDs again from here, with
 * SMRs, whether or not they were handed over at the suspend: the
 * destination may have registered them at its rename (register_at =
 * rename) before it failed.
 */
void
mig_reclaim_eids(struct mig *m, struct domain *d)
{
	struct ipaddr	eids[CONF_MAXEID + DOM_MAXDYN];
	int		i, n;

	d->redirected = 0;
	n = mig_eids(m, d, eids, CONF_MAXEID + DOM_MAXDYN);
	for (i = 0; i < n; i++)
		mig_push_eid(m, d, &eids[i], 1);
}

/*
 * libxl waits this long for a guest to suspend once asked
 * (libxl_dom_suspend.c, domain_suspend_common_wait_guest: 60*1000 ms),
 * then fails the migration and the guest goes on running here.
 */
#define SUSPEND_WAIT_MS	(60 * 1000 + 1000)

/*
 * Domains redirected at the suspend and not renamed away yet: running
 * again means xl resumed them here.  "Again": the guest takes a while to
 * act on the request (a Linux guest freezes its tasks and devices first;
 * under QEMU TCG it was still running 2 ms after it), so only a domain
 * seen shut down since counts (here or at @releaseDomain, xs_watch.c), or
 * one that never shut down within libxl's own wait.
 */
void
mig_suspended_tick(struct mig *m, uint64_t now)
{
	struct hv_info	hi;
	int		k;

	if (now < m->next_resume_check_ms)
		return;
	m->next_resume_check_ms = now + 100;
	for (k = 0; k < m->doms.n; k++) {
		struct domain *d = m->doms.d[k];

		if (!d->suspended || hv_info(&m->hv, d->domid, &hi) != 0 ||
		    !hi.exists)
			continue;
		if (hi.shutdown == 1)
			d->suspend_seen = 1;
		else if (hi.shutdown == 0 && (d->suspend_seen ||
		    now >= d->suspend_ms + SUSPEND_WAIT_MS))
			mig_domain_resumed(m, d);
	}
}

/*
 * The suspend itself (issue 18): xl renames the domain --migratedaway
 * only at the end of the blackout, once the receiver holds it, so an
 * away entry made at the rename let every packet of the blackout die
 * here (delivered to a suspended guest).  With the destination named
 * (POST /v1/departure from xl-migrate-lisp) the EIDs are handed over at
 * the toolstack's suspend request instead: the destination's xtrd holds
 * what is redirected until the guest arrives there.  If xl resumes the
 * guest here without renaming it (the migration failed in the blackout),
 * mig_domain_resumed() takes them back.
 */
void
mig_domain_suspended(struct mig *m, struct domain *d, const char *how)
{
	uint64_t	t = mono_us();

	if (d->redirected || d->nmoved == 0 || !dom_asserted(d) ||
	    d->state != DOM_RUNNING)
		return;
	d->tl = mtl_begin(&m->mtl, d->name, "out", t);
	d->suspended = 1;
	d->suspend_seen = 0;
	d->suspend_ms = t / 1000;
	/* the hand-over first (it writes to xtrd at once), the line after */
	mig_redirect_eids(m, d);
	mtl_add(&m->mtl, d->tl, t, "suspended", "%s", how);
}

void
mig_domain_resumed(struct mig *m, struct domain *d)
{
	if (!d->suspended || d->state != DOM_RUNNING)
		return;
	d->suspended = 0;
	mcnt_inc(&m->mcnt, "migrations_aborted_out");
	mtl_add(&m->mtl, d->tl, mono_us(), "aborted", "running here again "
	    "before the rename; keeping EIDs");
	mig_reclaim_eids(m, d);
	d->nmoved = 0;
}

int
mig_departure(struct mig *m, const char *name, const struct ipaddr *rlocs,
    int n)
{
	struct domain	*d = dom_find_name(&m->doms, name);
	char		 buf[IPADDR_STRLEN];
	int		 i;

	if (d == NULL || !dom_asserted(d)) {
		errno = ENOENT;
		return -1;
	}
	d->nmoved = 0;
	for (i = 0; i < n && i < DOM_MAXMOVED; i++)
		d->moved_to[d->nmoved++] = rlocs[i];
	log_info("%s will move to %s%s", name,
	    n > 0 ? ipaddr_fmt(&rlocs[0], buf, sizeof(buf)) : "?",
	    n > 1 ? " ..." : "");
	/* told late: handed over at the rename already, without a
	 * destination (xtrd's away entry then comes from the Map-Server's
	 * mobility Map-Notify); mig_redirect_eids() does nothing more */
	if (d->state == DOM_MIGRATEDAWAY)
		mig_redirect_eids(m, d);
	return 0;
}

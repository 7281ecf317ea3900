/*
 * arrival.c: a guest arriving on this host.  Its vifs are captured until
 * it shows a sign of life (the first frame on a vif, an announcement -
 * gratuitous ARP, RARP, unsolicited NA - or netfront connected), then
 * arrived() registers its EIDs with SMRs (jobs.c) and tells xtrd the
 * guest can take what it held for them (POST /v1/expect, issue 18); with
 * register_at = rename, mig_register_early() registers them at the rename
 * already.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "capture.h"
#include "counters.h"
#include "log.h"
#include "mono.h"
#include "mover.h"
#include "timeline.h"
#include "xs_watch.h"

#define NAME_REREAD_US	100000	/* per domain, see rename_ahead() */

static void
arrived(struct mig *m, struct domain *d, const char *how)
{
	struct ipaddr	eids[CONF_MAXEID + DOM_MAXDYN];
	int		i, n;

	mcnt_inc(&m->mcnt, "arrivals");
	if (d->tl <= 0) {
		d->tl = mtl_begin(&m->mtl, d->name, "in", mono_us());
		mtl_add(&m->mtl, d->tl, mono_us(), "domain-seen", "domid %u",
		    d->domid);
	}
	mtl_add(&m->mtl, d->tl, mono_us(), "arrived", "%s", how);
	/* From now on only its announcements, by the port socket. */
	for (i = 0; i < DOM_MAXVIF; i++)
		if (d->vifs[i].used && d->vifs[i].cap_all)
			mig_vif_capture(m, d, &d->vifs[i], 0);
	n = mig_eids(m, d, eids, CONF_MAXEID + DOM_MAXDYN);
	if (n == 0) {
		log_info("%s (domid %u) arrived but has no EID yet", d->name,
		    d->domid);
		return;
	}
	/* Registered at the rename already (register_at = rename): only
	 * the addresses claimed since in dynamic ranges are new (a domain
	 * claims nothing while it is incoming). */
	for (i = 0; i < n; i++)
		if (!d->early || dom_has_dyn(d, &eids[i]))
			mig_push_eid(m, d, &eids[i], 1);
	/* issue 18: the guest can take what xtrd held for it now */
	if (mtl_has(&m->mtl, d->tl, "expected") && !mtl_has(&m->mtl, d->tl,
	    "expect-arrived"))
		mig_expect_eids(m, d, MIG_EXPECT_ARRIVED);
}

/*
 * register_at = rename: xl renamed <name>--incoming to <name> and unpauses
 * it next (xl_migrate.c, migrate_receive): register its EIDs now rather
 * than after its first sign of life.  The arrival is still awaited (vif
 * captures stay open) and recorded; a destroy before it withdraws them.
 */
void
mig_register_early(struct mig *m, struct domain *d)
{
	struct ipaddr	eids[CONF_MAXEID + DOM_MAXDYN];
	int		i, n;

	if (m->conf.register_at != REG_AT_RENAME || d->owned || d->early)
		return;
	n = mig_eids(m, d, eids, CONF_MAXEID + DOM_MAXDYN);
	if (n == 0)
		return;		/* none known yet: at the arrival, if any */
	d->early = 1;
	for (i = 0; i < n; i++)
		mig_push_eid(m, d, &eids[i], 1);
}

void
mig_vif_update(struct mig *m, struct domain *d, uint32_t devid,
    const struct vif_info *vi)
{
	struct vif	*v;
	uint8_t		 mac[6];
	char		 ifname[CONF_IFNAMSIZ];

	if ((v = dom_vif(d, devid, 1)) == NULL) {
		mcnt_drop(&m->mcnt, "vif_table_full", "domid %u devid %u",
		    d->domid, devid);
		return;
	}
	if (vi->mac != NULL && mac_parse(vi->mac, mac) == 0) {
		memcpy(v->mac, mac, 6);
		v->has_mac = 1;
	}
	if (vi->bridge != NULL)
		snprintf(v->bridge, sizeof(v->bridge), "%s", vi->bridge);
	if (vi->ifname != NULL && vi->ifname[0] != '\0')
		snprintf(ifname, sizeof(ifname), "%s", vi->ifname);
	else
		snprintf(ifname, sizeof(ifname), "vif%u.%u", d->domid, devid);
	snprintf(v->ifname, sizeof(v->ifname), "%s", ifname);
	if (vi->connected && !v->connected) {
		v->connected = 1;
		mtl_add(&m->mtl, d->tl, mono_us(), "vif-connected", "%s on %s",
		    v->ifname, v->bridge);
	}
	/* Until it arrives, watch everything the vif sends. */
	if (!d->owned && v->connected && v->has_mac && !v->cap_all)
		mig_vif_capture(m, d, v, 1);
}

/* Vif captures that could not be opened (interface not there yet). */
void
mig_retry_captures(struct mig *m)
{
	int	i, k;

	for (i = 0; i < m->doms.n; i++) {
		struct domain *d = m->doms.d[i];

		if (d->owned)
			continue;
		for (k = 0; k < DOM_MAXVIF; k++) {
			struct vif *v = &d->vifs[k];

			if (v->used && v->connected && v->has_mac &&
			    !v->cap_all)
				mig_vif_capture(m, d, v, 1);
		}
	}
}

void
mig_vif_removed(struct mig *m, struct domain *d, uint32_t devid)
{
	struct vif	*v = dom_vif(d, devid, 0);

	if (v == NULL)
		return;
	if (v->cap_all)
		mig_vif_capture(m, d, v, 0);
	v->used = 0;
}

void
mig_fe_state(struct mig *m, struct domain *d, uint32_t devid, int state)
{
	struct vif	*v = dom_vif(d, devid, 0);	/* never made here */
	char		 how[64];

	if (v == NULL)
		return;
	if (v->fe_state == state)
		return;
	v->fe_state = state;
	/* XenbusStateConnected: netfront is up on this host. */
	if (state != 4)
		return;
	mtl_add(&m->mtl, d->tl, mono_us(), "netfront-connected", "devid %u",
	    devid);
	snprintf(how, sizeof(how), "netfront %u connected", devid);
	if (dom_arrive(d, ARR_NETFRONT))
		arrived(m, d, how);
}

/*
 * An announcement from a domain that is not running here by the name we
 * have.  xl renames <name>--incoming to <name> before it unpauses the
 * guest (xl_migrate.c, migrate_receive), and <name>--migratedaway back to
 * <name> before it resumes it, so a guest that announces itself has its
 * new name in xenstore already; but the rename's watch event may still
 * wait on the xenstore descriptor while the capture's is served first in
 * this poll round (a busy Dom0: migrated_two's "web2 arrival").  Read the
 * name now, as that watch event would: the order of the two descriptors
 * then does not matter, nothing is held, and the announcement is the
 * arrival at its own time.  A domain really still --incoming (a frame
 * with its MAC from elsewhere on the bridge) keeps its name and the
 * announcement is dropped; such frames cost one xenstore read per domain
 * per NAME_REREAD_US at most.
 */
static void
rename_ahead(struct mig *m, struct domain *d, const char *what)
{
	enum dom_state	was = d->state;
	uint64_t	now = mono_us();

	if (d->t_name_read_us != 0 && now - d->t_name_read_us < NAME_REREAD_US)
		return;
	d->t_name_read_us = now;
	if (xsw_read_name(m, d) == -1 || d->state == was)
		return;
	mcnt_inc(&m->mcnt, "rename_at_announcement");
	mtl_add(&m->mtl, d->tl, mono_us(), "rename-at-announcement", "%s read "
	    "at the %s, before its watch", d->xsname, what);
}

static void
announcement(struct mig *m, const char *ifname, struct domain *d,
    struct vif *v, const struct announce *an)
{
	enum eid_verdict	 vd = EID_OK_STATIC;
	char			 a[IPADDR_STRLEN] = "-", mac[MAC_STRLEN];
	char			 how[160];

	mac_fmt(an->eth_src, mac, sizeof(mac));
	if (an->addr.af != AF_UNSPEC)
		ipaddr_fmt(&an->addr, a, sizeof(a));
	if (eid_policy_mac(v->mac, an->eth_src, an->has_hw, an->hw) == -1) {
		mcnt_drop(&m->mcnt, "spoof_mac", "%s %s on %s from %s: MAC is "
		    "not the vif's (domain %s)", ann_kind_name(an->kind), a,
		    ifname, mac, d->name);
		return;
	}
	snprintf(how, sizeof(how), "%s %s on %s", ann_kind_name(an->kind), a,
	    ifname);
	if (d->state != DOM_RUNNING)
		rename_ahead(m, d, how);
	if (d->state != DOM_RUNNING) {
		mcnt_drop(&m->mcnt, "announce_not_running", "%s %s from %s: "
		    "domain %s is %s", ann_kind_name(an->kind), a, mac,
		    d->xsname, dom_state_name(d->state));
		return;
	}
	if (an->addr.af != AF_UNSPEC) {
		vd = mig_claim_verdict(m, d, v->bridge, &an->addr);
		if (!eid_verdict_ok(vd)) {
			mcnt_drop(&m->mcnt, eid_verdict_name(vd), "%s %s on %s "
			    "from %s (domain %s): ignored",
			    ann_kind_name(an->kind), a, ifname, mac, d->name);
			return;
		}
	}
	mcnt_inc(&m->mcnt, "announcements");
	if (log_getverbose()) {
		struct timespec	ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		log_debug("%s %s: handled %lldus after capture",
		    ann_kind_name(an->kind), a, (long long)((uint64_t)
		    ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000 -
		    m->cap.last_ts_us));
	}
	if (!mtl_has(&m->mtl, d->tl, "announcement") || !d->owned)
		mtl_add(&m->mtl, d->tl, mono_us(), "announcement", "%s %s on "
		    "%s", ann_kind_name(an->kind), a, ifname);
	/* A dynamic EID this guest does not hold here yet: taken once the
	 * mapping system says no other VM holds it (dyn_check.c,
	 * mig_dyn_confirmed()); its arrival does not wait for that. */
	if (vd == EID_OK_DYNAMIC && !dom_has_dyn(d, &an->addr)) {
		int	pending, n = mig_dyn_checking(m, d, &an->addr,
		    &pending);

		if (!pending && d->ndyn + n >= DOM_MAXDYN) {
			mcnt_drop(&m->mcnt, "dyn_slots_full", "%s %s on %s "
			    "(domain %s): it holds %d dynamic EIDs already, "
			    "ignored", ann_kind_name(an->kind), a, ifname,
			    d->name, DOM_MAXDYN);
			return;
		}
		mig_dyn_check(m, d, v->bridge, &an->addr);
	}
	if (dom_arrive(d, ARR_ANNOUNCEMENT))
		arrived(m, d, how);
}

void
mig_frame(struct mig *m, const char *ifname, struct domain *d, struct vif *v,
    const uint8_t *frame, size_t len)
{
	struct announce	 an;
	const char	*why;
	char		 mac[MAC_STRLEN], name[64];

	/* Charged to the guest of the vif it came in by (capture.h): the
	 * MAC it claims names no one. */
	if (d == NULL || v == NULL)
		return;
	mcnt_inc(&m->mcnt, "frames");
	if (announce_parse(frame, len, &an, &why) == -1) {
		snprintf(name, sizeof(name), "frame_%s", why);
		mcnt_drop(&m->mcnt, name, "%zu-byte frame on %s ignored", len,
		    ifname);
		return;
	}
	if (an.kind != ANN_FRAME) {
		announcement(m, ifname, d, v, &an);
		return;
	}
	/* Any other frame, seen on the vif itself before arrival. */
	if (memcmp(an.eth_src, v->mac, 6) != 0) {
		mcnt_drop(&m->mcnt, "vif_foreign_src_mac", "frame on %s "
		    "(domain %s) from %s: not its vif's MAC, ignored", ifname,
		    d->name, mac_fmt(an.eth_src, mac, sizeof(mac)));
		return;
	}
	if (dom_arrive(d, ARR_FIRST_FRAME)) {
		char how[64];

		snprintf(how, sizeof(how), "first frame on %s", ifname);
		arrived(m, d, how);
	}
}

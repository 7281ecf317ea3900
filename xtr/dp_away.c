/*
 * dp_away.c: the old site's half of a move.  When an EID of ours moves
 * (POST /v1/database/remove with moved_to, or the Map-Server's Map-Notify
 * naming the new RLOCs, draft-ietf-lisp-eid-mobility), an away entry
 * keeps pointing at the new RLOC set: every packet that still arrives for
 * the EID (from a remote ITR whose cache is stale, or from our own site)
 * is re-encapsulated there instead of dropped, and the remote ITR gets an
 * SMR (RFC 9301 §6.6.2; smr.c limits them per ITR and EID).  The entry
 * expires once no packet has used it for away_timeout seconds.
 */
#include <string.h>

#include "dp_int.h"
#include "mono.h"
#include "xtrd.h"

#define DP_MAX_AWAY	1024

struct dp_away {
	bool		used;
	struct ipprefix	eid;
	int		nrloc;
	struct ipaddr	rloc[XC_MAX_RLOC];
	uint64_t	since_ms;
	uint64_t	last_ms;	/* last packet, or creation */
	uint64_t	packets;
};

static struct dp_away	away[DP_MAX_AWAY];
static int		naway;		/* highest used slot + 1 */

struct dp_away *
dp_away_find(const struct ipaddr *a)
{
	struct dp_away	*best = NULL;
	int		 i;

	for (i = 0; i < naway; i++)
		if (away[i].used && ipprefix_contains_addr(&away[i].eid, a) &&
		    (best == NULL || away[i].eid.plen > best->eid.plen))
			best = &away[i];
	return best;
}

static bool
ours(const struct ipaddr *a)
{
	const struct xtr_conf	*c = dp_g->x->conf;
	int			 i;

	for (i = 0; i < c->nrloc; i++)
		if (ipaddr_cmp(&c->rloc[i], a) == 0)
			return true;
	return false;
}

void
dp_away_set(const struct ipprefix *eid, const struct ipaddr *rloc, int n)
{
	struct dp_away	*e = NULL;
	int		 i, k = 0;

	for (i = 0; i < naway; i++)
		if (away[i].used && ipprefix_cmp(&away[i].eid, eid) == 0)
			e = &away[i];
	for (i = 0; e == NULL && i < DP_MAX_AWAY; i++)
		if (!away[i].used)
			e = &away[i];
	if (e == NULL) {
		log_warnx("away table full (%d entries)", DP_MAX_AWAY);
		return;
	}
	memset(e, 0, sizeof(*e));
	for (i = 0; i < n && k < XC_MAX_RLOC; i++)
		if (rloc[i].af != AF_UNSPEC && !ours(&rloc[i]))
			e->rloc[k++] = rloc[i];
	if (k == 0)
		return;		/* moved to us, or nowhere: nothing to do */
	e->used = true;
	e->eid = *eid;
	e->nrloc = k;
	e->since_ms = e->last_ms = mono_ms();
	if (e - away + 1 > naway)
		naway = (int)(e - away + 1);
	DPC(away_added);
	tl_add("dp-away", eid, &e->rloc[0], "%d RLOCs", k);
	/* our own site's hosts go through the TUN to reach it now */
	dp_route_set(eid, dp_g->tun_ifindex);
	dp_proxy_announce(eid);
}

void
dp_away_del(const struct ipprefix *eid)
{
	int	i;

	for (i = 0; i < naway; i++)
		if (away[i].used && ipprefix_cmp(&away[i].eid, eid) == 0)
			away[i].used = false;
}

void
dp_away_forward(struct dp_away *e, const uint8_t *pkt, size_t len,
    const struct dp_pkt *pp, const struct ipaddr *itr)
{
	const struct ipaddr *to = &e->rloc[pp->hash % (uint32_t)e->nrloc];

	e->last_ms = dp_g->now_ms;
	/* The migration timeline's "first packet redirected" row
	 * (xl-migrate-lisp, the bench) is this event. */
	if (e->packets++ == 0)
		tl_add("dp-first-redirect", &e->eid, to, "after %llu ms",
		    (unsigned long long)(dp_g->now_ms - e->since_ms));
	if (dp_encap(to, pkt, len, pp) == 0)
		DPC(away_reencap);
	/* RFC 9301 §6.6.2: tell the sender's ITR its mapping is stale */
	if (itr != NULL && smr_send_one(dp_g->x, &e->eid, itr) == 0)
		DPC(away_smr);
}

void
dp_away_tick(void)
{
	uint64_t	limit = (uint64_t)dp_g->c->away_timeout * 1000;
	int		i;

	for (i = 0; i < naway; i++) {
		if (!away[i].used || dp_g->now_ms - away[i].last_ms < limit)
			continue;
		away[i].used = false;
		DPC(away_expired);
		tl_add("dp-away-expired", &away[i].eid, &away[i].rloc[0],
		    "%llu packets redirected",
		    (unsigned long long)away[i].packets);
	}
	while (naway > 0 && !away[naway - 1].used)
		naway--;
}

int
dp_away_walk(int (*cb)(const struct ipprefix *, const struct ipaddr *, int,
    uint64_t, void *), void *arg)
{
	int	i, r;

	for (i = 0; i < naway; i++)
		if (away[i].used && (r = cb(&away[i].eid, away[i].rloc,
		    away[i].nrloc, dp_g->now_ms - away[i].last_ms, arg)) != 0)
			return r;
	return 0;
}

void
dp_away_free(void)
{
	memset(away, 0, sizeof(away));
	naway = 0;
}

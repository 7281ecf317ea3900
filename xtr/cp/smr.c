/*
 * smr.c: Solicit-Map-Requests (RFC 9301 §6.6.2).
 *
 * Sending: when a mapping of ours changes (API POST /v1/smr, or the MS
 * told us another xTR took an EID), one SMR goes to every RLOC in our
 * map-cache and to every configured proxy-ITR, at most one per second per
 * (destination, EID).  The map-cache keeps its distinct RLOCs itself
 * (mc_rlocs_*, enabled at the first fan-out), so a fan-out costs
 * O(distinct RLOCs), not a walk of every cached prefix.
 *
 * Follow-up: RFC 9301 §6.6.2 has the ETR solicit "those sites to which
 * it has been sending encapsulated data for the last minute", not only
 * those in its map-cache at the instant of the change.  A site that just
 * took an EID over (the new Dom0 of a migrated VM) SMRs when it
 * registers, before the guest has sent anything: its map-cache does not
 * hold the guest's correspondents yet, and they would keep the old
 * mapping until its TTL (a day) ran out.  So for SMR_FOLLOW_MS after a
 * fan-out, every RLOC a new mapping brings into the map-cache (the guest
 * talks to that site now) gets the same SMR once (smr_follow_up(), from
 * itr_install()).  This is also what the thesis's script achieved by
 * running after the guest had resumed (seed chapter 7.1: SMRs "to all the
 * RLOCs present in the OpenLISP map-cache and also to all the PXTRs").
 *
 * Receiving: an SMR is only a hint.  Its contents are never installed; if
 * the EID it names is in our map-cache, we send an SMR-invoked Map-Request
 * through the mapping system for the most specific prefix it names (so a
 * /32 that moved out of a cached /24 is learned), rate-limited per EID and
 * in aggregate, and keep the cached mapping until the reply comes.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mono.h"
#include "xtr/xtrd.h"

#define SMR_MAX_TARGETS	4096
#define SMR_FOLLOW_MS	10000	/* follow-up window after a fan-out */
#define SMR_FOLLOW_EIDS	16	/* changes followed at once */
#define SMR_FOLLOW_DONE	64	/* RLOCs remembered per change */

/* A fan-out lately: whom it reached, so a follow-up goes once. */
struct follow {
	struct ipprefix	eid;
	uint64_t	until_ms;	/* 0: slot free */
	int		ndone;
	struct ipaddr	done[SMR_FOLLOW_DONE];
};
static struct follow	follows[SMR_FOLLOW_EIDS];

struct targets {
	struct xtrd	*x;
	struct ipaddr	*a;
	int		 n;
};

/* a, unless it is one of ours or (dedup) already a target. */
static void
add_target(struct targets *t, const struct ipaddr *a, bool dedup)
{
	int	i;

	if (a->af == AF_UNSPEC || t->n == SMR_MAX_TARGETS)
		return;
	for (i = 0; i < t->x->conf->nrloc; i++)
		if (ipaddr_cmp(&t->x->conf->rloc[i], a) == 0)
			return;		/* not to ourselves */
	for (i = 0; dedup && i < t->n; i++)
		if (ipaddr_cmp(&t->a[i], a) == 0)
			return;
	t->a[t->n++] = *a;
}

/* The map-cache's distinct RLOCs: no dedup needed. */
static int
collect_rloc(const struct ipaddr *a, uint32_t refs, void *arg)
{
	(void)refs;
	add_target(arg, a, false);
	return 0;
}

/* Fallback when the RLOC set cannot be kept (out of memory): walk. */
static int
collect(const struct mc_entry *e, void *arg)
{
	int	i;

	for (i = 0; i < e->nrloc; i++)
		add_target(arg, &e->rloc[i].addr, true);
	return 0;
}

static int
send_one(struct xtrd *x, const struct ipprefix *eid, const struct ipaddr *to,
    const char *why)
{
	static struct lisp_map_request	req;
	static uint8_t			buf[LISP_MAX_MSG];
	struct {
		struct ipaddr	to;
		struct ipprefix	eid;
	}				key;
	ssize_t				n;

	memset(&key, 0, sizeof(key));
	key.to = *to;
	key.eid = *eid;
	/* one SMR per second per (destination, EID) */
	if (!rl_allow(x->rl_smr_out, &key, sizeof(key), mono_ms())) {
		cnt_inc(C_tx_smr_ratelimited);
		return -1;
	}
	if (itr_build_request(x, eid, &req) == -1)
		return -1;
	req.smr = true;			/* RFC 9301 §5.3: S bit */
	req.source_eid.ip = eid->addr;	/* RFC 9301 §6.6.2: changed EID */
	if ((n = lisp_encode_map_request(&req, buf, sizeof(buf))) < 0)
		return -1;
	if (xtr_send(x, to, LISP_CONTROL_PORT, buf, (size_t)n) == -1)
		return -1;
	cnt_inc(C_tx_smr);
	tl_add("smr-sent", eid, to, "nonce %016llx%s",
	    (unsigned long long)req.nonce, why);
	return 0;
}

/* The follow-up slot of eid (reset), or the oldest one. */
static struct follow *
follow_start(const struct ipprefix *eid)
{
	struct follow	*f = &follows[0];
	int		 i;

	for (i = 0; i < SMR_FOLLOW_EIDS; i++) {
		if (follows[i].until_ms != 0 &&
		    ipprefix_cmp(&follows[i].eid, eid) == 0) {
			f = &follows[i];
			break;
		}
		if (follows[i].until_ms < f->until_ms)
			f = &follows[i];
	}
	memset(f, 0, sizeof(*f));
	f->eid = *eid;
	f->until_ms = mono_ms() + SMR_FOLLOW_MS;
	return f;
}

void
smr_follow_up(struct xtrd *x, const struct ipaddr *rloc, int n)
{
	struct targets	t;
	struct ipaddr	a[LISP_MAX_LOCATORS];
	uint64_t	now = mono_ms();
	int		i, j, k;

	t.x = x;
	t.a = a;
	t.n = 0;
	for (i = 0; i < n && i < LISP_MAX_LOCATORS; i++)
		add_target(&t, &rloc[i], true);	/* not ourselves */
	for (i = 0; i < SMR_FOLLOW_EIDS; i++) {
		struct follow *f = &follows[i];

		if (f->until_ms == 0 || now >= f->until_ms) {
			f->until_ms = 0;
			continue;
		}
		for (j = 0; j < t.n; j++) {
			for (k = 0; k < f->ndone; k++)
				if (ipaddr_cmp(&f->done[k], &a[j]) == 0)
					break;
			if (k < f->ndone || f->ndone == SMR_FOLLOW_DONE)
				continue;	/* had it (or full: stop) */
			f->done[f->ndone++] = a[j];
			(void)send_one(x, &f->eid, &a[j], " follow-up");
		}
	}
}

int
smr_send(struct xtrd *x, const struct ipprefix *eid, struct ipaddr *out,
    int nout, int *ntargets)
{
	struct targets	t;
	struct follow	*f;
	int		i, sent = 0;

	t.x = x;
	t.n = 0;
	if ((t.a = calloc(SMR_MAX_TARGETS, sizeof(*t.a))) == NULL)
		return -1;
	if (mc_rlocs_count(x->mc) == SIZE_MAX)
		(void)mc_rlocs_enable(x->mc);	/* one walk, then incremental */
	if (mc_rlocs_walk(x->mc, collect_rloc, &t) == -1)
		mc_walk(x->mc, collect, &t);
	for (i = 0; i < x->conf->npxtr; i++)
		add_target(&t, &x->conf->pxtr[i], true);
	f = follow_start(eid);
	for (i = 0; i < t.n; i++) {
		if (f != NULL && f->ndone < SMR_FOLLOW_DONE)
			f->done[f->ndone++] = t.a[i];
		if (send_one(x, eid, &t.a[i], "") == -1)
			continue;
		if (out != NULL && sent < nout)
			out[sent] = t.a[i];
		sent++;
	}
	if (ntargets != NULL)
		*ntargets = t.n;
	free(t.a);
	return sent;
}

/* One SMR to one ITR (the data plane's away entries), same limits. */
int
smr_send_one(struct xtrd *x, const struct ipprefix *eid,
    const struct ipaddr *to)
{
	return send_one(x, eid, to, "");
}

void
smr_rx(struct xtrd *x, const struct lisp_map_request *req,
    const struct ipaddr *src)
{
	struct ipprefix	 name;
	char		 a[IPADDR_STRLEN], e[IPPREFIX_STRLEN];
	uint64_t	 now = mono_ms();

	cnt_inc(C_rx_smr);
	ipaddr_fmt(src, a, sizeof(a));
	if (!tb_take(&x->smr_in_bucket, now)) {
		cnt_drop(C_drop_smr_flood, "SMR from %s: over the aggregate "
		    "limit", a);
		return;
	}
	/* The most specific prefix the SMR names: its Source-EID (the EID
	 * that changed, RFC 9301 §6.6.2), else its EID record. */
	if (req->source_eid.ip.af != AF_UNSPEC)
		ipprefix_host(&req->source_eid.ip, &name);
	else if (req->nrec > 0) {
		name.addr = req->rec[0].eid.ip;
		name.plen = req->rec[0].plen;
		ipprefix_mask(&name);
	} else {
		cnt_drop_lerr(LERR_NO_RECORDS, "SMR from %s", a);
		return;
	}
	ipprefix_fmt(&name, e, sizeof(e));
	if (mc_lookup(x->mc, 0, &name.addr, now) == NULL) {
		cnt_drop(C_drop_smr_not_cached, "SMR from %s for %s", a, e);
		return;
	}
	if (!rl_allow(x->rl_smr_in, &name, sizeof(name), now)) {
		cnt_drop(C_drop_smr_ratelimited, "SMR from %s for %s", a, e);
		return;
	}
	tl_add("smr-received", &name, src, NULL);
	cnt_inc(C_smr_invoked_request);
	/* RFC 9301 §6.6.2: ask the mapping system, not the SMR's sender */
	itr_resolve(x, &name, true);
}

/*
 * smr.c: Solicit-Map-Requests (RFC 9301 §6.1).
 *
 * Layout.  RFC 9301 §6.1: "An SMR message is simply a bit set in a
 * Map-Request message."  It names the fields no further; the layout the
 * deployed xTRs send, and the only one they accept, is one SMR per entry
 * of the sender's map-cache: the cached prefix (an EID of the receiver's
 * own) in the EID-record and the EID that changed (ours) in Source-EID.
 * A receiver drops an SMR whose EID-record is not one of its own EIDs,
 * then refreshes the mapping that covers the Source-EID.  So:
 *  - to every RLOC of every map-cache entry: EID-record = that entry's
 *    prefix, Source-EID = the changed EID;
 *  - to a configured proxy-ITR (it has no EIDs of its own, and caches
 *    ours): EID-record = the changed prefix, Source-EID = the changed EID.
 *
 * When.  RFC 9301 §6.1: "When an ETR updates a mapping, a mechanism is
 * required to inform ITRs/PITRs that are using such mappings" (§6), and
 * "an ETR will solicit Map-Requests to those sites to which it has been
 * sending LISP encapsulated data packets for the last minute".  We send
 * them when our database changes (etr_register.c: once the Map-Server
 * has the change, so the SMR-invoked Map-Request fetches the new
 * mapping), on the API's POST /v1/smr, and when the Map-Server tells us
 * another xTR took an EID.  The map-cache holds the sites we talk to.
 *
 * Follow-up: a site that just took an EID over (the new Dom0 of a
 * migrated VM) SMRs when it registers, before the guest has sent
 * anything: its map-cache does not hold the guest's correspondents yet,
 * and they would keep the old mapping until its TTL (a day) ran out.  So
 * for SMR_FOLLOW_MS after a fan-out, every mapping that comes into the
 * map-cache (the guest talks to that site now) gets the same SMR once per
 * RLOC (smr_follow_up(), from itr_install()).  This is also what the
 * thesis's script achieved by running after the guest had resumed (seed
 * chapter 7.1: SMRs "to all the RLOCs present in the OpenLISP map-cache
 * and also to all the PXTRs").
 *
 * Rate.  RFC 9301 §6.1: "Both the SMR sender and the SMR responder MUST
 * rate limit these messages."  We send at most one SMR per rate_limit
 * per (destination RLOC, EID-record, changed EID, change): one per
 * destination RLOC would let only the first of a peer's cached prefixes
 * through, and a new change (a fan-out: the API, a database change, the
 * Map-Server's mobility Map-Notify) must reach a peer even if the last
 * one did a moment ago, or the peer keeps what it fetched then.  Repeats
 * of one change (follow-ups, the away entry's per-packet SMRs) are
 * limited.
 *
 * Receiving: an SMR is only a hint.  Its contents are never installed; if
 * the EID it names is in our map-cache, we send an SMR-invoked Map-Request
 * through the mapping system for the most specific prefix it names (so a
 * /32 that moved out of a cached /24 is learned), rate-limited per source,
 * per (source, EID) and in aggregate, and keep the cached mapping until
 * the reply comes.  Both layouts are understood: the Source-EID first (the
 * deployed one), else the EID-record (older xtrd put the changed EID
 * there).
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mono.h"
#include "xtr/xtrd.h"
#include "xtr/cp/cp.h"

#define SMR_MAX_TARGETS	4096
#define SMR_FOLLOW_MS	10000	/* follow-up window after a fan-out */

/* (x->itr->follows: struct smr_follow, xtr/cp/cp.h) */

/* One fan-out: the changed EID and what it reached. */
struct fan {
	struct xtrd		*x;
	const struct ipprefix	*eid;		/* what changed (ours) */
	struct smr_follow		*f;		/* its follow-up slot */
	uint32_t		 gen;		/* this change's number */
	struct ipaddr		*out;		/* first nout destinations */
	int			 nout;
	int			 nused;		/* in out[] */
	int			 sent;
	int			 ntargets;
};

/* The rate limiter's key (RL_KEYMAX bytes): the destination and the
 * record in full, the changed EID and the change number hashed (FNV-1a). */
static void
smr_key(const struct ipaddr *to, const struct ipprefix *rec,
    const struct ipprefix *eid, uint32_t gen, uint8_t *key)
{
	uint32_t	h = 2166136261u;
	uint8_t		m[1 + 1 + 16 + 1 + 4];
	size_t		i;

	memset(key, 0, RL_KEYMAX);
	key[0] = to->af;
	memcpy(key + 1, to->a, 16);
	key[17] = rec->addr.af;
	memcpy(key + 18, rec->addr.a, 16);
	key[34] = rec->plen;
	m[0] = rec->addr.af;		/* (a record's af is in key[17]) */
	m[1] = eid->addr.af;
	memcpy(m + 2, eid->addr.a, 16);
	m[18] = eid->plen;
	memcpy(m + 19, &gen, 4);
	for (i = 0; i < sizeof(m); i++)
		h = (h ^ m[i]) * 16777619u;
	memcpy(key + 35, &h, 4);
}

/*
 * One SMR: rec in the EID-record (the receiver's EID as we cache it),
 * eid in Source-EID (the EID that changed), to `to`.  0 if sent.
 */
static int
send_one(struct xtrd *x, const struct ipprefix *eid,
    const struct ipprefix *rec, const struct ipaddr *to, uint32_t gen,
    const char *why)
{
	struct lisp_map_request		*req = &x->itr->smr_req;
	uint8_t				*buf = x->itr->smr_buf;
	uint8_t				key[RL_KEYMAX];
	ssize_t				n;

	if (to->af == AF_UNSPEC || xc_has_rloc(x->conf, to))
		return -1;		/* not to ourselves */
	smr_key(to, rec, eid, gen, key);
	/* RFC 9301 §6.1: the SMR sender MUST rate limit */
	if (!rl_allow(x->itr->rl_smr_out, key, sizeof(key), mono_ms())) {
		cnt_inc(C_tx_smr_ratelimited);
		return -1;
	}
	if (itr_build_request(x, rec, req) == -1)
		return -1;
	req->smr = true;			/* RFC 9301 §5.2: S bit */
	/* RFC 9301 §5.2: "D: ... When an xTR sends an SMR message, it
	 * doesn't need a Map-Reply returned." */
	req->dont_map_reply = true;
	req->source_eid.ip = eid->addr;	/* the EID that changed */
	if ((n = lisp_encode_map_request(req, buf, LISP_MAX_MSG)) < 0)
		return -1;
	if (xtr_send(x, to, LISP_CONTROL_PORT, buf, (size_t)n) == -1)
		return -1;
	cnt_inc(C_tx_smr);
	tl_add("smr-sent", eid, to, "nonce %016llx record %s%s",
	    (unsigned long long)req->nonce, ipprefix_fmt(rec,
	    (char[IPPREFIX_STRLEN]){ 0 }, IPPREFIX_STRLEN), why);
	return 0;
}

static void
fan_one(struct fan *fn, const struct ipprefix *rec, const struct ipaddr *to)
{
	struct smr_follow	*f = fn->f;
	int		 k;

	if (to->af == AF_UNSPEC || xc_has_rloc(fn->x->conf, to) ||
	    fn->ntargets == SMR_MAX_TARGETS)
		return;
	fn->ntargets++;
	for (k = 0; f != NULL && k < f->ndone; k++)
		if (ipaddr_cmp(&f->done[k], to) == 0)
			break;
	if (f != NULL && k == f->ndone && f->ndone < SMR_FOLLOW_DONE)
		f->done[f->ndone++] = *to;
	if (send_one(fn->x, fn->eid, rec, to, fn->gen, "") == -1)
		return;
	fn->sent++;
	for (k = 0; k < fn->nused; k++)
		if (ipaddr_cmp(&fn->out[k], to) == 0)
			return;
	if (fn->nused < fn->nout)
		fn->out[fn->nused++] = *to;
}

/* RFC 9301 §6.1: each RLOC of each map-cache entry, that entry's prefix
 * in the EID-record. */
static int
fan_entry(const struct mc_entry *e, void *arg)
{
	struct fan	*fn = arg;
	int		 i;

	if (e->iid != 0)	/* our database is instance 0 */
		return 0;
	for (i = 0; i < e->nrloc; i++)
		fan_one(fn, &e->eid, &e->rloc[i].addr);
	return 0;
}

/* The follow-up slot of eid (reset), or the oldest one. */
static struct smr_follow *
follow_start(struct itr_state *is, const struct ipprefix *eid)
{
	struct smr_follow	*f = &is->follows[0];
	int			 i;

	for (i = 0; i < SMR_FOLLOW_EIDS; i++) {
		if (is->follows[i].until_ms != 0 &&
		    ipprefix_cmp(&is->follows[i].eid, eid) == 0) {
			f = &is->follows[i];
			break;
		}
		if (is->follows[i].until_ms < f->until_ms)
			f = &is->follows[i];
	}
	memset(f, 0, sizeof(*f));
	f->eid = *eid;
	f->until_ms = mono_ms() + SMR_FOLLOW_MS;
	return f;
}

void
smr_follow_up(struct xtrd *x, const struct ipprefix *rec,
    const struct ipaddr *rloc, int n)
{
	uint64_t	now = mono_ms();
	int		i, j, k;

	for (i = 0; i < SMR_FOLLOW_EIDS; i++) {
		struct smr_follow *f = &x->itr->follows[i];

		if (f->until_ms == 0 || now >= f->until_ms) {
			f->until_ms = 0;
			continue;
		}
		for (j = 0; j < n && j < LISP_MAX_LOCATORS; j++) {
			if (rloc[j].af == AF_UNSPEC || xc_has_rloc(x->conf, &rloc[j]))
				continue;
			for (k = 0; k < f->ndone; k++)
				if (ipaddr_cmp(&f->done[k], &rloc[j]) == 0)
					break;
			if (k < f->ndone || f->ndone == SMR_FOLLOW_DONE)
				continue;	/* had it (or full: stop) */
			f->done[f->ndone++] = rloc[j];
			(void)send_one(x, &f->eid, rec, &rloc[j], f->gen,
			    " follow-up");
		}
	}
}

int
smr_send(struct xtrd *x, const struct ipprefix *eid, struct ipaddr *out,
    int nout, int *ntargets)
{
	struct fan	fn;
	int		i;

	memset(&fn, 0, sizeof(fn));
	fn.x = x;
	fn.eid = eid;
	fn.out = out;
	fn.nout = out != NULL ? nout : 0;
	fn.gen = ++x->itr->smr_gen;
	if (fn.gen == 0)
		fn.gen = ++x->itr->smr_gen;	/* 0 is the away entry's */
	fn.f = follow_start(x->itr, eid);
	fn.f->gen = fn.gen;
	mc_walk(x->mc, fan_entry, &fn);
	/* a proxy-ITR has no EIDs of its own: it caches ours */
	for (i = 0; i < x->conf->npxtr; i++)
		fan_one(&fn, eid, &x->conf->pxtr[i]);
	if (ntargets != NULL)
		*ntargets = fn.ntargets;
	return fn.sent;
}

/* One SMR to one ITR (the data plane's away entries), same limits: the
 * EID-record is the prefix we cache for peer_eid (the sender of the
 * packet that still came here), or peer_eid itself. */
int
smr_send_one(struct xtrd *x, const struct ipprefix *eid,
    const struct ipaddr *to, const struct ipaddr *peer_eid)
{
	const struct mc_entry	*e;
	struct ipprefix		 rec;

	if (peer_eid != NULL && peer_eid->af != AF_UNSPEC) {
		if ((e = mc_lookup(x->mc, 0, peer_eid, mono_ms())) != NULL)
			rec = e->eid;
		else
			ipprefix_host(peer_eid, &rec);
	} else
		rec = *eid;
	return send_one(x, eid, &rec, to, 0, "");
}

/*
 * Budgets, in this order, each charged only once the checks before it
 * passed (issue 15 finding 6: the aggregate bucket was charged first, so
 * 2000 junk SMRs a second for EIDs we never cached left 1 real SMR of 6):
 * an SMR for an EID not in our map-cache costs nothing but its counter;
 * then its source's own bucket (SMR_SRC_RATE), then one per second per
 * (source, EID) (RFC 9301 §6.1: "Both the SMR sender and the SMR
 * responder MUST rate limit these messages"; it RECOMMENDS once every 3
 * seconds per EID-Prefix, we use rate_limit), keyed by the source too so
 * that one source's SMRs for an EID never refuse another's; the
 * aggregate bucket last, a ceiling on the Map-Requests all SMRs cause.
 */
void
smr_rx(struct xtrd *x, const struct lisp_map_request *req,
    const struct ipaddr *src)
{
	struct {
		struct ipaddr	src;
		struct ipprefix	name;
	}		 key;
	struct ipprefix	 name;
	char		 a[IPADDR_STRLEN], e[IPPREFIX_STRLEN];
	uint64_t	 now = mono_ms();

	cnt_inc(C_rx_smr);
	ipaddr_fmt(src, a, sizeof(a));
	/* The most specific prefix the SMR names: its Source-EID (the EID
	 * that changed, in the deployed layout, see the top), else its EID
	 * record (older xtrd). */
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
	if (!tbt_take(x->itr->smr_src, src, sizeof(*src), now)) {
		cnt_drop(C_drop_smr_src_limited, "SMR from %s for %s: over "
		    "the source's limit", a, e);
		return;
	}
	memset(&key, 0, sizeof(key));
	key.src = *src;
	key.name = name;
	if (!rl_allow(x->itr->rl_smr_in, &key, sizeof(key), now)) {
		cnt_drop(C_drop_smr_ratelimited, "SMR from %s for %s", a, e);
		return;
	}
	if (!tb_take(&x->itr->smr_in_bucket, now)) {
		cnt_drop(C_drop_smr_flood, "SMR from %s: over the aggregate "
		    "limit", a);
		return;
	}
	tl_add("smr-received", &name, src, NULL);
	cnt_inc(C_smr_invoked_request);
	/* RFC 9301 §6.1: "the SMR-invoked Map-Request MUST be sent through
	 * the Mapping System (not directly)" */
	itr_resolve(x, &name, true);
}

/*
 * etr_reply.c: the ETR answers Map-Requests for the EIDs it serves
 * (RFC 9301 §5.4, §5.5, §8.3): nonce echoed, our RLOCs with the
 * mapping's priority and weight, its TTL, sent to the requester's
 * ITR-RLOC at the port the request came from (the inner UDP source port
 * for a Map-Request a Map-Server forwarded in an ECM).  An EID of ours
 * that moved (an away entry) is answered with where it went, never with
 * our covering prefix; an RLOC-probe's reply marks the probed locator.
 */
#include <string.h>

#include "xtr/dp/dp.h"
#include "log.h"
#include "xtr/xtrd.h"
#include "xtr/cp/cp.h"

const struct ipaddr *
mreq_reply_rloc(const struct lisp_map_request *req, int af)
{
	int	i;

	for (i = 0; i < req->nitr; i++)
		if (req->itr_rloc[i].ip.af == af)
			return &req->itr_rloc[i].ip;
	for (i = 0; i < req->nitr; i++)
		if (req->itr_rloc[i].ip.af != AF_UNSPEC)
			return &req->itr_rloc[i].ip;
	return NULL;
}

/* Away entries (EIDs of ours that moved, dp_away.c) seen by a reply. */
struct away_fill {
	const struct ipprefix	*want;		/* asked for */
	const struct ipprefix	*served;	/* our mapping, or NULL */
	struct ipprefix		 hit;		/* best away entry covering want */
	struct ipaddr		 hit_rloc[LISP_MAX_LOCATORS];
	int			 hit_n;
	struct lisp_map_reply	*rep;		/* more-specifics appended */
};

/* RFC 9301 §5.4: a record for an EID that moved from us: its new RLOCs,
 * not authoritative (we are not the ETR of the new site), 1 minute. */
static void
away_record(const struct ipprefix *eid, const struct ipaddr *rloc, int n,
    struct lisp_record *rec)
{
	int	i;

	memset(rec, 0, sizeof(*rec));
	rec->ttl = 1;
	rec->eid_plen = eid->plen;
	rec->eid.ip = eid->addr;
	rec->action = LISP_ACT_NO_ACTION;
	rec->authoritative = false;
	for (i = 0; i < n && i < LISP_MAX_LOCATORS; i++) {
		rec->loc[i].priority = 1;
		rec->loc[i].weight = 100;
		rec->loc[i].mpriority = 255;
		rec->loc[i].reachable = true;
		rec->loc[i].rloc.ip = rloc[i];
	}
	rec->nloc = (uint8_t)i;
	lisp_record_sort_locators(rec);
}

static int
away_cb(const struct dp_away_view *v, void *arg)
{
	struct away_fill	*af = arg;
	const struct ipprefix	*eid = v->eid;
	const struct ipaddr	*rloc = v->rloc;
	int			 n = v->nrloc;

	if (eid->addr.af != af->want->addr.af)
		return 0;
	if (af->served != NULL && eid->plen <= af->served->plen)
		return 0;	/* our own mapping is the more specific one */
	if (ipprefix_covers(eid, af->want)) {
		/* the EID asked for moved away */
		if (af->hit_n == 0 || eid->plen > af->hit.plen) {
			af->hit = *eid;
			af->hit_n = n < LISP_MAX_LOCATORS ? n :
			    LISP_MAX_LOCATORS;
			memcpy(af->hit_rloc, rloc, sizeof(*rloc) *
			    (size_t)af->hit_n);
		}
	} else if (ipprefix_covers(af->want, eid) &&
	    af->rep->nrec < LISP_MAX_RECORDS) {
		/* RFC 9301 §5.5: "filling out the /48 with more-specific
		 * prefixes that exist in the Mapping System" */
		away_record(eid, rloc, n, &af->rep->rec[af->rep->nrec++]);
	}
	return 0;
}

/* RFC 9301 §5.4: "p: ... the Routing Locator Address for which this bit
 * is set is the one being RLOC-Probed": the address the probe came to
 * (IP_PKTINFO), else our first RLOC of the requester's family. */
static void
mark_probed(struct xtrd *x, struct lisp_record *rec, int af)
{
	int	i;

	for (i = 0; i < rec->nloc; i++)
		if (ipaddr_cmp(&rec->loc[i].rloc.ip, &x->rx_dst) == 0) {
			rec->loc[i].probed = true;
			return;
		}
	for (i = 0; i < rec->nloc; i++)
		if (rec->loc[i].rloc.ip.af == af) {
			rec->loc[i].probed = true;
			return;
		}
}

/* A Map-Request that may be answered: records, no D bit, not our own
 * withdraw check come back (counted when not). */
static bool
request_answerable(struct xtrd *x, const struct lisp_map_request *req,
    const char *a)
{
	if (req->nrec == 0) {
		cnt_drop_lerr(LERR_NO_RECORDS, "Map-Request from %s", a);
		return false;
	}
	/* RFC 9301 §5.2: "D: ... When this bit is set, the receiver of the
	 * Map-Request does not return a Map-Reply." */
	if (req->dont_map_reply) {
		cnt_drop(C_drop_dont_map_reply, "Map-Request from %s", a);
		return false;
	}
	/* our own withdraw check, sent back to us by the Map-Server */
	if (etr_is_withdraw_check(x, req->nonce))
		return false;
	return true;
}

/* The records that answer want into rep (none: rep->nrec 0): our
 * database's mapping, or where an EID of ours went.  True if the answer
 * is an away entry's. */
static bool
reply_records(struct xtrd *x, const struct ipprefix *want,
    struct lisp_map_reply *rep)
{
	struct db_map		*dm;
	struct away_fill	 af;

	dm = etr_db_lookup(x, &want->addr);
	memset(rep, 0, sizeof(*rep));
	memset(&af, 0, sizeof(af));
	af.want = want;
	af.served = dm != NULL ? &dm->m.eid : NULL;
	af.rep = rep;
	if (dm != NULL) {
		rep->nrec = 1;
		etr_fill_record(x, &dm->m, dm->m.ttl, &rep->rec[0]);
	}
	/* An EID of ours that moved (an away entry, more specific than what
	 * we serve): never answer for it with our covering prefix, which
	 * would send its traffic back here; answer with where it went. */
	(void)dp_away_each(x, away_cb, &af);
	if (af.hit_n > 0) {
		rep->nrec = 1;
		away_record(&af.hit, af.hit_rloc, af.hit_n, &rep->rec[0]);
		cnt_inc(C_etr_reply_away);
	}
	return af.hit_n > 0;
}

/* Encode rep (x->etr->rep), sign it (RFC 9303 §6.8) and send it to `to`. */
static void
reply_send(struct xtrd *x, const struct lisp_map_request *req,
    const struct ipaddr *to, uint16_t reply_port, const struct sec_sign *sg,
    bool moved)
{
	struct lisp_map_reply	*rep = &x->etr->rep;
	uint8_t			*buf = x->etr->rep_buf;
	struct ipprefix		 r;
	ssize_t			 n;

	rep->security = sg != NULL && sg->on;	/* RFC 9303 §6.8: S */
	if ((n = lisp_encode_map_reply(rep, buf, LISP_MAX_MSG)) < 0 ||
	    (rep->security && (n = sec_sign_reply(sg, buf, (size_t)n,
	    LISP_MAX_MSG)) < 0)) {
		log_warnx("cannot encode Map-Reply");
		return;
	}
	if (rep->security)
		cnt_inc(C_lispsec_signed);
	if (xtr_send(x, to, reply_port ? reply_port : LISP_CONTROL_PORT, buf,
	    (size_t)n) != 0)
		return;
	r.addr = rep->rec[0].eid.ip;
	r.plen = rep->rec[0].eid_plen;
	cnt_inc(C_tx_map_reply);
	tl_add("map-reply-sent", &r, to, "nonce %016llx%s%s",
	    (unsigned long long)req->nonce,
	    req->smr_invoked ? " smr-invoked" : "", moved ? " moved-away" : "");
}

void
etr_rx_map_request(struct xtrd *x, const struct lisp_map_request *req,
    const struct ipaddr *src, uint16_t reply_port, const struct sec_sign *sg)
{
	struct lisp_map_reply	*rep = &x->etr->rep;
	const struct ipaddr	*to;
	struct ipprefix		 want;
	char			 a[IPADDR_STRLEN], e[IPPREFIX_STRLEN];
	bool			 moved;

	ipaddr_fmt(src, a, sizeof(a));
	if (!request_answerable(x, req, a))
		return;
	want.addr = req->rec[0].eid.ip;
	want.plen = req->rec[0].plen;
	ipprefix_mask(&want);
	moved = reply_records(x, &want, rep);
	if (rep->nrec == 0) {
		cnt_drop(C_drop_not_my_eid, "Map-Request from %s for %s", a,
		    ipprefix_fmt(&want, e, sizeof(e)));
		return;
	}
	if ((to = mreq_reply_rloc(req, src->af)) == NULL) {
		cnt_drop(C_drop_no_itr_rloc, "Map-Request from %s", a);
		return;
	}
	if (!xtr_map_reply_allowed(x, to, &want))
		return;			/* RFC 9301 §5.4: rate limited */
	rep->nonce = req->nonce;	/* RFC 9301 §5.4: echoed */
	rep->probe = req->probe;	/* RFC 9301 §5.2: P, reply with P */
	if (req->probe && !moved)
		mark_probed(x, &rep->rec[0], src->af);
	reply_send(x, req, to, reply_port, sg, moved);
}

/*
 * etr_reply.c: the ETR answers Map-Requests for the EIDs it serves
 * (RFC 9301 §6.1, §8.4): nonce echoed, our RLOCs with the mapping's
 * priority and weight, its TTL, sent to the requester's ITR-RLOC at the
 * port the request came from (the inner UDP source port for a Map-Request
 * a Map-Server forwarded in an ECM).
 */
#include <string.h>

#include "log.h"
#include "xtr/xtrd.h"

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

void
etr_rx_map_request(struct xtrd *x, const struct lisp_map_request *req,
    const struct ipaddr *src, uint16_t reply_port, const struct sec_sign *sg)
{
	static struct lisp_map_reply	 rep;
	static uint8_t			 buf[LISP_MAX_MSG];
	const struct ipaddr		*to;
	struct db_map			*dm;
	struct ipprefix			 want;
	char				 a[IPADDR_STRLEN], e[IPPREFIX_STRLEN];
	ssize_t				 n;

	ipaddr_fmt(src, a, sizeof(a));
	if (req->nrec == 0) {
		cnt_drop_lerr(LERR_NO_RECORDS, "Map-Request from %s", a);
		return;
	}
	want.addr = req->rec[0].eid.ip;
	want.plen = req->rec[0].plen;
	if ((dm = etr_db_lookup(x, &want.addr)) == NULL) {
		cnt_drop(C_drop_not_my_eid, "Map-Request from %s for %s", a,
		    ipprefix_fmt(&want, e, sizeof(e)));
		return;
	}
	if ((to = mreq_reply_rloc(req, src->af)) == NULL) {
		cnt_drop(C_drop_no_itr_rloc, "Map-Request from %s", a);
		return;
	}
	memset(&rep, 0, sizeof(rep));
	rep.nonce = req->nonce;		/* RFC 9301 §5.4: echoed */
	rep.probe = req->probe;
	rep.nrec = 1;
	rep.security = sg != NULL && sg->on;	/* RFC 9303 §6.8: S */
	etr_fill_record(x, &dm->m, dm->m.ttl, &rep.rec[0]);
	if ((n = lisp_encode_map_reply(&rep, buf, sizeof(buf))) < 0 ||
	    (rep.security && (n = sec_sign_reply(sg, buf, (size_t)n,
	    sizeof(buf))) < 0)) {
		log_warnx("cannot encode Map-Reply");
		return;
	}
	if (rep.security)
		cnt_inc(C_lispsec_signed);
	if (xtr_send(x, to, reply_port ? reply_port : LISP_CONTROL_PORT, buf,
	    (size_t)n) == 0) {
		cnt_inc(C_tx_map_reply);
		tl_add("map-reply-sent", &dm->m.eid, to, "nonce %016llx%s",
		    (unsigned long long)req->nonce,
		    req->smr_invoked ? " smr-invoked" : "");
	}
}

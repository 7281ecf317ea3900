/*
 * rloc_probe.c: RLOC-probing (RFC 9301 §7.1), the confirmation a change
 * of locator status needs before the ITR believes it (issue 15 finding
 * 4: one spoofed data packet whose locator-status-bits said "down" cut a
 * peer off, and the peer's own packets, which would have said "up"
 * again, were dropped meanwhile).
 *
 * RFC 9300 §10 lets an ETR learn a locator's status from the LSBs of the
 * packets it decapsulates, but anyone who can put an RLOC's address as
 * the outer source of a packet can write them.  So an LSB that differs
 * from what the map-cache holds is only a reason to ask (dp_decap.c calls
 * rloc_probe_lsb()): a Map-Request with the P bit goes to that locator
 * (RFC 9301 §5.2: "P: This is the probe-bit, which indicates that a
 * Map-Request SHOULD be treated as a Locator reachability probe"), and
 *  - its Map-Reply, with the P bit and our nonce (§5.4: "The 'Nonce'
 *    field must contain a copy of the nonce value from the original
 *    Map-Request"), says the locator is up: it is marked up;
 *  - no answer after RP_TRIES tries RP_WAIT_MS apart marks it down if the
 *    LSBs said down; if they said up, it stays down.
 * An LSB that agrees with what the probe found is counted confirmed, one
 * that does not refuted.  At most one probe per (EID prefix, RLOC) at a
 * time and one a second (RFC 9301 §7.1 asks that probing be rate-limited);
 * ITR_PROBES at once, the rest refused (counted).
 */
#include <string.h>

#include "log.h"
#include "mono.h"
#include "xtr/xtrd.h"
#include "xtr/cp/cp.h"

#define RP_TRIES	3
#define RP_WAIT_MS	500

/* (x->itr->probes: struct itr_probe, xtr/cp/cp.h) */

static int
send_probe(struct xtrd *x, struct itr_probe *p)
{
	struct lisp_map_request		*req = &x->itr->probe_req;
	uint8_t				*buf = x->itr->probe_buf;
	ssize_t				n;

	if (itr_build_request(x, &p->eid, req) == -1)
		return -1;
	req->nonce = p->nonce;
	req->probe = true;		/* RFC 9301 §5.2: P bit */
	if ((n = lisp_encode_map_request(req, buf, LISP_MAX_MSG)) < 0)
		return -1;
	/* RFC 9301 §7.1: sent to the locator itself, not the mapping system */
	if (xtr_send(x, &p->rloc, LISP_CONTROL_PORT, buf, (size_t)n) == -1)
		return -1;
	cnt_inc(C_rloc_probe_sent);
	return 0;
}

/* Set the status of rloc in eid's map-cache entry; 1 if it changed. */
static int
set_status(struct xtrd *x, const struct ipprefix *eid,
    const struct ipaddr *rloc, bool up)
{
	const struct mc_entry	*e;
	struct mc_entry		 copy;
	int			 i, changed = 0;

	if ((e = mc_exact(x->mc, 0, eid)) == NULL)
		return 0;
	copy = *e;
	for (i = 0; i < copy.nrloc; i++)
		if (ipaddr_cmp(&copy.rloc[i].addr, rloc) == 0 &&
		    copy.rloc[i].up != up) {
			copy.rloc[i].up = up;
			changed = 1;
		}
	if (changed && mc_update(x->mc, &copy) == -1)
		return 0;
	return changed;
}

static void
probe_done(struct itr_probe *p, bool answered)
{
	struct xtrd	*x = p->x;

	timer_cancel(&x->timers, &p->t);
	p->used = false;
	if (answered == p->claimed_up)
		cnt_inc(C_lsb_confirmed);
	else
		cnt_drop(C_lsb_refuted, "locator-status-bits said %s for %s, "
		    "the RLOC-probe found it %s", p->claimed_up ? "up" : "down",
		    ipaddr_fmt(&p->rloc, (char[IPADDR_STRLEN]){ 0 },
		    IPADDR_STRLEN), answered ? "up" : "down");
	/* down only when the LSBs said so and the locator is silent */
	if (answered || !p->claimed_up) {
		if (set_status(x, &p->eid, &p->rloc, answered))
			tl_add(answered ? "rloc-up" : "rloc-down", &p->eid,
			    &p->rloc, "RLOC-probe %s, LSBs said %s",
			    answered ? "answered" : "unanswered",
			    p->claimed_up ? "up" : "down");
	}
}

static void
probe_timer(void *arg)
{
	struct itr_probe	*p = arg;

	if (p->tries >= RP_TRIES) {
		cnt_inc(C_rloc_probe_timeout);
		probe_done(p, false);
		return;
	}
	p->tries++;
	(void)send_probe(p->x, p);
	timer_set(&p->x->timers, &p->t, mono_ms() + RP_WAIT_MS);
}

int
rloc_probe_lsb(struct xtrd *x, const struct ipprefix *eid,
    const struct ipaddr *rloc, bool claimed_up)
{
	struct {
		struct ipprefix	eid;
		struct ipaddr	rloc;
	}			 key;
	struct itr_probe	*probes = x->itr->probes, *p = NULL;
	int			 i;

	for (i = 0; i < ITR_PROBES; i++) {
		if (probes[i].used && ipaddr_cmp(&probes[i].rloc, rloc) == 0 &&
		    ipprefix_cmp(&probes[i].eid, eid) == 0) {
			probes[i].claimed_up = claimed_up;	/* the latest */
			return 1;
		}
		if (!probes[i].used && p == NULL)
			p = &probes[i];
	}
	memset(&key, 0, sizeof(key));
	key.eid = *eid;
	key.rloc = *rloc;
	if (!rl_allow(x->itr->rl_probe, &key, sizeof(key), mono_ms()))
		return 1;
	if (p == NULL) {
		cnt_drop(C_drop_rloc_probe_full, "%d RLOC-probes outstanding",
		    ITR_PROBES);
		return -1;
	}
	memset(p, 0, sizeof(*p));
	p->used = true;
	p->x = x;
	p->nonce = lisp_nonce();
	p->eid = *eid;
	p->rloc = *rloc;
	p->claimed_up = claimed_up;
	p->tries = 1;
	timer_init(&p->t, probe_timer, p);
	(void)send_probe(x, p);
	timer_set(&x->timers, &p->t, mono_ms() + RP_WAIT_MS);
	tl_add("rloc-probe-sent", eid, rloc, "LSBs say %s",
	    claimed_up ? "up" : "down");
	return 0;
}

bool
rloc_probe_rx(struct xtrd *x, const struct lisp_map_reply *rep,
    const struct ipaddr *src)
{
	struct itr_probe	*probes = x->itr->probes;
	int			 i;

	(void)src;
	for (i = 0; i < ITR_PROBES; i++)
		if (probes[i].used && probes[i].nonce == rep->nonce) {
			cnt_inc(C_rloc_probe_reply);
			probe_done(&probes[i], true);
			return true;
		}
	return false;
}

void
rloc_probe_free(struct xtrd *x)
{
	struct itr_probe	*probes = x->itr->probes;
	int			 i;

	for (i = 0; i < ITR_PROBES; i++)
		if (probes[i].used) {
			timer_cancel(&x->timers, &probes[i].t);
			probes[i].used = false;
		}
}

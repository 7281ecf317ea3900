/*
 * dp_hold.c: the new site's half of a move (issue 18).  An EID that is
 * about to arrive here (POST /v1/expect: migrated at the `--incoming`
 * domain, or the migration wrapper; or the first packet a decap_peers
 * Dom0 redirects to it, see dp_hold_input) is "expected": a packet
 * decapsulated for it before the guest can take it (the old site's away
 * entry redirects to us from the suspend on, while the guest is still
 * being copied) is held in a per-EID queue instead of dropped as not
 * local.
 *
 * Release.  The queue goes into the site in arrival order, paced at
 * hold_release_pps so that the burst does not overflow the guest's vif
 * or its socket buffers; packets that keep arriving meanwhile join the
 * tail, so nothing overtakes.  When depends on who expects the EID:
 *  - "until": "arrival" (migrated): once the EID is in our database AND
 *    migrated says the guest can take packets (POST /v1/expect with
 *    "arrived": netfront connected, or the guest's first announcement).
 *    migrated registers at xl's rename (register_at = rename), before
 *    netfront connects: released at the database add, the queue went to
 *    a vif that was not connected yet.  Until the arrival, packets for
 *    the EID are held even though it is served here.  Bound: if no
 *    arrival comes within hold_timeout of the expectation, what is held
 *    is released anyway (the EID is served here) or dropped (it is not).
 *    Or, whichever comes first, at the guest's first packet: the ITR
 *    (dp_encap.c) shows us every packet the site routes into the TUN,
 *    and one whose source is the held EID means the guest runs here and
 *    its netfront is connected (dp_hold_sent), with no API call to be
 *    late (migrated's came 4-98 ms after the guest was up in the bench
 *    at load ~14, and the TCP stall went over the bound).
 *  - otherwise (an operator, an older migrated, or a hold started by a
 *    peer's redirect): at the database add, as before.
 *
 * Abort.  POST /v1/expect with "cancel" (the migration aborted: the
 * source runs the guest again): what is held follows the VM back, see
 * "Return" below; a hold with nothing in it just ends.
 *
 * Bounds (xtrd.conf): hold_eid_packets / hold_eid_bytes per EID,
 * hold_total_packets / hold_total_bytes in all; a packet beyond them is
 * dropped and counted (dp_drop_hold_full, rate-limited log), never one
 * already held.  An expectation not met in time drops what it holds
 * (dp_drop_hold_timeout); a return that finds nowhere to go within
 * hold_timeout of the cancel drops it (dp_drop_hold_cancel).
 *
 * Timeline (GET /v1/timeline), per EID: dp-hold-expect, dp-hold-first,
 * dp-hold-added (in the database, waiting for the arrival),
 * dp-hold-arrived, dp-hold-release, dp-hold-return, and one end event,
 * dp-hold-released / dp-hold-returned / dp-hold-cancelled /
 * dp-hold-timeout (or dp-hold-stopped: xtrd stopped), whose detail is
 * "held N, released N, returned N, dropped N".
 */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "dp_hold_ix.h"
#include "dp_int.h"
#include "mono.h"
#include "xtr/xtrd.h"

#define HOLD_ASK_MS	1000	/* return: one Map-Request a second
				 * (RFC 9301 §5.3: "Map-Requests MUST be
				 * rate limited to 1 per second per
				 * EID-Prefix") */

/* The ITR's fast path tests d->holding (one load) before it looks a
 * source up in the holds: kept with d->hold.n. */
static void
nhold_set(struct dp *d, int n)
{
	d->hold.n = n;
	d->holding = n > 0;
}

static struct dp_hold *
hold_find(struct dp *d, const struct ipaddr *a)
{
	int		 id = hix_match(&d->hold.ix, a);

	return id == -1 ? NULL : &d->hold.e[id];
}

static struct dp_hold *
hold_exact(struct dp *d, const struct ipprefix *eid)
{
	int		 id = hix_exact(&d->hold.ix, eid);

	return id == -1 ? NULL : &d->hold.e[id];
}

static bool
served_here(struct dp *d, const struct dp_hold *h)
{
	return d->up.is_local_eid(d->up.ctx, &h->eid.addr);
}

static void
hold_free_pkts(struct dp *d, struct dp_hold *h)
{
	struct dp_hpkt	*p;

	while ((p = h->head) != NULL) {
		h->head = p->next;
		free(p);
	}
	h->tail = NULL;
	d->hold.total_n -= h->n;
	d->hold.total_bytes -= h->bytes;
	h->n = 0;
	h->bytes = 0;
}

/* The end of a hold, with what became of every packet it took. */
static void
hold_end(struct dp *d, struct dp_hold *h, const char *ev)
{
	tl_add(ev, &h->eid, NULL, "held %llu, released %llu, returned %llu, "
	    "dropped %llu", (unsigned long long)h->held,
	    (unsigned long long)h->released, (unsigned long long)h->returned,
	    (unsigned long long)h->dropped);
	hold_free_pkts(d, h);
	hix_del(&d->hold.ix, (int)(h - d->hold.e));
	memset(h, 0, sizeof(*h));
	while (d->hold.n > 0 && !d->hold.e[d->hold.n - 1].used)
		nhold_set(d, d->hold.n - 1);
}

/* Drop all h holds, counted under c, and forget the expectation. */
static void
hold_drop_all(struct dp *d, struct dp_hold *h, enum dp_cnt c, const char *ev)
{
	h->dropped += h->n;
	if (h->n > 0)
		dp_alert(d, c,
		    "%u packets held for an expected EID dropped (%s)", h->n,
		    ev);
	if (h->n > 1)
		d->cnt[c] += h->n - 1;	/* dp_alert counted one */
	hold_end(d, h, ev);
}

static struct dp_hold *
hold_new(struct dp *d, const struct ipprefix *eid, const char *why)
{
	struct dp_hold	*h = NULL;
	int		 i;

	for (i = 0; i < DP_MAX_HOLD && h == NULL; i++)
		if (!d->hold.e[i].used)
			h = &d->hold.e[i];
	if (h == NULL)
		return NULL;
	memset(h, 0, sizeof(*h));
	if (hix_add(&d->hold.ix, eid, (int)(h - d->hold.e)) == -1)
		return NULL;
	h->used = true;
	h->eid = *eid;
	ipprefix_mask(&h->eid);
	h->since_ms = mono_ms();
	h->expires_ms = h->since_ms + (uint64_t)d->c->hold_timeout * 1000;
	if (h - d->hold.e + 1 > d->hold.n)
		nhold_set(d, (int)(h - d->hold.e + 1));
	DPC(d, hold_expected);
	tl_add("dp-hold-expect", eid, NULL, "%s, held up to %u packets", why,
	    d->c->hold_eid_packets);
	return h;
}

static void	pace_run(void *);

static void
pace_start(struct dp *d)
{
	if (dp_pace_start(&d->hold.pace, mono_ms()))
		pace_run(d);
}

/* The guest can take them: into the site, paced (or ended if empty). */
static void
hold_release_now(struct dp *d, struct dp_hold *h, const char *why)
{
	if (h->head == NULL) {
		hold_end(d, h, "dp-hold-released");
		return;
	}
	h->state = H_RELEASING;
	tl_add("dp-hold-release", &h->eid, NULL, "%u packets held for %llu "
	    "ms, %s", h->n, (unsigned long long)(d->now_ms - h->first_ms),
	    why);
	pace_start(d);
}

/*
 * Return.  The migration aborted: the guest runs at the source again,
 * and what we hold for it was (mostly) redirected to us by the source's
 * away entry.  Sending it back there looks like what issue 15's loop
 * rules forbid (dp_away_reencap: never re-encapsulate toward the RLOC a
 * packet came from, the other end of a two-xTR loop; inner TTL one less
 * on every re-encapsulation, RFC 9300 §5.3).  It is compatible with them
 * because it happens only once the mapping system says the EID is there
 * again, which means the away entry there has ended:
 *  - we ask the mapping system (a Map-Request through the Map-Resolver,
 *    RFC 9301 §5.3 rate: one a second) and use only a mapping installed
 *    after the cancel, whose chosen RLOC (RFC 9300 §6: priority, weight)
 *    is not one of ours;
 *  - the source's ETR answers a Map-Request for an EID it has an away
 *    entry for with where the EID went (etr_reply.c: "an EID of ours
 *    that moved is answered with where it went"), i.e. with us: such an
 *    answer is not taken, we keep holding and ask again.  The source
 *    answers with its own RLOC only once the EID is in its database
 *    again, and adding it ends its away entry (dp.c: "it came back"), so
 *    it delivers what we send instead of redirecting it;
 *  - a proxy Map-Reply (RFC 9301 §8.3: "If any of the registered ETRs
 *    for the EID-Prefix have requested proxy reply service, then the
 *    Map-Server answers the request instead of forwarding it") from the
 *    source's handed-over registration carries its RLOCs at priority 255
 *    only, "not to be used for unicast forwarding" (RFC 9301 §5.4), which
 *    mc_select_rloc_if() never picks: not taken either.  Should the
 *    source still redirect what we send, its own rule cuts the loop at
 *    once: it never sends a packet back to the RLOC it came from (us),
 *    dp_drop_loop there;
 *  - the inner TTL is decremented here as on any re-encapsulation, so a
 *    longer cycle through a third site still ends (dp_drop_ttl), and a
 *    held packet is sent back once at most: it leaves the hold when
 *    sent.
 * Packets that arrive for the EID while it returns join the tail, so
 * the order is kept.  The source must decapsulate from us: we are in its
 * decap_peers, as it is in ours for the redirect.
 */
static bool
rloc_returnable(const struct mc_rloc *r, void *arg)
{
	struct dp	*d = arg;

	return (r->addr.af == AF_INET ? d->udp4 : d->udp6) != -1 &&
	    !xc_has_rloc(d->x->conf, &r->addr);
}

/* The mapping h may return along: fresh (since the cancel), positive,
 * with an RLOC that is not ours; NULL if none (yet). */
static const struct mc_entry *
return_mapping(struct dp *d, const struct dp_hold *h)
{
	const struct mc_entry	*e;

	e = mc_lookup(d->x->mc, 0, &h->eid.addr, d->now_ms);
	if (e == NULL || e->negative || e->installed_ms < h->cancel_ms ||
	    mc_select_rloc_if(e, 0, rloc_returnable, d) == NULL)
		return NULL;
	return e;
}

/* Ask the mapping system where the EID is now, once a second. */
static void
return_ask(struct dp *d, struct dp_hold *h)
{
	if (h->asked_ms != 0 && d->now_ms - h->asked_ms < HOLD_ASK_MS)
		return;
	h->asked_ms = d->now_ms;
	(void)d->up.resolve(d->up.ctx, &h->eid);
}

static void
hold_return(struct dp *d, struct dp_hold *h)
{
	h->state = H_RETURNING;
	h->cancel_ms = d->now_ms;
	h->asked_ms = 0;
	h->expires_ms = d->now_ms + (uint64_t)d->c->hold_timeout * 1000;
	tl_add("dp-hold-return", &h->eid, NULL, "migration aborted: %u "
	    "packets held go back where the mapping system maps the EID",
	    h->n);
	return_ask(d, h);
	if (return_mapping(d, h) != NULL)
		pace_start(d);
}

/* The guest can take packets (cause: who says so): released if the EID
 * is served here, else at its add. */
static void
hold_arrived(struct dp *d, struct dp_hold *h, const char *why,
    const char *cause)
{
	bool	here = served_here(d, h);

	if (!h->arrived)
		tl_add("dp-hold-arrived", &h->eid, NULL, "%u packets held, EID "
		    "%s (%s)", h->n, here ? "served here: release" : "not "
		    "added yet: released at the add", cause);
	h->arrived = true;
	if (here)
		hold_release_now(d, h, why);
}

/*
 * A packet from the site (the ITR: what the kernel routed into the TUN)
 * with source src, while some hold is active (d->holding).  If src
 * is an EID held until its guest's arrival, the guest has arrived: it
 * sends, so it runs here, and it can receive, because a Xen frontend
 * connects its transmit and receive rings together.  Linux's netfront
 * (drivers/net/xen-netfront.c, talk_to_netback) sets up each queue's tx
 * and rx rings and event channel(s) in one step, publishes both
 * tx-ring-ref and rx-ring-ref in xenstore and fills the rx ring with
 * buffers before it says Connected; netback (xen-netback, xenvif_connect
 * / xenvif_connect_data) maps both rings in one call, and only then is
 * the vif's carrier on, so nothing of the guest's can reach the bridge
 * (and our TUN) before its rx ring is there too.  This comes at the
 * guest's first packet, with no API call in between; migrated's
 * "arrived" still releases if it comes first (hold_arrived is once).
 * A packet with a source we did not expect at this site is the guest's
 * own or a spoof by another guest of the site: the latter can release a
 * hold early (the held packets then meet a guest not yet connected),
 * not make us deliver anything we would not deliver at the arrival.
 */
void
dp_hold_sent(struct dp *d, const struct ipaddr *src)
{
	struct dp_hold	*h = hold_find(d, src);

	if (h == NULL || h->state != H_EXPECTING || !h->until_arrival ||
	    h->arrived)
		return;
	hold_arrived(d, h, "the guest sent its first packet", "its first "
	    "packet from the site");
}

/*
 * POST /v1/expect.  EXPECT, UNTIL_ARRIVAL: the EID is coming (1, 0
 * holding off, -1 no room); ARRIVED: the guest can take packets (1 if
 * a hold was told); CANCEL: the migration aborted (1 if packets go back,
 * 0 if nothing was held).
 */
int
dp_hold_expect(struct dp *d, const struct ipprefix *eid, enum dp_expect_op op)
{
	struct dp_hold	*h = hold_exact(d, eid);

	d->now_ms = mono_ms();
	switch (op) {
	case DPE_CANCEL:
		if (h == NULL)
			return 0;
		if (h->state == H_RETURNING)
			return 1;
		if (h->head == NULL) {
			hold_end(d, h, "dp-hold-cancelled");
			return 0;
		}
		hold_return(d, h);
		return 1;
	case DPE_ARRIVED:
		if (h == NULL || h->state != H_EXPECTING)
			return 0;
		hold_arrived(d, h, "the guest arrived", "migrated");
		return 1;
	case DPE_EXPECT:
	case DPE_UNTIL_ARRIVAL:
		break;
	}
	if (d->c->hold_eid_packets == 0)
		return 0;		/* holding off */
	if (h == NULL && (h = hold_new(d, eid, op == DPE_UNTIL_ARRIVAL ?
	    "expected, released at its arrival" : "expected")) == NULL)
		return -1;
	if (h->state == H_RETURNING) {
		/* coming again (a new attempt): hold what did not go back */
		h->state = H_EXPECTING;
		tl_add("dp-hold-expect", &h->eid, NULL, "expected again, %u "
		    "packets still held", h->n);
	}
	if (op == DPE_UNTIL_ARRIVAL)
		h->until_arrival = true;
	h->expires_ms = d->now_ms + (uint64_t)d->c->hold_timeout * 1000;
	return 1;
}

/* Still held although the EID may be served here. */
static bool
must_hold(const struct dp_hold *h)
{
	return h->state != H_EXPECTING || (h->until_arrival && !h->arrived);
}

/*
 * A packet decapsulated for pp->dst (its outer source checked): held if
 * its EID is expected and the guest cannot take it yet, or while what
 * it holds is released or returned (the order is kept).  True if held
 * or dropped.
 */
bool
dp_hold_input(struct dp *d, const uint8_t *pkt, const struct dp_pkt *pp,
    bool from_peer)
{
	const struct dp_conf	*c = d->c;
	struct dp_hold		*h;
	struct dp_hpkt		*p;
	struct ipprefix		 host;
	char			 a[IPADDR_STRLEN];

	if ((h = d->hold.n > 0 ? hold_find(d, &pp->dst) : NULL) == NULL) {
		/* Not announced: libxl introduces an incoming domain to
		 * xenstore only at its build_post, at the end of the
		 * blackout, so migrated can name it no earlier than the
		 * blackout ends.  A peer Dom0 (decap_peers) redirects only
		 * the packets of a guest that left it for us: its first
		 * such packet is the expectation (not on a PxTR, which
		 * delivers whatever arrives). */
		if (!from_peer || c->hold_eid_packets == 0 || c->pxtr ||
		    !dp_unicast(&pp->dst) ||
		    d->up.is_local_eid(d->up.ctx, &pp->dst))
			return false;
		ipprefix_host(&pp->dst, &host);
		if ((h = hold_new(d, &host, "redirected by a peer")) == NULL)
			return false;
	}
	if (!must_hold(h) && d->up.is_local_eid(d->up.ctx, &pp->dst))
		return false;	/* added, nothing held: deliver */
	if (h->n + 1 > c->hold_eid_packets ||
	    h->bytes + pp->len > c->hold_eid_bytes ||
	    d->hold.total_n + 1 > c->hold_total_packets ||
	    d->hold.total_bytes + pp->len > c->hold_total_bytes ||
	    (p = malloc(sizeof(*p) + pp->len)) == NULL) {
		h->dropped++;
		dp_drop(d, DPC_drop_hold_full, "hold for %s full (%u packets)",
		    ipaddr_fmt(&pp->dst, a, sizeof(a)), h->n);
		return true;
	}
	p->next = NULL;
	p->len = pp->len;
	memcpy(p->data, pkt, pp->len);
	if (h->tail != NULL)
		h->tail->next = p;
	else
		h->head = p;
	h->tail = p;
	h->n++;
	h->bytes += pp->len;
	d->hold.total_n++;
	d->hold.total_bytes += pp->len;
	if (h->held++ == 0) {
		h->first_ms = d->now_ms;
		tl_add("dp-hold-first", &h->eid, NULL, "%llu ms after expect",
		    (unsigned long long)(d->now_ms - h->since_ms));
	}
	DPC(d, held);
	return true;
}

static struct dp_hpkt *
hold_pop(struct dp *d, struct dp_hold *h)
{
	struct dp_hpkt	*p = h->head;

	h->head = p->next;
	if (h->head == NULL)
		h->tail = NULL;
	h->n--;
	h->bytes -= p->len;
	d->hold.total_n--;
	d->hold.total_bytes -= p->len;
	return p;
}

/* Deliver one held packet (in order) into the site. */
static void
release_one(struct dp *d, struct dp_hold *h)
{
	struct dp_hpkt	*p = hold_pop(d, h);
	struct dp_pkt	 pp;

	/* dp_tun_write counts its own failure (drop_tun_write) */
	if (dp_pkt_parse(p->data, p->len, &pp) != DPP_OK) {
		DPC(d, drop_bad_inner);
		h->dropped++;
	} else if (dp_tun_write(d, p->data, p->len) == 0) {
		h->released++;
		DPC(d, hold_released);
	} else
		h->dropped++;
	free(p);
}

/* Send one held packet (in order) back along e (see "Return"); the
 * buffer goes on *sent, to be freed once the send batch is flushed. */
static void
return_one(struct dp *d, struct dp_hold *h, const struct mc_entry *e,
    struct dp_hpkt **sent)
{
	struct dp_hpkt		*p = hold_pop(d, h);
	const struct mc_rloc	*r;
	struct dp_pkt		 pp;
	char			 a[IPADDR_STRLEN];

	p->next = *sent;
	*sent = p;
	if (dp_pkt_parse(p->data, p->len, &pp) != DPP_OK) {
		DPC(d, drop_bad_inner);
		h->dropped++;
		return;
	}
	if (dp_ttl_dec(p->data, &pp) == -1) {
		h->dropped++;
		dp_alert(d, DPC_drop_ttl, "%s: TTL exhausted on its return to "
		    "the source", ipaddr_fmt(&pp.dst, a, sizeof(a)));
		return;
	}
	pp.ttl--;
	/* RFC 9300 §6: the flow's RLOC among the mapping's usable ones */
	r = mc_select_rloc_if(e, pp.hash, rloc_returnable, d);
	if (r != NULL && dp_encap(d, &r->addr, p->data, p->len, &pp) == 0) {
		h->returned++;
		DPC(d, hold_returned);
	} else
		h->dropped++;	/* dp_encap counted why */
}

static void
pace_run(void *arg)
{
	struct dp	*d = arg;
	const struct mc_entry	*e;
	struct dp_hpkt		*sent = NULL, *p;
	uint64_t		 now = mono_ms();
	double			 pps = d->c->hold_release_pps;
	int			 i;
	bool			 more = false;

	d->now_ms = now;
	dp_pace_fill(&d->hold.pace, pps, now);
	for (i = 0; i < d->hold.n; i++) {
		struct dp_hold *h = &d->hold.e[i];

		if (!h->used || h->state == H_EXPECTING)
			continue;
		if (h->state == H_RELEASING) {
			while (h->head != NULL &&
			    dp_pace_take(&d->hold.pace))
				release_one(d, h);
		} else if ((e = return_mapping(d, h)) != NULL) {
			while (h->head != NULL &&
			    dp_pace_take(&d->hold.pace))
				return_one(d, h, e, &sent);
		} else
			continue;	/* dp_hold_tick asks, and starts us */
		if (h->head == NULL)
			hold_end(d, h, h->state == H_RELEASING ?
			    "dp-hold-released" : "dp-hold-returned");
		else
			more = true;
	}
	if (sent != NULL) {
		dp_tx_flush(d);		/* the batch points into sent */
		while ((p = sent) != NULL) {
			sent = p->next;
			free(p);
		}
	}
	if (more)
		timer_set(&d->x->timers, &d->hold.pace.t, now + DP_PACE_MS);
}

/* The EID (or a prefix covering it) is served here now: release, unless
 * migrated has yet to say the guest can take packets. */
void
dp_hold_release(struct dp *d, const struct ipprefix *added)
{
	int	i;

	for (i = 0; i < d->hold.n; i++) {
		struct dp_hold *h = &d->hold.e[i];

		if (!h->used || h->state != H_EXPECTING ||
		    !ipprefix_contains_addr(added, &h->eid.addr) ||
		    h->eid.plen < added->plen)
			continue;
		if (h->until_arrival && !h->arrived) {
			if (!h->added_seen)
				tl_add("dp-hold-added", &h->eid, NULL, "%u "
				    "packets held until the guest can take "
				    "them (migrated's arrival)", h->n);
			h->added_seen = true;
			continue;
		}
		hold_release_now(d, h, h->until_arrival ? "added after the "
		    "guest arrived" : "added");
	}
}

void
dp_hold_tick(struct dp *d)
{
	int	i;

	for (i = 0; i < d->hold.n; i++) {
		struct dp_hold *h = &d->hold.e[i];

		if (!h->used || h->state == H_RELEASING)
			continue;
		if (h->state == H_RETURNING) {
			if (d->now_ms >= h->expires_ms)
				hold_drop_all(d, h, DPC_drop_hold_cancel,
				    "dp-hold-cancelled");
			else if (return_mapping(d, h) != NULL)
				pace_start(d);
			else
				return_ask(d, h);
			continue;
		}
		if (d->now_ms < h->expires_ms)
			continue;
		/* no arrival in time: the database is the word then */
		if (h->until_arrival && served_here(d, h))
			hold_release_now(d, h,
			    "no arrival within hold_timeout");
		else
			hold_drop_all(d, h, DPC_drop_hold_timeout,
			    "dp-hold-timeout");
	}
}

void
dp_hold_init(struct dp *d)
{
	uint32_t	seed = 0;

	timer_init(&d->hold.pace.t, pace_run, d);
	/* buckets nobody outside can aim at (a peer chooses the EIDs of
	 * the holds it starts) */
	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != sizeof(seed))
		seed = (uint32_t)mono_ms();
	hix_init(&d->hold.ix, seed);
}

/* xtrd stops: what is held dies with it, said per EID in the timeline
 * (and so in the log) and once as a warning. */
void
dp_hold_free(struct dp *d)
{
	uint64_t	lost = 0;
	int		i, neid = 0;

	timer_cancel(&d->x->timers, &d->hold.pace.t);
	for (i = 0; i < d->hold.n; i++) {
		if (!d->hold.e[i].used)
			continue;
		lost += d->hold.e[i].n;
		neid += d->hold.e[i].n > 0;
		d->hold.e[i].dropped += d->hold.e[i].n;
		hold_end(d, &d->hold.e[i], "dp-hold-stopped");
	}
	if (lost > 0)
		log_warnx("dp: %llu packets held for %d arriving EIDs dropped "
		    "at the stop", (unsigned long long)lost, neid);
	memset(d->hold.e, 0, sizeof(d->hold.e));
	hix_init(&d->hold.ix, 0);
	nhold_set(d, 0);
	d->hold.total_n = 0;
	d->hold.total_bytes = 0;
}

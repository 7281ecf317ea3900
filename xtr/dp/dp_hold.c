/*
 * dp_hold.c: the new site's half of a move (issue 18).  An EID that is
 * about to arrive here (POST /v1/expect: migrated at the `--incoming`
 * domain, or the migration wrapper; or the first packet a decap_peers
 * Dom0 redirects to it, see dp_hold_input) is "expected": a packet
 * decapsulated
 * for it before it is served here (the old site's away entry redirects
 * to us from the suspend on, while the guest is still being copied) is
 * held in a per-EID queue instead of dropped as not local.  When the EID
 * is added to our database (migrated's arrival: the guest's netfront
 * connected or its first announcement) the queue is released into the
 * site in arrival order, paced at hold_release_pps so that the burst
 * does not overflow the guest's vif or its socket buffers; packets that
 * keep arriving meanwhile join the tail, so nothing overtakes.
 *
 * Bounds (xtrd.conf): hold_eid_packets / hold_eid_bytes per EID,
 * hold_total_packets / hold_total_bytes in all; a packet beyond them is
 * dropped and counted (dp_drop_hold_full), never one already held.  An
 * expectation not met within hold_timeout seconds (or cancelled: the
 * migration aborted, POST /v1/expect with "cancel") drops what it holds,
 * counted (dp_drop_hold_timeout, dp_drop_hold_cancel): the source site
 * takes the EID back and its correspondents resend.
 */
#include <stdlib.h>
#include <string.h>

#include "dp_int.h"
#include "mono.h"
#include "xtr/xtrd.h"

#define DP_MAX_HOLD	256	/* EIDs expected at once */
#define HOLD_PACE_MS	1	/* release timer period */

struct hpkt {
	struct hpkt	*next;
	size_t		 len;
	uint8_t		 data[];
};

struct hold {
	bool		 used;
	bool		 releasing;	/* the EID is here: draining */
	struct ipprefix	 eid;
	uint64_t	 since_ms, expires_ms, first_ms;
	uint32_t	 n;
	size_t		 bytes;
	uint64_t	 held, released, dropped;
	struct hpkt	*head, *tail;
};

static struct hold	hold[DP_MAX_HOLD];
static int		nhold;		/* highest used slot + 1 */
static uint32_t		total_n;
static size_t		total_bytes;
static struct timer	pace;
static uint64_t		pace_last_ms;
static double		tokens;

static struct hold *
hold_find(const struct ipaddr *a)
{
	int	i;

	for (i = 0; i < nhold; i++)
		if (hold[i].used && ipprefix_contains_addr(&hold[i].eid, a))
			return &hold[i];
	return NULL;
}

static void
hold_free_pkts(struct hold *h)
{
	struct hpkt	*p;

	while ((p = h->head) != NULL) {
		h->head = p->next;
		free(p);
	}
	h->tail = NULL;
	total_n -= h->n;
	total_bytes -= h->bytes;
	h->n = 0;
	h->bytes = 0;
}

static void
hold_end(struct hold *h, const char *ev)
{
	tl_add(ev, &h->eid, NULL, "%llu held, %llu released, %llu dropped",
	    (unsigned long long)h->held, (unsigned long long)h->released,
	    (unsigned long long)h->dropped);
	hold_free_pkts(h);
	memset(h, 0, sizeof(*h));
	while (nhold > 0 && !hold[nhold - 1].used)
		nhold--;
}

/* Drop all h holds, counted under c, and forget the expectation. */
static void
hold_drop_all(struct hold *h, enum dp_cnt c, const char *ev)
{
	dp_g->cnt[c] += h->n;
	h->dropped += h->n;
	if (h->n > 0)
		dp_alert(c, "%u packets held for an expected EID dropped (%s)",
		    h->n, ev);
	hold_end(h, ev);
}

static struct hold *
hold_new(const struct ipprefix *eid, const char *why)
{
	struct hold	*h = NULL;
	int		 i;

	for (i = 0; i < DP_MAX_HOLD && h == NULL; i++)
		if (!hold[i].used)
			h = &hold[i];
	if (h == NULL)
		return NULL;
	memset(h, 0, sizeof(*h));
	h->used = true;
	h->eid = *eid;
	h->since_ms = mono_ms();
	h->expires_ms = h->since_ms + (uint64_t)dp_g->c->hold_timeout * 1000;
	if (h - hold + 1 > nhold)
		nhold = (int)(h - hold + 1);
	DPC(hold_expected);
	tl_add("dp-hold-expect", eid, NULL, "%s, held up to %u packets", why,
	    dp_g->c->hold_eid_packets);
	return h;
}

int
dp_hold_expect(const struct ipprefix *eid, bool cancel)
{
	struct hold	*h = NULL;
	int		 i;

	for (i = 0; i < nhold; i++)
		if (hold[i].used && ipprefix_cmp(&hold[i].eid, eid) == 0)
			h = &hold[i];
	if (cancel) {
		if (h != NULL)
			hold_drop_all(h, DPC_drop_hold_cancel,
			    "dp-hold-cancelled");
		return 0;
	}
	if (dp_g->c->hold_eid_packets == 0)
		return 0;		/* holding off */
	if (h == NULL && (h = hold_new(eid, "expected")) == NULL)
		return -1;
	h->expires_ms = mono_ms() + (uint64_t)dp_g->c->hold_timeout * 1000;
	return 1;
}

/*
 * A packet decapsulated for pp->dst (its outer source checked): held if
 * its EID is expected and not served here yet, or served but still
 * releasing what it held (the order is kept).  True if held or dropped.
 */
bool
dp_hold_input(const uint8_t *pkt, const struct dp_pkt *pp, bool from_peer)
{
	const struct dp_conf	*c = dp_g->c;
	struct hold		*h;
	struct hpkt		*p;
	struct ipprefix		 host;
	char			 a[IPADDR_STRLEN];

	if ((h = nhold > 0 ? hold_find(&pp->dst) : NULL) == NULL) {
		/* Not announced: libxl introduces an incoming domain to
		 * xenstore only at its build_post, at the end of the
		 * blackout, so migrated can name it no earlier than the
		 * blackout ends.  A peer Dom0 (decap_peers) redirects only
		 * the packets of a guest that left it for us: its first
		 * such packet is the expectation (not on a PxTR, which
		 * delivers whatever arrives). */
		if (!from_peer || c->hold_eid_packets == 0 || c->pxtr ||
		    !dp_unicast(&pp->dst) ||
		    dp_g->up.is_local_eid(dp_g->up.ctx, &pp->dst))
			return false;
		ipprefix_host(&pp->dst, &host);
		if ((h = hold_new(&host, "redirected by a peer")) == NULL)
			return false;
	}
	if (!h->releasing && dp_g->up.is_local_eid(dp_g->up.ctx, &pp->dst))
		return false;	/* added, nothing held: deliver */
	if (h->n + 1 > c->hold_eid_packets ||
	    h->bytes + pp->len > c->hold_eid_bytes ||
	    total_n + 1 > c->hold_total_packets ||
	    total_bytes + pp->len > c->hold_total_bytes ||
	    (p = malloc(sizeof(*p) + pp->len)) == NULL) {
		h->dropped++;
		dp_drop(DPC_drop_hold_full, "hold for %s full (%u packets)",
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
	total_n++;
	total_bytes += pp->len;
	if (h->held++ == 0) {
		h->first_ms = dp_g->now_ms;
		tl_add("dp-hold-first", &h->eid, NULL, "%llu ms after expect",
		    (unsigned long long)(dp_g->now_ms - h->since_ms));
	}
	DPC(held);
	return true;
}

/* Deliver one held packet (in order) into the site. */
static void
release_one(struct hold *h)
{
	struct hpkt	*p = h->head;
	struct dp_pkt	 pp;

	h->head = p->next;
	if (h->head == NULL)
		h->tail = NULL;
	h->n--;
	h->bytes -= p->len;
	total_n--;
	total_bytes -= p->len;
	/* dp_tun_write counts its own failure (drop_tun_write) */
	if (dp_pkt_parse(p->data, p->len, &pp) != DPP_OK) {
		DPC(drop_bad_inner);
		h->dropped++;
	} else if (dp_tun_write(p->data, p->len) == 0) {
		h->released++;
		DPC(hold_released);
	} else
		h->dropped++;
	free(p);
}

static void
pace_run(void *arg)
{
	uint64_t	now = mono_ms();
	double		pps = dp_g->c->hold_release_pps;
	int		i;
	bool		more = false;

	(void)arg;
	tokens += (double)(now - pace_last_ms) * pps / 1000.0;
	/* at most ~4 ms of the pace in one burst */
	if (tokens > pps / 250.0 + 1)
		tokens = pps / 250.0 + 1;
	pace_last_ms = now;
	for (i = 0; i < nhold; i++) {
		struct hold *h = &hold[i];

		if (!h->used || !h->releasing)
			continue;
		while (h->head != NULL && tokens >= 1) {
			release_one(h);
			tokens -= 1;
		}
		if (h->head == NULL)
			hold_end(h, "dp-hold-released");
		else
			more = true;
	}
	if (more)
		timer_set(&dp_g->x->timers, &pace, now + HOLD_PACE_MS);
}

/* The EID (or a prefix covering it) is served here now: release. */
void
dp_hold_release(const struct ipprefix *added)
{
	int	i;
	bool	any = false;

	for (i = 0; i < nhold; i++) {
		struct hold *h = &hold[i];

		if (!h->used || h->releasing ||
		    !ipprefix_contains_addr(added, &h->eid.addr) ||
		    h->eid.plen < added->plen)
			continue;
		if (h->head == NULL) {
			hold_end(h, "dp-hold-released");
			continue;
		}
		h->releasing = true;
		tl_add("dp-hold-release", &h->eid, NULL, "%u packets held "
		    "for %llu ms", h->n, (unsigned long long)(dp_g->now_ms -
		    h->first_ms));
		any = true;
	}
	if (any && !timer_armed(&pace)) {
		pace_last_ms = mono_ms();
		tokens = 1;
		pace_run(NULL);
	}
}

void
dp_hold_tick(void)
{
	int	i;

	for (i = 0; i < nhold; i++)
		if (hold[i].used && !hold[i].releasing &&
		    dp_g->now_ms >= hold[i].expires_ms)
			hold_drop_all(&hold[i], DPC_drop_hold_timeout,
			    "dp-hold-timeout");
}

void
dp_hold_init(void)
{
	timer_init(&pace, pace_run, NULL);
}

void
dp_hold_free(void)
{
	int	i;

	if (dp_g != NULL)
		timer_cancel(&dp_g->x->timers, &pace);
	for (i = 0; i < nhold; i++)
		hold_free_pkts(&hold[i]);
	memset(hold, 0, sizeof(hold));
	nhold = 0;
	total_n = 0;
	total_bytes = 0;
}

/*
 * test_xtr_smr.c: smr.c's fan-out and its follow-up (RFC 9301 §6.1).
 * The layout deployed xTRs accept: one SMR per map-cache entry, the
 * cached prefix in the EID-record and the changed EID in Source-EID.
 * A new site SMRs when it registers, before its guest has talked to
 * anyone: an RLOC that enters the map-cache within SMR_FOLLOW_MS of the
 * fan-out must get the same SMR once, never ourselves, never an RLOC the
 * fan-out reached already, and nothing once the window is over.  The
 * transport, the Map-Request encoder, counters, timeline and clock are
 * stubs; the map-cache and the rate limiter are the real ones.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mono.h"
#include "xtr/cp/cp.h"
#include "xtr/xtrd.h"

/* --- stubs ---------------------------------------------------------------- */

static uint64_t		now_ms = 1000000;
static struct ipaddr	sent_to[64];
static struct lisp_map_request sent_req[64];	/* what was encoded */
static int		nsent, nenc;

uint64_t
mono_ms(void)
{
	return now_ms;
}

uint64_t
mono_us(void)
{
	return now_ms * 1000;
}

int
xtr_send(struct xtrd *x, const struct ipaddr *to, uint16_t port,
    const void *buf, size_t len)
{
	(void)x; (void)port; (void)buf; (void)len;
	if (nsent < 64)
		sent_to[nsent++] = *to;
	return 0;
}

int
itr_build_request(struct xtrd *x, const struct ipprefix *eid,
    struct lisp_map_request *req)
{
	(void)x;
	memset(req, 0, sizeof(*req));
	req->nrec = 1;
	req->rec[0].plen = eid->plen;
	req->rec[0].eid.ip = eid->addr;
	return 0;
}

ssize_t
lisp_encode_map_request(const struct lisp_map_request *req, uint8_t *buf,
    size_t len)
{
	if (nenc < 64)
		sent_req[nenc++] = *req;
	if (len < 4)
		return -1;
	memset(buf, 0, 4);
	return 4;
}

static int	nresolved;

int
itr_resolve(struct xtrd *x, const struct ipprefix *eid, bool smr_invoked)
{
	(void)x; (void)eid; (void)smr_invoked;
	nresolved++;
	return 0;
}

void
cnt_inc(enum cnt c)
{
	(void)c;
}

void
cnt_drop(enum cnt c, const char *fmt, ...)
{
	(void)c; (void)fmt;
}

void
cnt_drop_lerr(enum lisp_err e, const char *fmt, ...)
{
	(void)e; (void)fmt;
}

void
tl_add(const char *event, const struct ipprefix *eid,
    const struct ipaddr *peer, const char *fmt, ...)
{
	(void)event; (void)eid; (void)peer; (void)fmt;
}

/* --- helpers -------------------------------------------------------------- */

static struct xtr_conf	conf;
static struct xtrd	xt;
/* the ITR's state (x->itr): smr.c's follow-ups live on across the tests,
 * as when they were smr.c's file statics */
static struct itr_state	its;

static struct ipaddr
a4(const char *s)
{
	struct ipaddr	a;

	assert_int_equal(ipaddr_parse(s, &a), 0);
	return a;
}

static struct ipprefix
p4(const char *s, int plen)
{
	struct ipprefix	p;

	p.addr = a4(s);
	p.plen = (uint8_t)plen;
	return p;
}

static void
cache(const char *eid, int plen, const char *rloc)
{
	struct mc_entry	e;

	memset(&e, 0, sizeof(e));
	e.eid = p4(eid, plen);
	e.nrloc = 1;
	e.rloc[0].addr = a4(rloc);
	e.rloc[0].priority = 1;
	e.rloc[0].weight = 100;
	e.rloc[0].up = true;
	e.installed_ms = now_ms;
	e.expires_ms = now_ms + 3600000;
	assert_int_equal(mc_update(xt.mc, &e), 0);
}

static int
sent_count(const char *rloc)
{
	struct ipaddr	a = a4(rloc);
	int		i, n = 0;

	for (i = 0; i < nsent; i++)
		if (ipaddr_cmp(&sent_to[i], &a) == 0)
			n++;
	return n;
}

static int
setup(void **state)
{
	(void)state;
	memset(&conf, 0, sizeof(conf));
	conf.nrloc = 1;
	conf.rloc[0] = a4("192.0.2.2");		/* us: the new site */
	memset(&xt, 0, sizeof(xt));
	xt.conf = &conf;
	xt.itr = &its;
	assert_non_null(xt.mc = mc_new());
	assert_non_null(its.rl_smr_out = rl_new(64, 1000));
	assert_non_null(its.rl_smr_in = rl_new(64, 1000));
	assert_non_null(its.smr_src = tbt_new(64, SMR_SRC_RATE,
	    SMR_SRC_BURST));
	tb_init(&its.smr_in_bucket, 100, 200, now_ms);
	nsent = nenc = 0;
	nresolved = 0;
	now_ms += 100000;	/* past any window of the previous test */
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	mc_free(xt.mc);
	rl_free(its.rl_smr_out);
	rl_free(its.rl_smr_in);
	tbt_free(its.smr_src);
	return 0;
}

/* --- tests ---------------------------------------------------------------- */

/* The guest's correspondent is resolved after the fan-out: SMRed once. */
static void
follow_up_new_rloc(void **state)
{
	struct ipprefix	vm = p4("198.51.100.5", 32);
	struct ipaddr	r[2];

	(void)state;
	assert_int_equal(smr_send(&xt, &vm, NULL, 0, NULL), 0);
	assert_int_equal(nsent, 0);		/* empty cache: nobody */
	now_ms += 300;
	struct ipprefix	pc = p4("203.0.113.0", 25);

	cache("203.0.113.0", 25, "192.0.2.3");
	r[0] = a4("192.0.2.3");
	smr_follow_up(&xt, &pc, r, 1);
	assert_int_equal(sent_count("192.0.2.3"), 1);
	/* the new mapping's prefix in the EID-record, the VM in Source-EID */
	assert_int_equal(sent_req[0].rec[0].plen, 25);
	assert_int_equal(ipaddr_cmp(&sent_req[0].rec[0].eid.ip, &pc.addr), 0);
	assert_int_equal(ipaddr_cmp(&sent_req[0].source_eid.ip, &vm.addr), 0);
	now_ms += 1500;				/* past the rate limit */
	smr_follow_up(&xt, &pc, r, 1);		/* a second mapping from it */
	assert_int_equal(sent_count("192.0.2.3"), 1);
	r[0] = a4("192.0.2.2");			/* ourselves: never */
	r[1] = a4("192.0.2.9");
	smr_follow_up(&xt, &pc, r, 2);
	assert_int_equal(sent_count("192.0.2.2"), 0);
	assert_int_equal(sent_count("192.0.2.9"), 1);
}

/* An RLOC the fan-out reached gets no second SMR from the follow-up. */
static void
no_repeat_after_fan_out(void **state)
{
	struct ipprefix	vm = p4("198.51.100.5", 32);
	struct ipprefix	pc = p4("203.0.113.0", 25);
	struct ipaddr	r = a4("192.0.2.3");

	(void)state;
	cache("203.0.113.0", 25, "192.0.2.3");
	assert_int_equal(smr_send(&xt, &vm, NULL, 0, NULL), 1);
	assert_int_equal(sent_count("192.0.2.3"), 1);
	now_ms += 2000;
	smr_follow_up(&xt, &pc, &r, 1);
	assert_int_equal(sent_count("192.0.2.3"), 1);
}

/* Once the window is over, a new RLOC is not SMRed. */
static void
window_ends(void **state)
{
	struct ipprefix	vm = p4("198.51.100.5", 32);
	struct ipprefix	pc = p4("203.0.113.0", 25);
	struct ipaddr	r = a4("192.0.2.3");

	(void)state;
	assert_int_equal(smr_send(&xt, &vm, NULL, 0, NULL), 0);
	now_ms += 10001;
	smr_follow_up(&xt, &pc, &r, 1);
	assert_int_equal(nsent, 0);
}

/*
 * RFC 9301 §6.1 as deployed: one SMR per map-cache entry, even two to the
 * same RLOC, each with the cached prefix (the receiver's EID) in the
 * EID-record, the changed EID in Source-EID, S and D set; a negative
 * entry (no RLOC) and an entry pointing at ourselves get none.
 */
static void
layout_one_per_entry(void **state)
{
	struct ipprefix	vm = p4("198.51.100.5", 32);
	struct ipprefix	lo = p4("203.0.113.0", 25), hi = p4("203.0.113.128", 25);
	struct ipaddr	out[4];
	int		i, ntargets = 0, seen[2] = { 0, 0 };

	(void)state;
	cache("203.0.113.0", 25, "192.0.2.3");
	cache("203.0.113.128", 25, "192.0.2.3");
	cache("198.51.100.0", 24, "192.0.2.2");	/* ourselves */
	assert_int_equal(smr_send(&xt, &vm, out, 4, &ntargets), 2);
	assert_int_equal(ntargets, 2);
	assert_int_equal(sent_count("192.0.2.3"), 2);
	assert_int_equal(ipaddr_cmp(&out[0], &sent_to[0]), 0);
	for (i = 0; i < nenc; i++) {
		const struct lisp_map_request *q = &sent_req[i];

		assert_true(q->smr);
		assert_true(q->dont_map_reply);
		assert_int_equal(ipaddr_cmp(&q->source_eid.ip, &vm.addr), 0);
		assert_int_equal(q->rec[0].plen, 25);
		if (ipaddr_cmp(&q->rec[0].eid.ip, &lo.addr) == 0)
			seen[0]++;
		if (ipaddr_cmp(&q->rec[0].eid.ip, &hi.addr) == 0)
			seen[1]++;
	}
	assert_int_equal(nenc, 2);
	assert_int_equal(seen[0], 1);
	assert_int_equal(seen[1], 1);
	/* a new change at once: SMRed again (it must reach the peer) ... */
	assert_int_equal(smr_send(&xt, &vm, NULL, 0, NULL), 2);
	/* ... but the away entry's per-packet SMRs are limited */
	assert_int_equal(smr_send_one(&xt, &vm, &out[0], NULL), 0);
	assert_int_equal(smr_send_one(&xt, &vm, &out[0], NULL), -1);
}

static void
smr_from(const char *src, const char *eid)
{
	struct lisp_map_request	req;
	struct ipaddr		s = a4(src);

	memset(&req, 0, sizeof(req));
	req.smr = true;
	req.source_eid.ip = a4(eid);
	smr_rx(&xt, &req, &s);
}

/* Junk cannot spend what real SMRs need (issue 15 finding 6): 2000 SMRs
 * a second for EIDs we never cached, and a flood from one source for an
 * EID we did cache, leave every real SMR (another source, a cached EID,
 * one a second) its Map-Request. */
static void
junk_does_not_starve(void **state)
{
	char	eid[32];
	int	i, j, n, real = 0;

	(void)state;
	cache("10.1.0.0", 24, "192.0.2.1");
	for (i = 0; i < 6; i++) {
		for (j = 0; j < 2000; j++) {
			snprintf(eid, sizeof(eid), "10.%d.%d.%d", 100 + j % 50,
			    j / 250, j % 250);
			smr_from("192.0.2.66", eid);	/* not cached */
			if (j % 10 == 0)
				smr_from("192.0.2.66", "10.1.0.10");
			if (j == 1001) {		/* the real one */
				n = nresolved;
				smr_from("192.0.2.1", "10.1.0.10");
				real += nresolved - n;
			}
			now_ms += (uint64_t)(j % 2);	/* 2000 a second */
		}
	}
	assert_int_equal(real, 6);
}

/* One source is held to its own budget. */
static void
per_source_budget(void **state)
{
	char	eid[32];
	int	i;

	(void)state;
	cache("10.0.0.0", 8, "192.0.2.1");
	for (i = 0; i < 100; i++) {
		snprintf(eid, sizeof(eid), "10.9.0.%d", i);
		smr_from("192.0.2.66", eid);
	}
	assert_int_equal(nresolved, SMR_SRC_BURST);
	smr_from("192.0.2.3", "10.9.0.1");	/* another source: its own */
	assert_int_equal(nresolved, SMR_SRC_BURST + 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(follow_up_new_rloc, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(no_repeat_after_fan_out, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(window_ends, setup, teardown),
		cmocka_unit_test_setup_teardown(layout_one_per_entry, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(junk_does_not_starve, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(per_source_budget, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_map_cache.c: map-cache updates, longest match per instance-ID, TTL
 * expiry (against a reference), negative entries and RLOC selection.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "addr.h"
#include "xtr/map_cache.h"

static struct mc_entry
E(uint32_t iid, const char *eid, uint64_t expires)
{
	struct mc_entry	e;

	memset(&e, 0, sizeof(e));
	e.iid = iid;
	assert_int_equal(ipprefix_parse(eid, &e.eid), 0);
	e.expires_ms = expires;
	e.ttl_min = 1440;
	e.nrloc = 1;
	assert_int_equal(ipaddr_parse("192.0.2.1", &e.rloc[0].addr), 0);
	e.rloc[0].priority = 1;
	e.rloc[0].weight = 100;
	e.rloc[0].up = true;
	return e;
}

static struct ipaddr
A(const char *s)
{
	struct ipaddr	a;

	assert_int_equal(ipaddr_parse(s, &a), 0);
	return a;
}

static struct ipprefix
P(const char *s)
{
	struct ipprefix	p;

	assert_int_equal(ipprefix_parse(s, &p), 0);
	return p;
}

static const char *
lookup_fmt(struct map_cache *mc, uint32_t iid, const char *dst, uint64_t now,
    char *buf)
{
	struct ipaddr		 a = A(dst);
	const struct mc_entry	*e = mc_lookup(mc, iid, &a, now);

	if (e == NULL)
		return "none";
	return ipprefix_fmt(&e->eid, buf, IPPREFIX_STRLEN);
}

static void
test_update_lookup(void **state)
{
	struct map_cache	*mc;
	struct mc_entry		 e;
	struct ipprefix		 p;
	const struct mc_entry	*x;
	char			 buf[IPPREFIX_STRLEN];

	(void)state;
	assert_non_null(mc = mc_new());
	e = E(0, "10.0.0.0/8", 0);
	assert_int_equal(mc_update(mc, &e), 0);
	e = E(0, "10.1.0.0/16", 0);
	assert_int_equal(mc_update(mc, &e), 0);
	e = E(7, "10.1.2.0/24", 0);
	assert_int_equal(mc_update(mc, &e), 0);
	e = E(0, "2001:db8::/32", 0);
	assert_int_equal(mc_update(mc, &e), 0);
	assert_int_equal(mc_count(mc), 4);
	assert_string_equal(lookup_fmt(mc, 0, "10.1.2.3", 0, buf),
	    "10.1.0.0/16");
	assert_string_equal(lookup_fmt(mc, 7, "10.1.2.3", 0, buf),
	    "10.1.2.0/24");
	assert_string_equal(lookup_fmt(mc, 7, "10.1.3.3", 0, buf), "none");
	assert_string_equal(lookup_fmt(mc, 3, "10.1.2.3", 0, buf), "none");
	assert_string_equal(lookup_fmt(mc, 0, "2001:db8::1", 0, buf),
	    "2001:db8::/32");
	assert_string_equal(lookup_fmt(mc, 0, "2001:db9::1", 0, buf), "none");
	/* Replace: copied in, count unchanged, new contents visible. */
	e = E(0, "10.1.0.0/16", 0);
	e.map_version = 5;
	e.rloc[0].weight = 7;
	assert_int_equal(mc_update(mc, &e), 0);
	assert_int_equal(mc_count(mc), 4);
	p = P("10.1.0.0/16");
	assert_non_null(x = mc_exact(mc, 0, &p));
	assert_int_equal(x->map_version, 5);
	assert_int_equal(x->rloc[0].weight, 7);
	assert_null(mc_exact(mc, 7, &p));
	/* Remove. */
	assert_int_equal(mc_remove(mc, 0, &p), 0);
	assert_int_equal(mc_remove(mc, 0, &p), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(mc_count(mc), 3);
	assert_string_equal(lookup_fmt(mc, 0, "10.1.2.3", 0, buf),
	    "10.0.0.0/8");
	/* Invalid entries. */
	e = E(0, "10.0.0.0/8", 0);
	e.nrloc = LISP_MAX_LOCATORS + 1;
	assert_int_equal(mc_update(mc, &e), -1);
	assert_int_equal(errno, EINVAL);
	e = E(0, "10.0.0.0/8", 0);
	e.eid.addr.af = AF_UNSPEC;
	assert_int_equal(mc_update(mc, &e), -1);
	mc_free(mc);
}

/* An entry is stored with its nrloc RLOCs only: an update that changes the
 * count moves it to a node of the new size; lookups, the expiry order and
 * a whole-struct copy of the returned entry (what dp_decap.c does) keep
 * working, under ASan too. */
static void
test_rloc_count_changes(void **state)
{
	struct map_cache	*mc = mc_new();
	struct mc_entry		 e, copy;
	const struct mc_entry	*got;
	struct ipaddr		 dst = A("10.1.0.7");
	unsigned		 n, i;

	(void)state;
	assert_non_null(mc);
	/* neighbours in the same slabs, so a move leaves holes to reuse */
	e = E(0, "10.0.0.0/16", 500);
	assert_int_equal(mc_update(mc, &e), 0);
	e = E(0, "10.2.0.0/16", 700);
	assert_int_equal(mc_update(mc, &e), 0);
	for (n = 0; n <= LISP_MAX_LOCATORS; n++) {
		e = E(0, "10.1.0.0/16", 600 + n);
		e.nrloc = (uint8_t)((n * 7) % (LISP_MAX_LOCATORS + 1));
		for (i = 0; i < e.nrloc; i++) {
			e.rloc[i] = e.rloc[0];
			e.rloc[i].addr.a[3] = (uint8_t)(10 + i);
			e.rloc[i].weight = (uint8_t)i;
		}
		assert_int_equal(mc_update(mc, &e), 0);
		assert_non_null(got = mc_lookup(mc, 0, &dst, 1));
		assert_int_equal(got->nrloc, e.nrloc);
		assert_int_equal(got->expires_ms, 600 + n);
		for (i = 0; i < e.nrloc; i++) {
			assert_int_equal(got->rloc[i].addr.a[3], 10 + i);
			assert_int_equal(got->rloc[i].weight, i);
		}
		copy = *got;	/* whole struct: stays in the chunk */
		assert_int_equal(mc_update(mc, &copy), 0);
		assert_int_equal(mc_next_expiry(mc), 500);
	}
	assert_int_equal(mc_count(mc), 3);
	assert_int_equal(mc_expire(mc, 699), 2);	/* 500, then 6xx */
	assert_null(mc_lookup(mc, 0, &dst, 699));
	assert_int_equal(mc_count(mc), 1);
	mc_free(mc);
}

static void
test_negative(void **state)
{
	struct map_cache	*mc;
	struct mc_entry		 e;
	struct ipaddr		 a = A("198.51.100.9");
	const struct mc_entry	*x;

	(void)state;
	assert_non_null(mc = mc_new());
	e = E(0, "198.51.100.0/24", 60000);
	e.negative = true;
	e.action = LISP_ACT_NATIVE_FWD;
	e.nrloc = 0;
	e.ttl_min = 1;
	assert_int_equal(mc_update(mc, &e), 0);
	assert_non_null(x = mc_lookup(mc, 0, &a, 1000));
	assert_true(x->negative);
	assert_int_equal(x->action, LISP_ACT_NATIVE_FWD);
	assert_int_equal(x->ttl_min, 1);
	assert_null(mc_select_rloc(x, 1234));
	assert_null(mc_lookup(mc, 0, &a, 60000));
	/* A positive reply replaces it. */
	e = E(0, "198.51.100.0/24", 0);
	assert_int_equal(mc_update(mc, &e), 0);
	assert_non_null(x = mc_lookup(mc, 0, &a, 60000));
	assert_false(x->negative);
	assert_int_equal(mc_next_expiry(mc), 0);
	assert_int_equal(mc_expire(mc, UINT64_MAX), 0);
	assert_int_equal(mc_count(mc), 1);
	mc_free(mc);
}

/* An expired entry is invisible to lookups before mc_expire runs. */
static void
test_lookup_skips_expired(void **state)
{
	struct map_cache	*mc;
	struct mc_entry		 e;
	char			 buf[IPPREFIX_STRLEN];

	(void)state;
	assert_non_null(mc = mc_new());
	e = E(0, "0.0.0.0/0", 5000);
	assert_int_equal(mc_update(mc, &e), 0);
	e = E(0, "10.0.0.0/8", 0);
	assert_int_equal(mc_update(mc, &e), 0);
	e = E(0, "10.1.0.0/16", 2000);
	assert_int_equal(mc_update(mc, &e), 0);
	e = E(0, "10.1.2.0/24", 1000);
	assert_int_equal(mc_update(mc, &e), 0);
	e = E(0, "10.1.2.3/32", 1000);
	assert_int_equal(mc_update(mc, &e), 0);
	assert_string_equal(lookup_fmt(mc, 0, "10.1.2.3", 999, buf),
	    "10.1.2.3/32");
	assert_string_equal(lookup_fmt(mc, 0, "10.1.2.3", 1000, buf),
	    "10.1.0.0/16");
	assert_string_equal(lookup_fmt(mc, 0, "10.1.2.3", 2000, buf),
	    "10.0.0.0/8");
	assert_string_equal(lookup_fmt(mc, 0, "11.0.0.1", 4999, buf),
	    "0.0.0.0/0");
	assert_string_equal(lookup_fmt(mc, 0, "11.0.0.1", 5000, buf), "none");
	assert_int_equal(mc_count(mc), 5);
	assert_int_equal(mc_next_expiry(mc), 1000);
	assert_int_equal(mc_expire(mc, 999), 0);
	assert_int_equal(mc_expire(mc, 1500), 2);
	assert_int_equal(mc_next_expiry(mc), 2000);
	assert_int_equal(mc_expire(mc, 10000), 2);
	assert_int_equal(mc_next_expiry(mc), 0);
	assert_int_equal(mc_count(mc), 1);
	assert_string_equal(lookup_fmt(mc, 0, "10.1.2.3", 99999, buf),
	    "10.0.0.0/8");
	mc_free(mc);
}

/* --- expiry against a reference ---------------------------------------- */

static uint64_t rng_state = 88172645463325252ULL;

static uint64_t
rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

#define NREF	3000

struct refent {
	int		live;
	uint64_t	expires;
	struct ipprefix	p;
};

struct check {
	struct refent	*ref;
	uint64_t	 now;
	size_t		 seen;
};

static int
check_cb(const struct mc_entry *e, void *arg)
{
	struct check	*c = arg;
	size_t		 i = (size_t)e->map_version | (size_t)e->iid << 12;

	assert_true(i < NREF);
	assert_true(c->ref[i].live);
	assert_int_equal(ipprefix_cmp(&c->ref[i].p, &e->eid), 0);
	assert_int_equal(e->expires_ms, c->ref[i].expires);
	assert_true(e->expires_ms == 0 || e->expires_ms > c->now);
	c->seen++;
	return 0;
}

static void
test_expiry_random(void **state)
{
	struct map_cache	*mc;
	struct refent		*ref;
	struct check		 c;
	uint64_t		 now = 0, next;
	size_t			 i, live = 0, n;
	int			 round;

	(void)state;
	ref = calloc(NREF, sizeof(*ref));
	assert_non_null(mc = mc_new());
	for (round = 0; round < 40; round++) {
		/* Add, refresh, make permanent, or remove random entries. */
		for (n = 0; n < 400; n++) {
			struct mc_entry	e;

			i = rnd() % NREF;
			memset(&e, 0, sizeof(e));
			e.iid = (uint32_t)(i >> 12);
			e.map_version = (uint16_t)(i & 0xfff);
			e.eid.addr.af = AF_INET;
			e.eid.addr.a[0] = 10;
			e.eid.addr.a[1] = (uint8_t)(i >> 8);
			e.eid.addr.a[2] = (uint8_t)i;
			e.eid.plen = 24;
			if (rnd() % 8 == 0) {
				if (ref[i].live) {
					assert_int_equal(
					    mc_remove(mc, e.iid, &e.eid), 0);
					ref[i].live = 0;
					live--;
				}
				continue;
			}
			e.expires_ms = rnd() % 10 == 0 ? 0 :
			    now + 1 + rnd() % 5000;
			assert_int_equal(mc_update(mc, &e), 0);
			if (!ref[i].live)
				live++;
			ref[i].live = 1;
			ref[i].p = e.eid;
			ref[i].expires = e.expires_ms;
		}
		/* mc_next_expiry is the reference minimum. */
		next = 0;
		for (i = 0; i < NREF; i++)
			if (ref[i].live && ref[i].expires != 0 &&
			    (next == 0 || ref[i].expires < next))
				next = ref[i].expires;
		assert_int_equal(mc_next_expiry(mc), next);
		/* Move time on and expire. */
		now += rnd() % 2000;
		n = 0;
		for (i = 0; i < NREF; i++)
			if (ref[i].live && ref[i].expires != 0 &&
			    ref[i].expires <= now) {
				ref[i].live = 0;
				n++;
			}
		assert_int_equal(mc_expire(mc, now), n);
		live -= n;
		assert_int_equal(mc_count(mc), live);
		c.ref = ref;
		c.now = now;
		c.seen = 0;
		assert_int_equal(mc_walk(mc, check_cb, &c), 0);
		assert_int_equal(c.seen, live);
	}
	mc_free(mc);
	free(ref);
}

/* Expiry happens in time order, one entry at a time. */
static void
test_expiry_order(void **state)
{
	struct map_cache	*mc;
	struct mc_entry		 e;
	uint64_t		 t, last = 0;
	size_t			 i;

	(void)state;
	assert_non_null(mc = mc_new());
	for (i = 0; i < 1000; i++) {
		e = E((uint32_t)(i % 3), "10.0.0.0/24", 0);
		e.eid.addr.a[1] = (uint8_t)(i >> 8);
		e.eid.addr.a[2] = (uint8_t)i;
		e.expires_ms = 1 + (rnd() % 100000) * 1000 + i;	/* distinct */
		assert_int_equal(mc_update(mc, &e), 0);
	}
	while ((t = mc_next_expiry(mc)) != 0) {
		assert_true(t > last);
		assert_int_equal(mc_expire(mc, t - 1), 0);
		assert_int_equal(mc_expire(mc, t), 1);
		last = t;
	}
	assert_int_equal(mc_count(mc), 0);
	mc_free(mc);
}

struct stop {
	int	n;
};

static int
stop_cb(const struct mc_entry *e, void *arg)
{
	struct stop	*s = arg;

	(void)e;
	return ++s->n == 2 ? -7 : 0;
}

static void
test_walk(void **state)
{
	struct map_cache	*mc;
	struct mc_entry		 e;
	struct stop		 s = { 0 };

	(void)state;
	assert_non_null(mc = mc_new());
	e = E(1, "10.0.0.0/8", 0);
	assert_int_equal(mc_update(mc, &e), 0);
	e = E(0, "10.0.0.0/8", 0);
	assert_int_equal(mc_update(mc, &e), 0);
	e = E(0, "2001:db8::/32", 0);
	assert_int_equal(mc_update(mc, &e), 0);
	assert_int_equal(mc_walk(mc, stop_cb, &s), -7);
	assert_int_equal(s.n, 2);
	mc_free(mc);
}

/* --- RLOC selection ------------------------------------------------------ */

static void
set_rloc(struct mc_entry *e, int i, uint8_t prio, uint8_t weight, bool up)
{
	memset(&e->rloc[i], 0, sizeof(e->rloc[i]));
	e->rloc[i].addr.af = AF_INET;
	e->rloc[i].addr.a[0] = 203;
	e->rloc[i].addr.a[1] = 0;
	e->rloc[i].addr.a[2] = 113;
	e->rloc[i].addr.a[3] = (uint8_t)(i + 1);
	e->rloc[i].priority = prio;
	e->rloc[i].weight = weight;
	e->rloc[i].up = up;
	if (e->nrloc <= i)
		e->nrloc = (uint8_t)(i + 1);
}

#define NFLOW	200000

static void
distribution(const struct mc_entry *e, unsigned *hits)
{
	const struct mc_rloc	*r;
	uint32_t		 h;

	memset(hits, 0, LISP_MAX_LOCATORS * sizeof(*hits));
	for (h = 0; h < NFLOW; h++) {
		r = mc_select_rloc(e, h);
		assert_non_null(r);
		hits[r - e->rloc]++;
		/* Same hash, same RLOC. */
		assert_ptr_equal(mc_select_rloc(e, h), r);
	}
}

/* Within 1.5 % of NFLOW of the expected share. */
static void
expect_share(unsigned hits, unsigned num, unsigned den)
{
	double	want = (double)NFLOW * num / den;
	double	d = hits > want ? hits - want : want - hits;

	assert_true(d < 0.015 * NFLOW);
}

static void
test_select_weights(void **state)
{
	struct mc_entry	e;
	unsigned	hits[LISP_MAX_LOCATORS];

	(void)state;
	memset(&e, 0, sizeof(e));
	set_rloc(&e, 0, 1, 30, true);
	set_rloc(&e, 1, 1, 20, true);
	set_rloc(&e, 2, 1, 20, true);
	set_rloc(&e, 3, 1, 30, true);
	set_rloc(&e, 4, 2, 100, true);	/* worse priority: unused */
	set_rloc(&e, 5, 0, 100, false);	/* best priority but down */
	set_rloc(&e, 6, 1, 0, true);	/* weight 0 among non-zero */
	distribution(&e, hits);
	expect_share(hits[0], 30, 100);
	expect_share(hits[1], 20, 100);
	expect_share(hits[2], 20, 100);
	expect_share(hits[3], 30, 100);
	assert_int_equal(hits[4], 0);
	assert_int_equal(hits[5], 0);
	assert_int_equal(hits[6], 0);
}

static void
test_select_equal(void **state)
{
	struct mc_entry	e;
	unsigned	hits[LISP_MAX_LOCATORS];

	(void)state;
	memset(&e, 0, sizeof(e));
	/* All weights 0 at the best priority: equal shares. */
	set_rloc(&e, 0, 5, 0, true);
	set_rloc(&e, 1, 5, 0, true);
	set_rloc(&e, 2, 5, 0, true);
	set_rloc(&e, 3, 255, 50, true);	/* never for unicast */
	distribution(&e, hits);
	expect_share(hits[0], 1, 3);
	expect_share(hits[1], 1, 3);
	expect_share(hits[2], 1, 3);
	assert_int_equal(hits[3], 0);
}

static void
test_select_fallback(void **state)
{
	struct mc_entry		 e;
	const struct mc_rloc	*r;
	uint32_t		 h;

	(void)state;
	memset(&e, 0, sizeof(e));
	set_rloc(&e, 0, 1, 50, false);
	set_rloc(&e, 1, 1, 50, false);
	set_rloc(&e, 2, 2, 10, true);
	set_rloc(&e, 3, 255, 100, true);
	/* The best priority is all down: the next one carries everything. */
	for (h = 0; h < 1000; h++) {
		assert_non_null(r = mc_select_rloc(&e, h * 2654435761U));
		assert_ptr_equal(r, &e.rloc[2]);
	}
	/* A flow stays put when an unrelated RLOC changes state... */
	set_rloc(&e, 0, 1, 50, true);
	set_rloc(&e, 1, 1, 50, true);
	for (h = 0; h < 1000; h++) {
		r = mc_select_rloc(&e, h);
		assert_true(r == &e.rloc[0] || r == &e.rloc[1]);
		e.rloc[2].up = false;
		assert_ptr_equal(mc_select_rloc(&e, h), r);
		e.rloc[2].up = true;
	}
	/* Only 255 left: nothing usable. */
	e.rloc[0].up = e.rloc[1].up = e.rloc[2].up = false;
	assert_null(mc_select_rloc(&e, 1));
	e.nrloc = 0;
	assert_null(mc_select_rloc(&e, 1));
	assert_null(mc_select_rloc(NULL, 1));
}

static bool
only_v4(const struct mc_rloc *r, void *arg)
{
	(void)arg;
	return r->addr.af == AF_INET;
}

/* The data plane's choice when it has no socket of one family (no IPv6
 * RLOC of its own): the same function and hash as every other path, so a
 * flow takes the RLOC it would take were the other family's RLOCs down,
 * and the IPv4 RLOCs keep their weights.  Before, the data plane picked
 * again with hash % weights when the mixed-hash choice was an IPv6 RLOC:
 * the flows of one entry split by two hashes (issue 14). */
static void
test_select_if_same_hash(void **state)
{
	struct mc_entry		 e, down;
	const struct mc_rloc	*r;
	unsigned		 hits[LISP_MAX_LOCATORS];
	uint32_t		 h;

	(void)state;
	memset(&e, 0, sizeof(e));
	set_rloc(&e, 0, 1, 60, true);
	set_rloc(&e, 1, 1, 20, true);
	set_rloc(&e, 2, 1, 20, true);
	e.rloc[1].addr.af = AF_INET6;		/* 2 of weight 100 */
	set_rloc(&e, 3, 2, 10, true);
	down = e;
	down.rloc[1].up = false;
	memset(hits, 0, sizeof(hits));
	for (h = 0; h < NFLOW; h++) {
		r = mc_select_rloc_if(&e, h, only_v4, NULL);
		assert_non_null(r);
		assert_int_equal(r->addr.af, AF_INET);
		assert_int_equal(r - e.rloc,
		    mc_select_rloc(&down, h) - down.rloc);
		/* a flow the unfiltered choice sends to IPv4 stays there */
		if (mc_select_rloc(&e, h) == &e.rloc[0])
			assert_ptr_equal(r, &e.rloc[0]);
		hits[r - e.rloc]++;
	}
	/* 60:20 of the IPv4 weight at priority 1; priority 2 unused */
	assert_in_range(hits[0], NFLOW * 3 / 4 - NFLOW / 60,
	    NFLOW * 3 / 4 + NFLOW / 60);
	assert_int_equal(hits[3], 0);
	/* nothing of the family left at any priority: none */
	e.rloc[0].up = e.rloc[2].up = e.rloc[3].up = false;
	assert_null(mc_select_rloc_if(&e, 7, only_v4, NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_update_lookup),
		cmocka_unit_test(test_rloc_count_changes),
		cmocka_unit_test(test_negative),
		cmocka_unit_test(test_lookup_skips_expired),
		cmocka_unit_test(test_expiry_random),
		cmocka_unit_test(test_expiry_order),
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_select_weights),
		cmocka_unit_test(test_select_equal),
		cmocka_unit_test(test_select_fallback),
		cmocka_unit_test(test_select_if_same_hash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

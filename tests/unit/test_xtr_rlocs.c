/*
 * test_xtr_rlocs.c: the map-cache's distinct-RLOC set (mc_rlocs_*, what
 * the SMR fan-out walks) against a reference recomputed from a full
 * mc_walk after every insert, replace, remove and expiry.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "xtr/map_cache.h"

#define POOL	300	/* distinct RLOC addresses: forces growth, collisions */
#define NPFX	400

static struct ipaddr	pool[POOL];

struct tally {
	uint32_t	refs[POOL];
	size_t		n;
	int		bad;
};

static int
pool_idx(const struct ipaddr *a)
{
	int	i;

	for (i = 0; i < POOL; i++)
		if (ipaddr_cmp(&pool[i], a) == 0)
			return i;
	return -1;
}

static int
count_entry(const struct mc_entry *e, void *arg)
{
	struct tally	*t = arg;
	int		 i;

	for (i = 0; i < e->nrloc; i++)
		t->refs[pool_idx(&e->rloc[i].addr)]++;
	return 0;
}

static int
count_set(const struct ipaddr *a, uint32_t refs, void *arg)
{
	struct tally	*t = arg;
	int		 i = pool_idx(a);

	if (i < 0 || t->refs[i] != 0)
		t->bad++;		/* unknown, or listed twice */
	else
		t->refs[i] = refs;
	t->n++;
	return 0;
}

static void
check(struct map_cache *mc)
{
	static struct tally	want, got;
	size_t			i, n = 0;

	memset(&want, 0, sizeof(want));
	memset(&got, 0, sizeof(got));
	mc_walk(mc, count_entry, &want);
	assert_int_equal(mc_rlocs_walk(mc, count_set, &got), 0);
	assert_int_equal(got.bad, 0);
	for (i = 0; i < POOL; i++) {
		if (want.refs[i] != got.refs[i])
			fail_msg("RLOC %zu: %u refs kept, %u in the cache", i,
			    got.refs[i], want.refs[i]);
		n += want.refs[i] != 0;
	}
	assert_int_equal(got.n, n);
	assert_int_equal(mc_rlocs_count(mc), n);
}

static void
make_entry(struct mc_entry *e, unsigned pfx, uint64_t expires)
{
	int	i;

	memset(e, 0, sizeof(*e));
	e->eid.addr.af = AF_INET;
	e->eid.addr.a[0] = 10;
	e->eid.addr.a[1] = (uint8_t)(pfx >> 8);
	e->eid.addr.a[2] = (uint8_t)pfx;
	e->eid.plen = 24;
	e->expires_ms = expires;
	e->nrloc = (uint8_t)(rand() % 5);	/* 0 (negative) .. 4 */
	for (i = 0; i < e->nrloc; i++)
		e->rloc[i].addr = pool[rand() % POOL];
}

static void
test_rlocs_follow_the_cache(void **state)
{
	struct map_cache	*mc = mc_new();
	struct mc_entry		 e;
	struct ipprefix		 p;
	int			 i, op;

	(void)state;
	srand(7);
	for (i = 0; i < POOL; i++) {
		pool[i].af = i % 3 ? AF_INET : AF_INET6;
		pool[i].a[0] = i % 3 ? 198 : 0x20;
		pool[i].a[1] = i % 3 ? 51 : 0x01;
		pool[i].a[2] = (uint8_t)(i >> 8);
		pool[i].a[3] = (uint8_t)i;
		if (pool[i].af == AF_INET6)
			pool[i].a[15] = (uint8_t)i;
	}
	assert_non_null(mc);
	assert_true(mc_rlocs_count(mc) == SIZE_MAX);	/* off */
	assert_int_equal(mc_rlocs_walk(mc, count_set, NULL), -1);
	for (i = 0; i < NPFX / 2; i++) {		/* before enabling */
		make_entry(&e, (unsigned)i, 0);
		assert_int_equal(mc_update(mc, &e), 0);
	}
	assert_int_equal(mc_rlocs_enable(mc), 0);
	check(mc);
	for (i = 0; i < 6000; i++) {
		op = rand() % 10;
		if (op < 6) {			/* insert or replace */
			make_entry(&e, (unsigned)(rand() % NPFX),
			    rand() % 4 ? 0 : 1000 + (uint64_t)(rand() % 1000));
			assert_int_equal(mc_update(mc, &e), 0);
		} else if (op < 9) {		/* remove (maybe absent) */
			make_entry(&e, (unsigned)(rand() % NPFX), 0);
			p = e.eid;
			(void)mc_remove(mc, 0, &p);
		} else {			/* expire some */
			mc_expire(mc, 1000 + (uint64_t)(rand() % 1000));
		}
		if (i % 50 == 0)
			check(mc);
	}
	check(mc);
	mc_expire(mc, UINT64_MAX - 1);
	for (i = 0; i < NPFX; i++) {
		make_entry(&e, (unsigned)i, 0);
		p = e.eid;
		(void)mc_remove(mc, 0, &p);
	}
	assert_int_equal(mc_count(mc), 0);
	assert_int_equal(mc_rlocs_count(mc), 0);
	check(mc);
	mc_free(mc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rlocs_follow_the_cache),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

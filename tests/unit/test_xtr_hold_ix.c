/* test_xtr_hold_ix.c: the hash index of held EIDs (xtr/dp/dp_hold_ix.c)
 * answers as the linear scan it replaced (longest containing prefix). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "addr.h"
#include "xtr/dp/dp_hold_ix.h"

static struct hold_ix	ix;

static void
pfx(const char *s, struct ipprefix *p)
{
	assert_int_equal(ipprefix_parse(s, p), 0);
}

static int
match(const char *s)
{
	struct ipaddr	a;

	assert_int_equal(ipaddr_parse(s, &a), 0);
	return hix_match(&ix, &a);
}

static void
test_host_and_covering(void **state)
{
	struct ipprefix	p;

	(void)state;
	hix_init(&ix, 0);
	assert_int_equal(match("10.1.0.5"), -1);
	pfx("10.1.0.5/32", &p);
	assert_int_equal(hix_add(&ix, &p, 7), 0);
	assert_int_equal(hix_add(&ix, &p, 8), -1);	/* indexed already */
	pfx("10.1.0.6/32", &p);
	assert_int_equal(hix_add(&ix, &p, 7), -1);	/* id in use */
	pfx("10.2.0.0/16", &p);
	assert_int_equal(hix_add(&ix, &p, 3), 0);
	pfx("2001:db8::5/128", &p);
	assert_int_equal(hix_add(&ix, &p, 255), 0);
	assert_int_equal(hix_add(&ix, &p, 256), -1);	/* bad id */
	assert_int_equal(match("10.1.0.5"), 7);
	assert_int_equal(match("10.1.0.6"), -1);
	assert_int_equal(match("10.2.200.1"), 3);
	assert_int_equal(match("2001:db8::5"), 255);
	assert_int_equal(match("2001:db8::6"), -1);
	/* the same bytes in the other family are another key */
	assert_int_equal(match("::a01:5"), -1);
	/* a more specific one inside the /16: the longest wins */
	pfx("10.2.3.4/32", &p);
	assert_int_equal(hix_add(&ix, &p, 4), 0);
	assert_int_equal(match("10.2.3.4"), 4);
	assert_int_equal(match("10.2.3.5"), 3);
	pfx("10.2.3.4/32", &p);
	assert_int_equal(hix_exact(&ix, &p), 4);
	pfx("10.2.0.0/16", &p);			/* masked before lookup */
	p.addr.a[2] = 9;
	p.addr.a[3] = 9;
	assert_int_equal(hix_exact(&ix, &p), 3);
	hix_del(&ix, 4);
	hix_del(&ix, 4);			/* twice: nothing */
	assert_int_equal(match("10.2.3.4"), 3);
	hix_del(&ix, 3);
	assert_int_equal(match("10.2.3.4"), -1);
	assert_int_equal(match("10.1.0.5"), 7);
	/* a slot freed takes another prefix */
	pfx("10.2.3.4/32", &p);
	assert_int_equal(hix_add(&ix, &p, 3), 0);
	assert_int_equal(match("10.2.3.4"), 3);
}

/* The reference: the linear scan, longest containing prefix. */
static struct ipprefix	ref[HIX_MAX];
static int		ref_used[HIX_MAX];

static int
ref_match(const struct ipaddr *a)
{
	int	i, best = -1;

	for (i = 0; i < HIX_MAX; i++)
		if (ref_used[i] && ipprefix_contains_addr(&ref[i], a) &&
		    (best == -1 || ref[i].plen > ref[best].plen))
			best = i;
	return best;
}

static uint32_t	rnd = 12345;

static uint32_t
next(void)
{
	rnd ^= rnd << 13;
	rnd ^= rnd >> 17;
	rnd ^= rnd << 5;
	return rnd;
}

/* a random address in a small space, so that prefixes overlap */
static void
rand_addr(struct ipaddr *a)
{
	memset(a, 0, sizeof(*a));
	if (next() & 1) {
		a->af = AF_INET;
		a->a[0] = 10;
		a->a[1] = (uint8_t)(next() % 3);
		a->a[2] = (uint8_t)(next() % 4);
		a->a[3] = (uint8_t)(next() % 8);
	} else {
		a->af = AF_INET6;
		a->a[0] = 0x20;
		a->a[1] = 0x01;
		a->a[2] = 0x0d;
		a->a[3] = 0xb8;
		a->a[8] = (uint8_t)(next() % 3);
		a->a[15] = (uint8_t)(next() % 8);
	}
}

static void
test_same_as_linear_scan(void **state)
{
	static const uint8_t	plen4[] = { 8, 16, 24, 30, 32, 32, 32 };
	static const uint8_t	plen6[] = { 32, 64, 120, 127, 128, 128, 128 };
	struct ipprefix		p;
	struct ipaddr		a;
	int			i, id, round, seed, agree = 0;

	(void)state;
	for (seed = 0; seed < 3; seed++) {
		hix_init(&ix, seed == 0 ? 0 : next());
		memset(ref_used, 0, sizeof(ref_used));
		for (round = 0; round < 20000; round++) {
			id = (int)(next() % HIX_MAX);
			if (ref_used[id]) {
				hix_del(&ix, id);
				ref_used[id] = 0;
			} else {
				rand_addr(&p.addr);
				p.plen = p.addr.af == AF_INET ?
				    plen4[next() % sizeof(plen4)] :
				    plen6[next() % sizeof(plen6)];
				ipprefix_mask(&p);
				for (i = 0; i < HIX_MAX; i++)
					if (ref_used[i] &&
					    ipprefix_cmp(&ref[i], &p) == 0)
						break;
				if (hix_add(&ix, &p, id) == 0) {
					assert_int_equal(i, HIX_MAX);
					ref[id] = p;
					ref_used[id] = 1;
				} else
					assert_true(i < HIX_MAX);
			}
			rand_addr(&a);
			assert_int_equal(hix_match(&ix, &a), ref_match(&a));
			agree++;
			for (i = 0; i < HIX_MAX; i++)
				if (ref_used[i] && (next() & 63) == 0)
					assert_int_equal(hix_exact(&ix,
					    &ref[i]), i);
		}
	}
	assert_int_equal(agree, 60000);
}

static void
test_full(void **state)
{
	struct ipprefix	p;
	struct ipaddr	a;
	int		i;

	(void)state;
	hix_init(&ix, 99);
	pfx("192.0.2.0/32", &p);
	for (i = 0; i < HIX_MAX; i++) {
		p.addr.a[2] = (uint8_t)(i >> 8);
		p.addr.a[3] = (uint8_t)i;
		assert_int_equal(hix_add(&ix, &p, i), 0);
	}
	for (i = 0; i < HIX_MAX; i++) {
		a = p.addr;
		a.a[2] = (uint8_t)(i >> 8);
		a.a[3] = (uint8_t)i;
		assert_int_equal(hix_match(&ix, &a), i);
	}
	for (i = 0; i < HIX_MAX; i += 2)
		hix_del(&ix, i);
	for (i = 0; i < HIX_MAX; i++) {
		a = p.addr;
		a.a[3] = (uint8_t)i;
		assert_int_equal(hix_match(&ix, &a), i % 2 ? i : -1);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_and_covering),
		cmocka_unit_test(test_same_as_linear_scan),
		cmocka_unit_test(test_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_xtr_ratelim.c: per-key rate limiter and token bucket. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "addr.h"
#include "xtr/ratelim.h"

static void
test_one_per_interval(void **state)
{
	struct ratelim	*rl = rl_new(64, 1000);
	struct ipprefix	 a, b;

	(void)state;
	ipprefix_parse("10.1.0.5/32", &a);
	ipprefix_parse("10.1.0.6/32", &b);
	assert_int_equal(rl_allow(rl, &a, sizeof(a), 5000), 1);
	assert_int_equal(rl_allow(rl, &a, sizeof(a), 5001), 0);
	assert_int_equal(rl_allow(rl, &a, sizeof(a), 5999), 0);
	assert_int_equal(rl_allow(rl, &b, sizeof(b), 5999), 1);	/* per key */
	assert_int_equal(rl_allow(rl, &a, sizeof(a), 6000), 1);
	rl_forget(rl, &a, sizeof(a));
	assert_int_equal(rl_allow(rl, &a, sizeof(a), 6001), 1);
	rl_free(rl);
}

static void
test_flood_evicts_oldest(void **state)
{
	struct ratelim	*rl = rl_new(16, 1000);
	uint32_t	 k;
	int		 allowed = 0;

	(void)state;
	/* many distinct keys at once: the table is full, and each new key
	 * evicts the oldest of its probe window instead of being refused
	 * (issue 15 finding 9: the old table denied every key it had no
	 * room for) */
	for (k = 0; k < 1000; k++)
		allowed += rl_allow(rl, &k, sizeof(k), 100 + k / 100);
	assert_int_equal(allowed, 1000);
	assert_true(rl_evicted(rl) >= 1000 - 16);
	/* a key the flood did not send is not denied either */
	k = 5000;
	assert_int_equal(rl_allow(rl, &k, sizeof(k), 110), 1);
	/* and the newest keys are still limited: they are not the oldest */
	k = 999;
	assert_int_equal(rl_allow(rl, &k, sizeof(k), 111), 0);
	rl_free(rl);
}

static void
test_tbtab(void **state)
{
	struct tbtab	*t = tbt_new(16, 10, 5);
	uint32_t	 a = 1, b = 2, k;
	int		 i, n = 0;

	(void)state;
	for (i = 0; i < 20; i++)
		n += tbt_take(t, &a, sizeof(a), 1000);
	assert_int_equal(n, 5);			/* a's burst */
	assert_int_equal(tbt_take(t, &a, sizeof(a), 1050), 0);
	assert_int_equal(tbt_take(t, &b, sizeof(b), 1050), 1);	/* per key */
	assert_int_equal(tbt_take(t, &a, sizeof(a), 1100), 1);	/* 10/s */
	/* a flood of keys never fails a new key (the least recently used
	 * slot goes), and memory stays the table's */
	n = 0;
	for (k = 100; k < 2100; k++)
		n += tbt_take(t, &k, sizeof(k), 2000);
	assert_int_equal(n, 2000);
	assert_true(tbt_evicted(t) > 0);
	tbt_free(t);
}

static void
test_long_key(void **state)
{
	struct ratelim	*rl = rl_new(16, 10);
	uint8_t		 key[64];

	(void)state;
	memset(key, 1, sizeof(key));
	assert_int_equal(rl_allow(rl, key, sizeof(key), 1), 1);
	assert_int_equal(rl_allow(rl, key, sizeof(key), 2), 0);
	rl_free(rl);
}

static void
test_bucket(void **state)
{
	struct tbucket	tb;
	int		i, n = 0;

	(void)state;
	tb_init(&tb, 10, 5, 1000);
	for (i = 0; i < 20; i++)
		n += tb_take(&tb, 1000);
	assert_int_equal(n, 5);			/* the burst */
	assert_int_equal(tb_take(&tb, 1050), 0);
	assert_int_equal(tb_take(&tb, 1100), 1);	/* 10/s: one per 100 ms */
	assert_int_equal(tb_take(&tb, 1100), 0);
	n = 0;
	for (i = 0; i < 20; i++)
		n += tb_take(&tb, 100000);
	assert_int_equal(n, 5);			/* never above the burst */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_per_interval),
		cmocka_unit_test(test_flood_evicts_oldest),
		cmocka_unit_test(test_tbtab),
		cmocka_unit_test(test_long_key),
		cmocka_unit_test(test_bucket),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

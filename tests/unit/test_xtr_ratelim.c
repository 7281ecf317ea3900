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
test_bounded_under_flood(void **state)
{
	struct ratelim	*rl = rl_new(16, 1000);
	uint32_t	 k;
	int		 allowed = 0;

	(void)state;
	/* many distinct keys at once: the table is full, extra ones refused */
	for (k = 0; k < 1000; k++)
		allowed += rl_allow(rl, &k, sizeof(k), 100);
	assert_true(allowed <= 16);
	assert_true(allowed > 0);
	/* after the interval, every slot is free again */
	k = 5000;
	assert_int_equal(rl_allow(rl, &k, sizeof(k), 1100), 1);
	rl_free(rl);
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
		cmocka_unit_test(test_bounded_under_flood),
		cmocka_unit_test(test_long_key),
		cmocka_unit_test(test_bucket),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

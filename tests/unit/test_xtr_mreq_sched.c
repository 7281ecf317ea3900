/* test_xtr_mreq_sched.c: the Map-Request retransmission schedule. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "xtr/cp/mreq_sched.h"

/* xtrd.conf's defaults: sent at 0, 1, 3, 7 s, given up at 15 s */
static void
test_defaults(void **state)
{
	struct mreq_sched	s = { 1000, 8000, 1000, 3 };

	(void)state;
	assert_int_equal(mreq_sched_delay(&s, 0), 1000);
	assert_int_equal(mreq_sched_delay(&s, 1), 1000);
	assert_int_equal(mreq_sched_delay(&s, 2), 2000);
	assert_int_equal(mreq_sched_delay(&s, 3), 4000);
	assert_int_equal(mreq_sched_delay(&s, 4), 8000);
	assert_int_equal(mreq_sched_span(&s), 1000 + 2000 + 4000 + 8000);
}

/* doubling stops at map_request_retry_max, however many sends */
static void
test_capped(void **state)
{
	struct mreq_sched	s = { 1000, 5000, 1000, 10 };

	(void)state;
	assert_int_equal(mreq_sched_delay(&s, 3), 4000);
	assert_int_equal(mreq_sched_delay(&s, 4), 5000);
	assert_int_equal(mreq_sched_delay(&s, 11), 5000);
	assert_int_equal(mreq_sched_delay(&s, 33), 5000);	/* shift >= 32 */
	assert_int_equal(mreq_sched_delay(&s, UINT32_MAX), 5000);
	assert_int_equal(mreq_sched_span(&s), 1000 + 2000 + 4000 + 8 * 5000);
}

/* RFC 9301 §5.3: a retransmission is a Map-Request for the same EID, so
 * it never goes sooner than rate_limit after the previous one, even when
 * map_request_retry or map_request_retry_max asks for less */
static void
test_rate_limit_floor(void **state)
{
	struct mreq_sched	s = { 300, 8000, 1000, 3 };
	struct mreq_sched	low_max = { 100, 500, 1000, 2 };
	uint32_t		i;

	(void)state;
	assert_int_equal(mreq_sched_delay(&s, 1), 1000);	/* not 300 */
	assert_int_equal(mreq_sched_delay(&s, 2), 1000);	/* not 600 */
	assert_int_equal(mreq_sched_delay(&s, 3), 1200);
	assert_int_equal(mreq_sched_delay(&s, 4), 2400);
	for (i = 1; i <= 12; i++)
		assert_true(mreq_sched_delay(&low_max, i) >= 1000);
	assert_int_equal(mreq_sched_span(&low_max), 3000);
}

/* rate_limit cannot go under 1000 ms (xtr/config.c, RFC 9301 §5.3); an
 * operator who raises it gets no retransmission sooner than it */
static void
test_raised_rate_limit(void **state)
{
	struct mreq_sched	s = { 1000, 8000, 2000, 3 };

	(void)state;
	assert_int_equal(mreq_sched_delay(&s, 1), 2000);
	assert_int_equal(mreq_sched_delay(&s, 2), 2000);
	assert_int_equal(mreq_sched_delay(&s, 3), 4000);
	assert_int_equal(mreq_sched_delay(&s, 4), 8000);
	assert_int_equal(mreq_sched_span(&s), 2000 + 2000 + 4000 + 8000);
}

/* map_request_retries = 0: one send, then the timeout */
static void
test_no_retries(void **state)
{
	struct mreq_sched	s = { 1000, 8000, 1000, 0 };

	(void)state;
	assert_int_equal(mreq_sched_span(&s), 1000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_capped),
		cmocka_unit_test(test_rate_limit_floor),
		cmocka_unit_test(test_raised_rate_limit),
		cmocka_unit_test(test_no_retries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

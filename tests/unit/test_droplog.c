/* test_droplog.c: the one drop-log policy of both daemons
 * (common/droplog.c): the first line at once, then at most one per
 * DROPLOG_INTERVAL_MS per reason, the lines held back counted and given
 * in the next one; reasons apart; a flood of any rate writes one line a
 * second.  (migrated's former policy, the first 10 and then one in 1000,
 * wrote 1000 lines in the second a million frames came.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "droplog.h"

static void
test_first_then_once_a_second(void **state)
{
	struct droplog	d;

	(void)state;
	memset(&d, 0, sizeof(d));
	assert_int_equal(droplog(&d, 5000, "drop_bad", "from %s", "a"), 1);
	assert_int_equal(droplog(&d, 5001, "drop_bad", "from %s", "b"), 0);
	assert_int_equal(droplog(&d, 5999, "drop_bad", "from %s", "c"), 0);
	assert_int_equal(d.suppressed, 2);
	assert_int_equal(droplog(&d, 6000, "drop_bad", "from %s", "d"), 1);
	assert_int_equal(d.suppressed, 0);
	assert_int_equal(d.last_ms, 6000);
}

static void
test_reasons_apart(void **state)
{
	struct droplog	a, b;

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	assert_int_equal(droplog(&a, 10, "x", "1"), 1);
	assert_int_equal(droplog(&b, 11, "y", "1"), 1);
	assert_int_equal(droplog(&a, 12, "x", "2"), 0);
	assert_int_equal(droplog(&b, 13, "y", "2"), 0);
}

static void
test_flood_bounded(void **state)
{
	struct droplog	d;
	uint64_t	t;
	unsigned	lines = 0;

	(void)state;
	memset(&d, 0, sizeof(d));
	/* a million drops over 10 s: 11 lines at most */
	for (t = 0; t < 1000000; t++)
		lines += (unsigned)droplog(&d, 1 + t / 100000 * 1000 +
		    t % 100000 / 100, "flood", "n %llu", (unsigned long long)t);
	assert_in_range(lines, 10, 11);
}

static void
test_clock_zero(void **state)
{
	struct droplog	d;

	(void)state;
	/* a caller whose clock reads 0 (the data plane before its first
	 * tick) is still limited */
	memset(&d, 0, sizeof(d));
	assert_int_equal(droplog(&d, 0, "z", "1"), 1);
	assert_int_equal(droplog(&d, 0, "z", "2"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_then_once_a_second),
		cmocka_unit_test(test_reasons_apart),
		cmocka_unit_test(test_flood_bounded),
		cmocka_unit_test(test_clock_zero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_xtr_timer.c: the timer heap (xtr/timer.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "xtr/timer.h"

static int	order[64];
static int	norder;

static void
fire(void *arg)
{
	order[norder++] = (int)(intptr_t)arg;
}

static void
test_order(void **state)
{
	struct timer_heap	th = { 0 };
	struct timer		t[5];
	uint64_t		when[5] = { 50, 10, 40, 20, 30 };
	int			i;

	(void)state;
	norder = 0;
	for (i = 0; i < 5; i++) {
		timer_init(&t[i], fire, (void *)(intptr_t)i);
		assert_int_equal(timer_set(&th, &t[i], when[i]), 0);
	}
	assert_int_equal(timer_next(&th), 10);
	assert_int_equal(timer_run(&th, 25), 2);
	assert_int_equal(order[0], 1);
	assert_int_equal(order[1], 3);
	assert_false(timer_armed(&t[1]));
	assert_true(timer_armed(&t[0]));
	assert_int_equal(timer_run(&th, 100), 3);
	assert_int_equal(order[2], 4);
	assert_int_equal(order[3], 2);
	assert_int_equal(order[4], 0);
	assert_int_equal(timer_next(&th), UINT64_MAX);
	timer_heap_free(&th);
}

static void
test_cancel_rearm(void **state)
{
	struct timer_heap	th = { 0 };
	struct timer		t[3];
	int			i;

	(void)state;
	norder = 0;
	for (i = 0; i < 3; i++) {
		timer_init(&t[i], fire, (void *)(intptr_t)i);
		timer_set(&th, &t[i], 10 * (i + 1));
	}
	timer_cancel(&th, &t[0]);
	timer_cancel(&th, &t[0]);		/* twice is harmless */
	timer_set(&th, &t[2], 5);		/* re-arm moves it */
	assert_int_equal(timer_next(&th), 5);
	assert_int_equal(timer_run(&th, 100), 2);
	assert_int_equal(order[0], 2);
	assert_int_equal(order[1], 1);
	timer_heap_free(&th);
}

static struct timer_heap	*rearm_heap;

static void
rearm(void *arg)
{
	struct timer	*t = arg;

	norder++;
	if (norder < 3)
		timer_set(rearm_heap, t, t->when_ms + 10);
}

static void
test_rearm_in_callback(void **state)
{
	struct timer_heap	th = { 0 };
	struct timer		t;

	(void)state;
	norder = 0;
	rearm_heap = &th;
	timer_init(&t, rearm, &t);
	timer_set(&th, &t, 10);
	assert_int_equal(timer_run(&th, 15), 1);
	assert_int_equal(timer_next(&th), 20);
	timer_run(&th, 1000);
	assert_int_equal(norder, 3);
	timer_heap_free(&th);
}

/* Random insert/cancel against a brute-force model. */
static void
test_random(void **state)
{
	struct timer_heap	th = { 0 };
	static struct timer	t[500];
	int			i, k;

	(void)state;
	srand(7);
	for (i = 0; i < 500; i++)
		timer_init(&t[i], fire, NULL);
	for (k = 0; k < 20000; k++) {
		i = rand() % 500;
		if (rand() % 3 == 0)
			timer_cancel(&th, &t[i]);
		else
			timer_set(&th, &t[i], (uint64_t)(rand() % 100000));
	}
	for (;;) {
		uint64_t	min = UINT64_MAX, next = timer_next(&th);

		for (i = 0; i < 500; i++)
			if (timer_armed(&t[i]) && t[i].when_ms < min)
				min = t[i].when_ms;
		assert_int_equal(next, min);
		if (next == UINT64_MAX)
			break;
		norder = 0;
		timer_run(&th, next);
	}
	timer_heap_free(&th);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_cancel_rearm),
		cmocka_unit_test(test_rearm_in_callback),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

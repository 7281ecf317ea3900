/* timer.c: binary heap of timers, see timer.h. */
#include <errno.h>
#include <stdlib.h>

#include "timer.h"

void
timer_init(struct timer *t, void (*cb)(void *), void *arg)
{
	t->when_ms = 0;
	t->cb = cb;
	t->arg = arg;
	t->idx = 0;
}

static void
place(struct timer_heap *th, size_t i, struct timer *t)
{
	th->h[i] = t;
	t->idx = i + 1;
}

static void
sift_up(struct timer_heap *th, size_t i)
{
	struct timer	*t = th->h[i];

	while (i > 0) {
		size_t p = (i - 1) / 2;

		if (th->h[p]->when_ms <= t->when_ms)
			break;
		place(th, i, th->h[p]);
		i = p;
	}
	place(th, i, t);
}

static void
sift_down(struct timer_heap *th, size_t i)
{
	struct timer	*t = th->h[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= th->n)
			break;
		if (c + 1 < th->n && th->h[c + 1]->when_ms < th->h[c]->when_ms)
			c++;
		if (t->when_ms <= th->h[c]->when_ms)
			break;
		place(th, i, th->h[c]);
		i = c;
	}
	place(th, i, t);
}

void
timer_cancel(struct timer_heap *th, struct timer *t)
{
	size_t		 i;
	struct timer	*last;

	if (t->idx == 0)
		return;
	i = t->idx - 1;
	t->idx = 0;
	last = th->h[--th->n];
	if (i == th->n)
		return;
	place(th, i, last);
	sift_down(th, i);
	sift_up(th, last->idx - 1);
}

int
timer_set(struct timer_heap *th, struct timer *t, uint64_t when_ms)
{
	timer_cancel(th, t);
	if (th->n == th->cap) {
		size_t		 ncap = th->cap ? th->cap * 2 : 64;
		struct timer	**nh = realloc(th->h, ncap * sizeof(*nh));

		if (nh == NULL) {
			errno = ENOMEM;
			return -1;
		}
		th->h = nh;
		th->cap = ncap;
	}
	t->when_ms = when_ms;
	th->h[th->n] = t;
	t->idx = ++th->n;
	sift_up(th, th->n - 1);
	return 0;
}

uint64_t
timer_next(const struct timer_heap *th)
{
	return th->n ? th->h[0]->when_ms : UINT64_MAX;
}

size_t
timer_run(struct timer_heap *th, uint64_t now_ms)
{
	size_t	fired = 0;

	while (th->n > 0 && th->h[0]->when_ms <= now_ms) {
		struct timer *t = th->h[0];

		timer_cancel(th, t);
		fired++;
		t->cb(t->arg);
	}
	return fired;
}

void
timer_heap_free(struct timer_heap *th)
{
	size_t	i;

	for (i = 0; i < th->n; i++)
		th->h[i]->idx = 0;
	free(th->h);
	th->h = NULL;
	th->n = th->cap = 0;
}

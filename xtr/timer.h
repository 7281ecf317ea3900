/*
 * timer.h: a small binary heap of one-shot timers on the monotonic clock
 * (milliseconds).  Timers are embedded in their owner, so arming and
 * cancelling never allocate; the loop asks timer_next() for its poll
 * timeout and calls timer_run() when it wakes.
 */
#ifndef XTR_TIMER_H
#define XTR_TIMER_H

#include <stddef.h>
#include <stdint.h>

struct timer {
	uint64_t	 when_ms;
	void		(*cb)(void *arg);
	void		*arg;
	size_t		 idx;		/* heap slot + 1; 0 = not armed */
};

struct timer_heap {
	struct timer	**h;
	size_t		  n;
	size_t		  cap;
};

void	timer_init(struct timer *, void (*cb)(void *), void *arg);
/* Arm (or re-arm) t to fire at when_ms.  0, or -1 on ENOMEM. */
int	timer_set(struct timer_heap *, struct timer *, uint64_t when_ms);
void	timer_cancel(struct timer_heap *, struct timer *);
static inline int timer_armed(const struct timer *t) { return t->idx != 0; }
/* Earliest deadline, or UINT64_MAX when nothing is armed. */
uint64_t timer_next(const struct timer_heap *);
/* Fire every timer due at now_ms (callbacks may re-arm); returns count. */
size_t	timer_run(struct timer_heap *, uint64_t now_ms);
void	timer_heap_free(struct timer_heap *);

#endif

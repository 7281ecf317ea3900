/* mreq_sched.c: the Map-Request retransmission schedule, see mreq_sched.h. */
#include "xtr/config.h"
#include "mreq_sched.h"

void
mreq_sched_conf(struct mreq_sched *s, const struct xtr_conf *c)
{
	s->first_ms = c->map_request_retry;
	s->max_ms = c->map_request_retry_max;
	s->floor_ms = c->rate_limit;
	s->retries = c->map_request_retries;
}

uint32_t
mreq_sched_delay(const struct mreq_sched *s, uint32_t sends)
{
	uint64_t	d = s->first_ms;
	uint32_t	n = sends > 1 ? sends - 1 : 0;

	/* doubling, capped (a shift of 32 or more would overflow) */
	d = n >= 32 ? UINT64_MAX : d << n;
	if (d > s->max_ms)
		d = s->max_ms;
	/* RFC 9301 §5.3: one Map-Request per second per EID-Prefix, a
	 * retransmission included; this wins over a smaller max_ms */
	if (d < s->floor_ms)
		d = s->floor_ms;
	return (uint32_t)d;
}

uint64_t
mreq_sched_span(const struct mreq_sched *s)
{
	uint64_t	t = 0;
	uint32_t	i;

	for (i = 1; i <= s->retries + 1; i++)
		t += mreq_sched_delay(s, i);
	return t;
}

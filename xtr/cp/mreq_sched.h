/*
 * mreq_sched.h: when an ITR retransmits a Map-Request (itr_resolve.c) and
 * how long a packet that missed the map-cache may wait for its answer
 * (dp_queue.c).
 *
 * After the n-th send of a Map-Request (n = 1: the first) the next one
 * goes map_request_retry << (n - 1) ms later, at most
 * map_request_retry_max, and never sooner than rate_limit: a
 * retransmission is a Map-Request for the same EID too, and RFC 9301 §5.3
 * limits those to one per second per EID-Prefix (rate_limit, default
 * 1000 ms).  After the last retransmission (map_request_retries) the same
 * delay passes before the request is given up.  Defaults: sent at 0, 1,
 * 3 and 7 s, given up at 15 s.
 */
#ifndef XTR_MREQ_SCHED_H
#define XTR_MREQ_SCHED_H

#include <stdint.h>

struct xtr_conf;

struct mreq_sched {
	uint32_t	first_ms;	/* map_request_retry */
	uint32_t	max_ms;		/* map_request_retry_max */
	uint32_t	floor_ms;	/* rate_limit (RFC 9301 §5.3) */
	uint32_t	retries;	/* map_request_retries */
};

/* The schedule xtrd.conf gives. */
void		mreq_sched_conf(struct mreq_sched *, const struct xtr_conf *);
/* ms from the sends-th send (1 = the first) to the next one, or to the
 * timeout after the last; sends 0 counts as 1. */
uint32_t	mreq_sched_delay(const struct mreq_sched *, uint32_t sends);
/* ms from the first send to the timeout. */
uint64_t	mreq_sched_span(const struct mreq_sched *);

#endif

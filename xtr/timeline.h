/*
 * timeline.h: a ring of recent control events with monotonic timestamps
 * (GET /v1/timeline?since=SEQ), so tests and operators can check the
 * order in which things happened: register-sent, map-notify, smr-sent,
 * smr-received, map-request-sent, map-reply-accepted, ...  A hook lets the
 * API answer a request held until an event comes (?wait=).
 */
#ifndef XTR_TIMELINE_H
#define XTR_TIMELINE_H

#include <stdint.h>

#include "addr.h"
#include "log.h"

#define TL_SIZE		4096

struct tl_event {
	uint64_t	seq;		/* from 1, never reused */
	uint64_t	t_ms;		/* CLOCK_MONOTONIC, t_us / 1000 */
	uint64_t	t_us;		/* the same, in µs (issue 18: the
					 * suspend-to-away-entry window is
					 * 1-4 ms, below t_ms's resolution) */
	char		event[32];
	char		eid[IPPREFIX_STRLEN];
	char		peer[IPADDR_STRLEN];
	char		detail[128];
};

/* eid and peer may be NULL; detail is printf-formatted (may be NULL). */
void	tl_add(const char *event, const struct ipprefix *eid,
	    const struct ipaddr *peer, const char *fmt, ...) LOG_ATTR(4, 5);
/* Visit events with seq > since, oldest first; stops when cb returns !0. */
int	tl_walk(uint64_t since, int (*cb)(const struct tl_event *, void *),
	    void *arg);
uint64_t tl_last_seq(void);
/* fn is called with each event as it is added (the API's held
 * GET /v1/timeline?wait= requests); NULL removes it.  One hook. */
void	tl_set_hook(void (*fn)(const struct tl_event *, void *), void *arg);

#endif

/*
 * timeline.h: one record per migration (in or out) with CLOCK_MONOTONIC
 * timestamps of each step: domain-seen, vif-connected, unpaused,
 * announcement, register-sent, map-notify, smr-sent, departing, released...
 * Each step is also one log line.  The last TL_MAX records are kept.
 */
#ifndef MIG_TIMELINE_H
#define MIG_TIMELINE_H

#include <stdint.h>

#include "log.h"

#define TL_MAX		64
#define TL_MAXEV	48
#define TL_EVLEN	24
#define TL_DETAILLEN	96

struct tl_event {
	uint64_t	t_us;
	char		event[TL_EVLEN];
	char		detail[TL_DETAILLEN];
};

struct tl_mig {
	int		id;		/* > 0 */
	char		domain[96];
	char		dir[4];		/* "in" or "out" */
	struct tl_event	ev[TL_MAXEV];
	int		nev;
};

/* Start a record; returns its id (> 0). */
int	tl_begin(const char *domain, const char *dir, uint64_t t_us);
/* Add an event in time order (after those at the same time); ignored when
 * id is unknown or the record is full. */
void	tl_add(int id, uint64_t t_us, const char *event, const char *fmt, ...)
	    LOG_ATTR(4, 5);
/* 1 if the record already has this event. */
int	tl_has(int id, const char *event);
const struct tl_mig *tl_get(int id);
/* Iterate oldest first: i from 0 while the result is not NULL. */
const struct tl_mig *tl_nth(int i);
void	tl_reset(void);

#endif

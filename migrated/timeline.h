/*
 * timeline.h: migrated's timelines (mtl_: xtrd's tl_ of xtr/timeline.h is
 * a ring of single events), one record per migration (in or out) with
 * CLOCK_MONOTONIC timestamps of each step: domain-seen, vif-connected,
 * unpaused,
 * announcement, register-sent, map-notify, smr-sent, departing, released...
 * Each step is also one log line.  The last MTL_MAX records are kept.
 */
#ifndef MIG_TIMELINE_H
#define MIG_TIMELINE_H

#include <stdint.h>

#include "log.h"

#define MTL_MAX		64
#define MTL_MAXEV	48
#define MTL_EVLEN	24
#define MTL_DETAILLEN	96

struct mtl_event {
	uint64_t	t_us;
	char		event[MTL_EVLEN];
	char		detail[MTL_DETAILLEN];
};

struct mtl_mig {
	int		id;		/* > 0 */
	char		domain[96];
	char		dir[4];		/* "in" or "out" */
	struct mtl_event	ev[MTL_MAXEV];
	int		nev;
};

/* The ring of records (struct mig's mtl), zeroed: none yet. */
struct mtl {
	struct mtl_mig	ring[MTL_MAX];
	int		last_id;
	int		count;		/* records ever started */
};

/* Start a record; returns its id (> 0). */
int	mtl_begin(struct mtl *, const char *domain, const char *dir,
	    uint64_t t_us);
/* Add an event in time order (after those at the same time); ignored when
 * id is unknown or the record is full. */
void	mtl_add(struct mtl *, int id, uint64_t t_us, const char *event,
	    const char *fmt, ...) LOG_ATTR(5, 6);
/* 1 if the record already has this event. */
int	mtl_has(const struct mtl *, int id, const char *event);
const struct mtl_mig *mtl_get(const struct mtl *, int id);
/* Iterate oldest first: i from 0 while the result is not NULL. */
const struct mtl_mig *mtl_nth(const struct mtl *, int i);
void	mtl_reset(struct mtl *);

#endif

/*
 * counters.h: migrated's named counters (mcnt_: xtrd's cnt_ of
 * xtr/counters.h count by enum, these by name).  Every kind of bad input
 * (malformed frame, spoofing attempt, bad xenstore value, bad API request)
 * has its own name, shown by GET /v1/status and `migratectl status`.
 */
#ifndef MIG_COUNTERS_H
#define MIG_COUNTERS_H

#include <stdint.h>

#include "droplog.h"
#include "log.h"

#define MCNT_MAX		128
#define MCNT_NAMELEN	40

/* The table (struct mig's mcnt), zeroed: no counter yet. */
struct mcnt {
	struct {
		char		name[MCNT_NAMELEN];
		uint64_t	v;
		struct droplog	dl;
	}		c[MCNT_MAX];
	int		n;
};

void		 mcnt_inc(struct mcnt *, const char *name);
uint64_t	 mcnt_get(const struct mcnt *, const char *name);
/* Count and log one line (at most one a second per name, common/droplog.h). */
void		 mcnt_drop(struct mcnt *, const char *name, const char *fmt,
		    ...) LOG_ATTR(3, 4);
/* Iterate: 0 while i is valid. */
int		 mcnt_nth(const struct mcnt *, int i, const char **name,
		    uint64_t *v);
void		 mcnt_reset(struct mcnt *);

#endif

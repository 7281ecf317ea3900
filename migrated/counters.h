/*
 * counters.h: named counters.  Every kind of bad input (malformed frame,
 * spoofing attempt, bad xenstore value, bad API request) has its own name,
 * shown by GET /v1/status and `migratectl status`.
 */
#ifndef MIG_COUNTERS_H
#define MIG_COUNTERS_H

#include <stdint.h>

#include "log.h"

#define CNT_MAX		128
#define CNT_NAMELEN	40

void		 cnt_inc(const char *name);
uint64_t	 cnt_get(const char *name);
/* Count and log one line (at most one a second per name, common/droplog.h). */
void		 cnt_drop(const char *name, const char *fmt, ...) LOG_ATTR(2, 3);
/* Iterate: 0 while i is valid. */
int		 cnt_nth(int i, const char **name, uint64_t *v);
void		 cnt_reset(void);

#endif

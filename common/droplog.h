/*
 * droplog.h: the one log policy for refused input in both daemons (xtrd's
 * control plane, its data plane, migrated): at most one line per second
 * per reason, "drop REASON: what (N more suppressed)", the lines not
 * written counted and their number given in the next one.  The counters
 * themselves stay with each daemon (xtr/counters.h, xtr/dp/dp_int.h,
 * migrated/counters.h); this is only what reaches the log.
 *
 * Why this policy: it is bounded whatever the rate of bad input (one line
 * a second per reason: a flood cannot fill the log or cost the loop its
 * time), it keeps reporting an attack that goes on (a line every second,
 * with the count of what it stood for), and the first occurrence is always
 * logged at once.  migrated's former "first 10, then one in 1000" grew
 * with the rate (1000 lines/s at a million frames/s) and said nothing for
 * long stretches at a low one.  The level is the caller's: the data
 * plane's routine per-packet drops stay at debug (droplog_debug_v).
 */
#ifndef MIG_DROPLOG_H
#define MIG_DROPLOG_H

#include <stdarg.h>
#include <stdint.h>

#include "log.h"

#define DROPLOG_INTERVAL_MS	1000

struct droplog {
	uint64_t	last_ms;	/* 0: never logged */
	uint64_t	suppressed;
};

/* Log one line for reason (a leading "drop_" is not repeated) unless one
 * was logged less than DROPLOG_INTERVAL_MS before now_ms (CLOCK_MONOTONIC);
 * 1 if the line was written, 0 if counted as suppressed. */
int	droplog_v(struct droplog *, uint64_t now_ms, const char *reason,
	    const char *fmt, va_list) LOG_ATTR(4, 0);
int	droplog(struct droplog *, uint64_t now_ms, const char *reason,
	    const char *fmt, ...) LOG_ATTR(4, 5);
/* The same policy at debug level: the data plane's routine per-packet
 * drops (dp_drop); what looks like an attack it raises with dp_alert. */
int	droplog_debug_v(struct droplog *, uint64_t now_ms, const char *reason,
	    const char *fmt, va_list) LOG_ATTR(4, 0);

#endif

/* droplog.c: the rate-limited drop log of both daemons, see droplog.h. */
#include <stdio.h>
#include <string.h>

#include "droplog.h"

static int
dl_v(struct droplog *d, uint64_t now_ms, int debug, const char *reason,
    const char *fmt, va_list ap) LOG_ATTR(5, 0);

static int
dl_v(struct droplog *d, uint64_t now_ms, int debug, const char *reason,
    const char *fmt, va_list ap)
{
	char	msg[512];

	if (d->last_ms != 0 && now_ms < d->last_ms + DROPLOG_INTERVAL_MS) {
		d->suppressed++;
		return 0;
	}
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (strncmp(reason, "drop_", 5) == 0)
		reason += 5;
	if (debug && d->suppressed)
		log_debug("drop %s: %s (%llu more suppressed)", reason, msg,
		    (unsigned long long)d->suppressed);
	else if (debug)
		log_debug("drop %s: %s", reason, msg);
	else if (d->suppressed)
		log_warnx("drop %s: %s (%llu more suppressed)", reason, msg,
		    (unsigned long long)d->suppressed);
	else
		log_warnx("drop %s: %s", reason, msg);
	d->last_ms = now_ms ? now_ms : 1;
	d->suppressed = 0;
	return 1;
}

int
droplog_v(struct droplog *d, uint64_t now_ms, const char *reason,
    const char *fmt, va_list ap)
{
	return dl_v(d, now_ms, 0, reason, fmt, ap);
}

int
droplog_debug_v(struct droplog *d, uint64_t now_ms, const char *reason,
    const char *fmt, va_list ap)
{
	return dl_v(d, now_ms, 1, reason, fmt, ap);
}

int
droplog(struct droplog *d, uint64_t now_ms, const char *reason,
    const char *fmt, ...)
{
	va_list	ap;
	int	r;

	va_start(ap, fmt);
	r = droplog_v(d, now_ms, reason, fmt, ap);
	va_end(ap);
	return r;
}

/* counters.c: named counters and the rate-limited drop log, see counters.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "counters.h"
#include "droplog.h"
#include "mono.h"

static const char *const names[C__COUNT] = {
#define CNT_NAME(n) #n,
	XTR_COUNTERS(CNT_NAME)
#undef CNT_NAME
};

static uint64_t	vals[C__COUNT];
static uint64_t	lerr_vals[LERR__COUNT];

/* One log line per second per reason (common/droplog.h). */
static struct droplog	lim[C__COUNT + LERR__COUNT];

void
cnt_inc(enum cnt c)
{
	if ((unsigned)c < C__COUNT)
		vals[c]++;
}

uint64_t
cnt_get(enum cnt c)
{
	return (unsigned)c < C__COUNT ? vals[c] : 0;
}

const char *
cnt_name(enum cnt c)
{
	return (unsigned)c < C__COUNT ? names[c] : "?";
}

/* "drop_" + the decoder's reason, '-' turned to '_' like ours. */
const char *
cnt_lerr_name(enum lisp_err e, char *buf, size_t len)
{
	char	*p;

	snprintf(buf, len, "drop_%s", lisp_err_name(e));
	for (p = buf; *p != '\0'; p++)
		if (*p == '-')
			*p = '_';
	return buf;
}

void
cnt_inc_lerr(enum lisp_err e)
{
	if ((unsigned)e < LERR__COUNT)
		lerr_vals[e]++;
}

uint64_t
cnt_get_lerr(enum lisp_err e)
{
	return (unsigned)e < LERR__COUNT ? lerr_vals[e] : 0;
}

void
cnt_reset(void)
{
	memset(vals, 0, sizeof(vals));
	memset(lerr_vals, 0, sizeof(lerr_vals));
	memset(lim, 0, sizeof(lim));
}

static void	vdrop_log(size_t, const char *, const char *, va_list)
		    LOG_ATTR(3, 0);

static void
vdrop_log(size_t slot, const char *name, const char *fmt, va_list ap)
{
	droplog_v(&lim[slot], mono_ms(), name, fmt, ap);
}

void
cnt_drop(enum cnt c, const char *fmt, ...)
{
	va_list	ap;

	if ((unsigned)c >= C__COUNT)
		return;
	vals[c]++;
	va_start(ap, fmt);
	vdrop_log(c, names[c], fmt, ap);
	va_end(ap);
}

void
cnt_drop_lerr(enum lisp_err e, const char *fmt, ...)
{
	va_list	ap;
	char	name[64];

	if ((unsigned)e >= LERR__COUNT)
		e = LERR_TRUNCATED;
	if (e == LERR_AUTH_FAIL) {	/* one counter for one reason */
		vals[C_drop_auth_fail]++;
		snprintf(name, sizeof(name), "drop_auth_fail");
	} else {
		lerr_vals[e]++;
		cnt_lerr_name(e, name, sizeof(name));
	}
	va_start(ap, fmt);
	vdrop_log(C__COUNT + e, name, fmt, ap);
	va_end(ap);
}

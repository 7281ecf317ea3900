/* timeline.c: ring of recent control events, see timeline.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mono.h"
#include "timeline.h"

static struct tl_event	ring[TL_SIZE];
static uint64_t		next_seq = 1;
static void		(*hook)(const struct tl_event *, void *);
static void		*hook_arg;

void
tl_set_hook(void (*fn)(const struct tl_event *, void *), void *arg)
{
	hook = fn;
	hook_arg = arg;
}

void
tl_add(const char *event, const struct ipprefix *eid,
    const struct ipaddr *peer, const char *fmt, ...)
{
	struct tl_event	*e = &ring[next_seq % TL_SIZE];
	va_list		 ap;

	memset(e, 0, sizeof(*e));
	e->seq = next_seq++;
	e->t_us = mono_us();
	e->t_ms = e->t_us / 1000;
	snprintf(e->event, sizeof(e->event), "%s", event);
	if (eid != NULL && eid->addr.af != AF_UNSPEC)
		ipprefix_fmt(eid, e->eid, sizeof(e->eid));
	if (peer != NULL && peer->af != AF_UNSPEC)
		ipaddr_fmt(peer, e->peer, sizeof(e->peer));
	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(e->detail, sizeof(e->detail), fmt, ap);
		va_end(ap);
	}
	log_info("event %s%s%s%s%s%s%s", e->event,
	    e->eid[0] ? " eid " : "", e->eid,
	    e->peer[0] ? " peer " : "", e->peer,
	    e->detail[0] ? ": " : "", e->detail);
	if (hook != NULL)
		hook(e, hook_arg);
}

int
tl_walk(uint64_t since, int (*cb)(const struct tl_event *, void *), void *arg)
{
	uint64_t	first = next_seq > TL_SIZE ? next_seq - TL_SIZE : 1;
	uint64_t	s;
	int		r;

	if (since + 1 > first)
		first = since + 1;
	for (s = first; s < next_seq; s++)
		if ((r = cb(&ring[s % TL_SIZE], arg)) != 0)
			return r;
	return 0;
}

uint64_t
tl_last_seq(void)
{
	return next_seq - 1;
}

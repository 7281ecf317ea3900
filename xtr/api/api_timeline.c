/*
 * api_timeline.c: GET /v1/timeline, the events xtrd recorded (timeline.h),
 * and the same held until one comes: with ?wait=MS a request that finds no
 * event after ?since= (of the kinds ?events= names) suspends its
 * connection; the timeline's hook resumes it when a matching event is
 * added, or its timer after MS ms, and it is answered then.  This is how
 * migrated learns that a registration was confirmed (database-registered)
 * without fetching the database every 2 ms; any event can be waited for
 * (smr-sent, moved-away, ...).  Nothing waits in the poll loop.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api_int.h"
#include "mono.h"

#define TL_WAIT_MAX_MS	25000	/* below the server's 30 s idle timeout */

static int
tl_json(const struct tl_event *e, void *arg)
{
	json_object	*o = json_object_new_object();

	jadd(o, "seq", json_object_new_int64((int64_t)e->seq));
	jadd(o, "t_ms", json_object_new_int64((int64_t)e->t_ms));
	jadd(o, "t_us", json_object_new_int64((int64_t)e->t_us));
	jadd(o, "event", json_object_new_string(e->event));
	if (e->eid[0])
		jadd(o, "eid", json_object_new_string(e->eid));
	if (e->peer[0])
		jadd(o, "peer", json_object_new_string(e->peer));
	if (e->detail[0])
		jadd(o, "detail", json_object_new_string(e->detail));
	json_object_array_add(arg, o);
	return 0;
}

/* Whether event is one of the comma-separated names (all when empty). */
static bool
tl_wanted(const char *names, const char *event)
{
	size_t	n = strlen(event);
	const char *p;

	if (names[0] == '\0')
		return true;
	for (p = names; *p != '\0'; p += strcspn(p, ","), p += *p == ',')
		if (strncmp(p, event, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
}

struct tl_pick {
	const char	*names;
	json_object	*a;
};

static int
tl_pick(const struct tl_event *e, void *arg)
{
	struct tl_pick	*k = arg;

	if (tl_wanted(k->names, e->event))
		tl_json(e, k->a);
	return 0;
}

static int
tl_any(const struct tl_event *e, void *arg)
{
	return tl_wanted(arg, e->event);
}

static enum MHD_Result
tl_answer(struct req *rq)
{
	json_object	*o = json_object_new_object();
	struct tl_pick	 k = { rq->tl_events, json_object_new_array() };

	tl_walk(rq->tl_since, tl_pick, &k);
	jadd(o, "events", k.a);
	jadd(o, "last_seq", json_object_new_int64((int64_t)tl_last_seq()));
	return reply_json(rq->conn, 200, o);
}

static void
tl_unlink(struct req *rq)
{
	struct req	**pp;

	for (pp = &rq->api->tl_waiters; *pp != NULL; pp = &(*pp)->tl_next)
		if (*pp == rq) {
			*pp = rq->tl_next;
			break;
		}
	rq->tl_next = NULL;
}

/* Answer a held request: out of the list, resumed, answered by handler. */
static void
tl_release(struct req *rq)
{
	if (rq->tl_wait != TLW_HELD)
		return;
	tl_unlink(rq);
	timer_cancel(&rq->api->x->timers, &rq->tl_timer);
	rq->tl_wait = TLW_READY;
	MHD_resume_connection(rq->conn);
}

static void
tl_timeout(void *arg)
{
	tl_release(arg);
}

/* The timeline's hook: each new event wakes the requests that want it. */
static void
tl_event_added(const struct tl_event *e, void *arg)
{
	struct api	*api = arg;
	struct req	*rq, *next;

	for (rq = api->tl_waiters; rq != NULL; rq = next) {
		next = rq->tl_next;
		if (tl_wanted(rq->tl_events, e->event))
			tl_release(rq);
	}
}

static int
arg_u64(struct req *rq, const char *name, unsigned long long max,
    unsigned long long *out)
{
	const char	*s;
	char		*end;

	s = MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
	if (s == NULL)
		return 0;
	errno = 0;
	*out = strtoull(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 || *out > max)
		return -1;
	return 0;
}

enum MHD_Result
h_timeline(struct api *api, struct req *rq)
{
	const char		*s;
	unsigned long long	 since = 0, wait = 0;

	if (rq->tl_wait == TLW_READY) {
		rq->tl_wait = TLW_NONE;
		return tl_answer(rq);
	}
	if (arg_u64(rq, "since", ~0ULL, &since) == -1)
		return reply_err(rq->conn, 400, "since must be a sequence "
		    "number");
	if (arg_u64(rq, "wait", TL_WAIT_MAX_MS, &wait) == -1)
		return reply_err(rq->conn, 400, "wait must be 0-25000 (ms)");
	s = MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND,
	    "events");
	if (s != NULL && strlen(s) >= sizeof(rq->tl_events))
		return reply_err(rq->conn, 400, "events: too long");
	snprintf(rq->tl_events, sizeof(rq->tl_events), "%s", s ? s : "");
	rq->tl_since = since;
	/* since beyond what we have: a client of an earlier xtrd (our
	 * sequence starts at 1 again); answer now so it starts over */
	if (wait == 0 || since > tl_last_seq() ||
	    tl_walk(since, tl_any, rq->tl_events) != 0)
		return tl_answer(rq);
	rq->tl_wait = TLW_HELD;
	rq->tl_next = api->tl_waiters;
	api->tl_waiters = rq;
	timer_init(&rq->tl_timer, tl_timeout, rq);
	timer_set(&api->x->timers, &rq->tl_timer, mono_ms() + wait);
	MHD_suspend_connection(rq->conn);
	return MHD_YES;
}

void
tl_req_done(struct req *rq)
{
	if (rq->tl_wait == TLW_HELD)
		tl_unlink(rq);
	timer_cancel(&rq->api->x->timers, &rq->tl_timer);
	rq->tl_wait = TLW_NONE;
}

void
tl_hold_start(struct api *api)
{
	tl_set_hook(tl_event_added, api);
}

void
tl_hold_stop(struct api *api)
{
	tl_set_hook(NULL, NULL);
	while (api->tl_waiters != NULL)
		tl_release(api->tl_waiters);
}

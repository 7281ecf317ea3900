/*
 * xtrd_events.c: the Map-Notify wait without polling.  One GET
 * /v1/timeline?since=&wait=&events=database-registered is kept held at
 * xtrd (on its own client, m->xtrev); xtrd answers when the event happens,
 * and each database-registered event goes to the jobs (jobs.c).  An xtrd
 * that is down, or answers at once without holding, is asked again after
 * EV_RETRY_MS.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "mono.h"
#include "mover.h"
#include "xtr_client.h"

#define EV_RETRY_MS	1000	/* xtrd down, or answering without holding */

/* The answer to our held GET /v1/timeline: the events since ev->since. */
static void
ev_done(void *arg, int status, const char *body, size_t len)
{
	struct mig		*m = arg;
	struct mig_events	*ev = &m->ev;
	struct json_object	*o = NULL, *evs, *e, *v, *s;
	uint64_t		 last, now = mono_ms();
	size_t			 i;

	ev->busy = 0;
	if (status != 200 || (o = json_tokener_parse(body)) == NULL ||
	    !json_object_object_get_ex(o, "events", &evs) ||
	    !json_object_is_type(evs, json_type_array) ||
	    !json_object_object_get_ex(o, "last_seq", &v)) {
		ev->at = now + EV_RETRY_MS;
		goto out;
	}
	last = (uint64_t)json_object_get_int64(v);
	if (last < ev->since) {
		ev->since = 0;	/* a new xtrd: its events from the start */
		goto out;
	}
	for (i = 0; i < json_object_array_length(evs); i++) {
		e = json_object_array_get_idx(evs, i);
		if (json_object_object_get_ex(e, "event", &v) &&
		    strcmp(json_object_get_string(v), "database-registered")
		    == 0 && json_object_object_get_ex(e, "eid", &s) &&
		    json_object_object_get_ex(e, "t_ms", &v))
			mig_jobs_registered(m, json_object_get_string(s),
			    (uint64_t)json_object_get_int64(v));
	}
	/* nothing, and at once: an xtrd that does not hold requests */
	if (json_object_array_length(evs) == 0 && last == ev->since &&
	    now - ev->sent_ms < MIG_EVENTS_WAIT_MS / 2)
		ev->at = now + EV_RETRY_MS;
	ev->since = last;
out:
	if (o != NULL)
		json_object_put(o);
}

/* Keep one GET /v1/timeline?wait= held at xtrd: it answers when an event
 * we wait for happens, so nothing polls. */
int
mig_events_tick(struct mig *m, uint64_t now)
{
	struct mig_events	*ev = &m->ev;
	char			 path[160];

	if (ev->busy)
		return -1;
	if (now < ev->at)
		return (int)(ev->at - now);
	snprintf(path, sizeof(path), "/v1/timeline?since=%llu&wait=%u"
	    "&events=database-registered", (unsigned long long)ev->since,
	    (unsigned)MIG_EVENTS_WAIT_MS);
	if (xtrc_request(m->xtrev, "GET", path, NULL, XTRC_NORETRY, ev_done,
	    m) == -1) {
		ev->at = now + EV_RETRY_MS;
		return EV_RETRY_MS;
	}
	ev->busy = 1;
	ev->sent_ms = now;
	return -1;
}

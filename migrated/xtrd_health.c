/*
 * xtrd_health.c: is xtrd there, and does it still hold our EIDs?  Every
 * heartbeat_ms a GET /v1/status (its RLOCs, its features, its uptime: a
 * restart re-asserts every EID) and a GET /v1/database (an EID it lost is
 * added again), on their own client (m->xtrmon).  mig_tick() is the
 * mover's periodic work: this heartbeat, the suspended domains
 * (departure.c), the jobs' deadlines and the held event request.
 */
#include <string.h>

#include <json-c/json.h>

#include "counters.h"
#include "log.h"
#include "mover.h"
#include "xtr_client.h"

static void
db_check_done(void *arg, int status, const char *body, size_t len)
{
	struct mig		*m = arg;
	struct json_object	*o = NULL, *maps, *e, *v;
	struct ipaddr		 eids[CONF_MAXEID + DOM_MAXDYN];
	char			 buf[IPPREFIX_STRLEN];
	int			 i, k, n, found;
	size_t			 x;

	m->heartbeat_busy = 0;
	if (status != 200 || (o = json_tokener_parse(body)) == NULL ||
	    !json_object_object_get_ex(o, "mappings", &maps) ||
	    !json_object_is_type(maps, json_type_array))
		goto out;
	for (i = 0; i < m->doms.n; i++) {
		struct domain *d = m->doms.d[i];

		/* handed to the destination at suspend (mig_redirect_eids):
		 * xtrd holds an away entry for them, not a mapping */
		if (!dom_asserted(d) || d->redirected)
			continue;
		n = mig_eids(m, d, eids, CONF_MAXEID + DOM_MAXDYN);
		for (k = 0; k < n; k++) {
			if (mig_eid_busy(m, &eids[k]))
				continue;
			mig_eid_str(&eids[k], buf, sizeof(buf));
			found = 0;
			for (x = 0; x < json_object_array_length(maps); x++) {
				e = json_object_array_get_idx(maps, x);
				if (json_object_object_get_ex(e, "eid", &v) &&
				    strcmp(json_object_get_string(v), buf) == 0)
					found = 1;
			}
			if (!found) {
				mcnt_drop(&m->mcnt, "xtrd_missing_eid", "xtrd "
				    "lost %s of %s; adding it again", buf,
				    d->name);
				mig_push_eid(m, d, &eids[k], 0);
			}
		}
	}
out:
	if (o != NULL)
		json_object_put(o);
}

/* Our RLOCs (a dynamic EID the mapping system has there is ours) and
 * whether xtrd keeps a VM UUID with a registration ("vm-uuid"). */
static void
xtrd_identity(struct mig *m, struct json_object *o)
{
	struct json_object	*a, *v;
	size_t			 i;
	int			 n = 0, vmu = 0;

	if (json_object_object_get_ex(o, "rlocs", &a) &&
	    json_object_is_type(a, json_type_array))
		for (i = 0; i < json_object_array_length(a) &&
		    n < MIG_MAXRLOC; i++) {
			v = json_object_array_get_idx(a, i);
			if (json_object_is_type(v, json_type_string) &&
			    ipaddr_parse(json_object_get_string(v),
			    &m->xtrd_rlocs[n]) == 0)
				n++;
		}
	m->nxtrd_rlocs = n;
	if (json_object_object_get_ex(o, "features", &a) &&
	    json_object_is_type(a, json_type_array))
		for (i = 0; i < json_object_array_length(a); i++) {
			v = json_object_array_get_idx(a, i);
			if (json_object_is_type(v, json_type_string) &&
			    strcmp(json_object_get_string(v), "vm-uuid") == 0)
				vmu = 1;
		}
	m->xtrd_vm_uuid = vmu;
}

static void
status_done(void *arg, int status, const char *body, size_t len)
{
	struct mig		*m = arg;
	struct json_object	*o = NULL, *v;
	uint64_t		 up = 0;
	int			 was_up = m->xtrd_up;

	if (status != 200) {
		m->heartbeat_busy = 0;
		if (m->xtrd_up)
			log_warnx("xtrd is down (%d)", status);
		m->xtrd_up = 0;
		return;
	}
	if ((o = json_tokener_parse(body)) != NULL &&
	    json_object_object_get_ex(o, "uptime_ms", &v))
		up = (uint64_t)json_object_get_int64(v);
	if (o != NULL)
		xtrd_identity(m, o);
	if (o != NULL)
		json_object_put(o);
	m->xtrd_up = 1;
	if (!was_up) {
		log_info("xtrd is up (uptime %llums)", (unsigned long long)up);
		mig_reassert(m, "xtrd is back");
	} else if (up < m->xtrd_uptime_ms) {
		mcnt_inc(&m->mcnt, "xtrd_restarts");
		log_warnx("xtrd restarted (uptime %llums < %llums)",
		    (unsigned long long)up,
		    (unsigned long long)m->xtrd_uptime_ms);
		mig_reassert(m, "xtrd restarted");
	}
	m->xtrd_uptime_ms = up;
	if (xtrc_request(m->xtrmon, "GET", "/v1/database", NULL, XTRC_NORETRY,
	    db_check_done, m) == -1)
		m->heartbeat_busy = 0;
}

int
mig_tick(struct mig *m, uint64_t now)
{
	int	next, hb, ev;

	if (now >= m->next_heartbeat_ms) {
		m->next_heartbeat_ms = now + m->conf.heartbeat_ms;
		if (!m->heartbeat_busy) {
			m->heartbeat_busy = 1;
			if (xtrc_request(m->xtrmon, "GET", "/v1/status", NULL,
			    XTRC_NORETRY, status_done, m) == -1)
				m->heartbeat_busy = 0;
		}
	}
	hb = (int)(m->next_heartbeat_ms - now);
	mig_suspended_tick(m, now);
	next = mig_jobs_tick(m, now);
	ev = mig_events_tick(m, now);
	if (ev != -1 && (next == -1 || ev < next))
		next = ev;
	return next == -1 || hb < next ? hb : next;
}

void
mig_reassert(struct mig *m, const char *why)
{
	struct ipaddr	eids[CONF_MAXEID + DOM_MAXDYN];
	int		i, k, n, total = 0;

	for (i = 0; i < m->doms.n; i++) {
		struct domain *d = m->doms.d[i];

		if (!dom_asserted(d))
			continue;
		n = mig_eids(m, d, eids, CONF_MAXEID + DOM_MAXDYN);
		for (k = 0; k < n; k++)
			if (!mig_eid_busy(m, &eids[k])) {
				/* handed away at suspend: the away entry,
				 * not the mapping, is what xtrd must hold */
				if (d->redirected)
					mig_withdraw_eid(m, d, &eids[k]);
				else
					mig_push_eid(m, d, &eids[k], 0);
				total++;
			}
	}
	if (total > 0)
		log_info("re-asserting %d EIDs to xtrd: %s", total, why);
}

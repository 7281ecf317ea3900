/*
 * mover.c: the decisions.  Xen and frame events come in (from xs_watch.c,
 * capture.c, api.c), the domain table (domains.c) says what they mean, and
 * EIDs move: POST /v1/database/add, wait for the Map-Notify (xtrd's
 * database-registered event, pushed by a GET /v1/timeline?wait= that xtrd
 * holds until it happens), POST /v1/smr; on departure POST
 * /v1/database/remove with moved_to.  Each step lands in the migration's
 * timeline.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include <time.h>

#include "capture.h"
#include "counters.h"
#include "eid_policy.h"
#include "log.h"
#include "migrated.h"
#include "mono.h"
#include "timeline.h"
#include "xs_watch.h"
#include "xtr_client.h"

#define EV_RETRY_MS	1000	/* xtrd down, or answering without holding */
#define NAME_REREAD_US	100000	/* per domain, see rename_ahead() */

enum job_stage { J_FREE, J_ADD_SENT, J_WAIT_NOTIFY, J_SMR_SENT, J_REMOVE_SENT };

struct job {
	enum job_stage	stage;
	unsigned	gen;
	uint32_t	domid;
	int		tl;
	int		smr;		/* a move: SMR after the notify */
	struct ipaddr	eid;
	uint64_t	deadline_ms;
	uint64_t	t_sent_us;	/* database/add written to xtrd */
	uint64_t	early_ms;	/* registered before add_done ran */
};

static struct job	jobs[MIG_MAXJOBS];
static unsigned		job_gen;
static int		ev_busy;	/* our held GET /v1/timeline */
static uint64_t		ev_since;	/* xtrd's last event seq seen */
static uint64_t		ev_at;		/* not before (ms) */
static uint64_t		ev_sent_ms;
static struct mig	*M;	/* for the xtrd callbacks */

static void	notified(struct job *, uint64_t);

static const char *
eid_str(const struct ipaddr *a, char *buf, size_t len)
{
	struct ipprefix	p;

	ipprefix_host(a, &p);
	return ipprefix_fmt(&p, buf, len);
}

static void *
job_ref(const struct job *j)
{
	return (void *)(uintptr_t)((unsigned)(j - jobs) | (j->gen << 12));
}

static struct job *
job_deref(void *arg)
{
	uintptr_t	 v = (uintptr_t)arg;
	struct job	*j = &jobs[v & 0xfff];

	if (j->stage == J_FREE || j->gen != (unsigned)(v >> 12))
		return NULL;
	return j;
}

static struct job *
job_new(uint32_t domid, int tl, const struct ipaddr *eid)
{
	int	i;

	for (i = 0; i < MIG_MAXJOBS; i++)
		if (jobs[i].stage == J_FREE) {
			memset(&jobs[i], 0, sizeof(jobs[i]));
			jobs[i].gen = ++job_gen & 0xfffff;
			jobs[i].domid = domid;
			jobs[i].tl = tl;
			jobs[i].eid = *eid;
			return &jobs[i];
		}
	mcnt_drop("jobs_full", "too many EID updates in flight");
	return NULL;
}

static int
eid_busy(const struct ipaddr *eid)
{
	int	i;

	for (i = 0; i < MIG_MAXJOBS; i++)
		if (jobs[i].stage != J_FREE &&
		    ipaddr_cmp(&jobs[i].eid, eid) == 0)
			return 1;
	return 0;
}

int
mig_eids(struct mig *m, const struct domain *d, struct ipaddr *out, int max)
{
	const struct conf_vm	*vm;
	int			 n = 0, i;

	vm = eid_policy_vm(&m->conf, d->name, d->uuid);
	for (i = 0; vm != NULL && i < vm->neid && n < max; i++)
		out[n++] = vm->eid[i];
	for (i = 0; i < d->ndyn && n < max; i++)
		out[n++] = d->dyn[i];
	return n;
}

/* --- talking to xtrd ------------------------------------------------- */

static void
smr_done(void *arg, int status, const char *body, size_t len)
{
	struct job		*j = job_deref(arg);
	struct json_object	*o, *v;
	char			 buf[IPPREFIX_STRLEN];
	int			 sent = -1;

	if (j == NULL)
		return;
	if (status == 200 && (o = json_tokener_parse(body)) != NULL) {
		if (json_object_object_get_ex(o, "sent", &v))
			sent = json_object_get_int(v);
		json_object_put(o);
	}
	if (status == 200)
		mtl_add(j->tl, mono_us(), "smr-sent", "%s sent=%d",
		    eid_str(&j->eid, buf, sizeof(buf)), sent);
	else
		mcnt_drop("xtrd_smr_failed", "POST /v1/smr %s: HTTP %d",
		    eid_str(&j->eid, buf, sizeof(buf)), status);
	j->stage = J_FREE;
}

static void
send_smr(struct mig *m, struct job *j)
{
	char	body[128], buf[IPPREFIX_STRLEN];

	snprintf(body, sizeof(body), "{\"eid\":\"%s\"}",
	    eid_str(&j->eid, buf, sizeof(buf)));
	j->stage = J_SMR_SENT;
	if (xtrc_request(m->xtr, "POST", "/v1/smr", body, 0, smr_done,
	    job_ref(j)) == -1) {
		log_warn("queue SMR");
		j->stage = J_FREE;
	}
}

static void
add_done(void *arg, int status, const char *body, size_t len)
{
	struct job	*j = job_deref(arg);
	char		 buf[IPPREFIX_STRLEN];

	if (j == NULL)
		return;
	if (status != 200) {
		mcnt_drop("xtrd_add_failed", "POST /v1/database/add %s: HTTP "
		    "%d %.120s", eid_str(&j->eid, buf, sizeof(buf)), status,
		    body);
		j->stage = J_FREE;
		return;
	}
	mcnt_inc("xtrd_eids_added");
	if (!j->smr) {
		j->stage = J_FREE;
		return;
	}
	/* when it left, not when xtrd answered: its Map-Register may have
	 * been answered (Map-Notify) before we read xtrd's answer */
	j->t_sent_us = xtrc_sent_us(M->xtr);
	if (j->t_sent_us == 0)
		j->t_sent_us = mono_us();
	mtl_add(j->tl, j->t_sent_us, "register-sent", "%s",
	    eid_str(&j->eid, buf, sizeof(buf)));
	j->stage = J_WAIT_NOTIFY;
	j->deadline_ms = mono_ms() + M->conf.notify_wait_ms;
	if (j->early_ms != 0)		/* the event came before this answer */
		notified(j, j->early_ms);
}

static void
push_eid(struct mig *m, const struct domain *d, const struct ipaddr *eid,
    int smr)
{
	struct job	*j;
	char		 body[256], buf[IPPREFIX_STRLEN], uuid[64] = "";

	if ((j = job_new(d->domid, smr ? d->tl : -1, eid)) == NULL)
		return;
	j->smr = smr;
	j->stage = J_ADD_SENT;
	/* the VM the EID belongs to, for the Map-Server to keep (an xtrd
	 * that says it takes it: GET /v1/status "features") */
	if (m->xtrd_vm_uuid && conf_is_uuid(d->uuid))
		snprintf(uuid, sizeof(uuid), ",\"vm_uuid\":\"%s\"", d->uuid);
	snprintf(body, sizeof(body), "{\"eid\":\"%s\",\"priority\":%u,"
	    "\"weight\":%u,\"ttl\":%u%s}", eid_str(eid, buf, sizeof(buf)),
	    m->conf.priority, m->conf.weight, m->conf.ttl, uuid);
	if (xtrc_request(m->xtr, "POST", "/v1/database/add", body, 0,
	    add_done, job_ref(j)) == -1) {
		log_warn("queue database/add %s", buf);
		j->stage = J_FREE;
		return;
	}
	/* The latency that matters: connect and write now, not after the
	 * rest of this loop turn. */
	if (smr)
		xtrc_tick(m->xtr, mono_ms());
}

static void
expect_done(void *arg, int status, const char *body, size_t len)
{
	(void)arg;
	/* an xtrd before issue 18 answers 404: nothing is held there, the
	 * migration goes on as before */
	if (status != 200)
		mcnt_drop("xtrd_expect_failed", "POST /v1/expect: HTTP %d "
		    "%.*s", status, (int)(len > 120 ? 120 : len),
		    body != NULL ? body : "");
}

/*
 * An --incoming domain's EIDs are about to arrive here (issue 18): xtrd
 * holds what the old site redirects to them during the blackout and
 * releases it when the arrival adds them (push_eid); cancel: the
 * migration aborted, what is held is dropped (the source keeps the
 * guest and takes its EIDs back, correspondents resend).
 */
static void
expect_eids(struct mig *m, const struct domain *d, int cancel)
{
	struct ipaddr	eids[CONF_MAXEID + DOM_MAXDYN];
	char		body[4096], buf[IPPREFIX_STRLEN];
	size_t		off;
	int		i, n;

	n = mig_eids(m, d, eids, CONF_MAXEID + DOM_MAXDYN);
	if (n == 0)
		return;
	off = (size_t)snprintf(body, sizeof(body), "{\"eids\":[");
	for (i = 0; i < n && off < sizeof(body); i++)
		off += (size_t)snprintf(body + off, sizeof(body) - off,
		    "%s\"%s\"", i ? "," : "", eid_str(&eids[i], buf,
		    sizeof(buf)));
	if (off < sizeof(body))
		off += (size_t)snprintf(body + off, sizeof(body) - off,
		    "],\"cancel\":%s}", cancel ? "true" : "false");
	if (off >= sizeof(body)) {
		log_warnx("%s: too many EIDs to expect", d->name);
		return;
	}
	if (d->tl > 0)
		mtl_add(d->tl, mono_us(), cancel ? "expect-cancelled" :
		    "expected", "%d EIDs", n);
	if (xtrc_request(m->xtr, "POST", "/v1/expect", body, 0, expect_done,
	    NULL) == -1)
		log_warn("queue expect");
}

static void
remove_done(void *arg, int status, const char *body, size_t len)
{
	struct job	*j = job_deref(arg);
	char		 buf[IPPREFIX_STRLEN];

	if (j == NULL)
		return;
	if (status == 200)
		mtl_add(j->tl, mono_us(), "withdrawn", "%s",
		    eid_str(&j->eid, buf, sizeof(buf)));
	else
		mcnt_drop("xtrd_remove_failed", "POST /v1/database/remove %s: "
		    "HTTP %d", eid_str(&j->eid, buf, sizeof(buf)), status);
	j->stage = J_FREE;
}

static void
withdraw_eid(struct mig *m, const struct domain *d, const struct ipaddr *eid)
{
	struct json_object	*o, *a;
	struct job		*j;
	char			 buf[IPPREFIX_STRLEN];
	int			 i;

	if ((j = job_new(d->domid, d->tl, eid)) == NULL)
		return;
	j->stage = J_REMOVE_SENT;
	o = json_object_new_object();
	json_object_object_add(o, "eid",
	    json_object_new_string(eid_str(eid, buf, sizeof(buf))));
	/* moved_to [] for a departure with no destination known */
	if (d->nmoved > 0 || d->state == DOM_MIGRATEDAWAY) {
		a = json_object_new_array();
		for (i = 0; i < d->nmoved; i++)
			json_object_array_add(a, json_object_new_string(
			    ipaddr_fmt(&d->moved_to[i], buf, sizeof(buf))));
		json_object_object_add(o, "moved_to", a);
	}
	if (xtrc_request(m->xtr, "POST", "/v1/database/remove",
	    json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), 0,
	    remove_done, job_ref(j)) == -1) {
		log_warn("queue database/remove");
		j->stage = J_FREE;
	}
	json_object_put(o);
}

/*
 * xtrd says the EID is registered (its database-registered event).  ms is
 * xtrd's CLOCK_MONOTONIC time (the same clock, same host) of the event: one
 * from before this job's database/add (an earlier registration of the
 * same EID) is not the answer to it, keep waiting.
 */
static void
notified(struct job *j, uint64_t ms)
{
	char		buf[IPPREFIX_STRLEN];
	uint64_t	t = mono_us();

	if (ms > 0 && ms < j->t_sent_us / 1000)
		return;		/* stale */
	if (ms > 0 && ms * 1000 <= t)
		t = ms * 1000 > j->t_sent_us ? ms * 1000 : j->t_sent_us;
	mtl_add(j->tl, t, "map-notify", "%s%s", eid_str(&j->eid, buf,
	    sizeof(buf)), ms > 0 ? " (xtrd's time)" : "");
	send_smr(M, j);
}

/* One database-registered event: the job waiting for that EID, or the
 * one whose database/add answer we have not read yet (add_done). */
static void
ev_registered(const char *eid, uint64_t ms)
{
	char	buf[IPPREFIX_STRLEN];
	size_t	k;

	for (k = 0; k < MIG_MAXJOBS; k++) {
		struct job *j = &jobs[k];

		if ((j->stage != J_WAIT_NOTIFY && j->stage != J_ADD_SENT) ||
		    !j->smr || strcmp(eid_str(&j->eid, buf, sizeof(buf)),
		    eid) != 0)
			continue;
		if (j->stage == J_ADD_SENT)
			j->early_ms = ms;
		else
			notified(j, ms);
	}
}

/* The answer to our held GET /v1/timeline: the events since ev_since. */
static void
ev_done(void *arg, int status, const char *body, size_t len)
{
	struct json_object	*o = NULL, *evs, *e, *v, *s;
	uint64_t		 last, now = mono_ms();
	size_t			 i;

	ev_busy = 0;
	if (status != 200 || (o = json_tokener_parse(body)) == NULL ||
	    !json_object_object_get_ex(o, "events", &evs) ||
	    !json_object_is_type(evs, json_type_array) ||
	    !json_object_object_get_ex(o, "last_seq", &v)) {
		ev_at = now + EV_RETRY_MS;
		goto out;
	}
	last = (uint64_t)json_object_get_int64(v);
	if (last < ev_since) {
		ev_since = 0;	/* a new xtrd: its events from the start */
		goto out;
	}
	for (i = 0; i < json_object_array_length(evs); i++) {
		e = json_object_array_get_idx(evs, i);
		if (json_object_object_get_ex(e, "event", &v) &&
		    strcmp(json_object_get_string(v), "database-registered")
		    == 0 && json_object_object_get_ex(e, "eid", &s) &&
		    json_object_object_get_ex(e, "t_ms", &v))
			ev_registered(json_object_get_string(s),
			    (uint64_t)json_object_get_int64(v));
	}
	/* nothing, and at once: an xtrd that does not hold requests */
	if (json_object_array_length(evs) == 0 && last == ev_since &&
	    now - ev_sent_ms < MIG_EVENTS_WAIT_MS / 2)
		ev_at = now + EV_RETRY_MS;
	ev_since = last;
out:
	if (o != NULL)
		json_object_put(o);
}

/* Keep one GET /v1/timeline?wait= held at xtrd: it answers when an event
 * we wait for happens, so nothing polls. */
static void
ev_tick(struct mig *m, uint64_t now)
{
	char	path[160];

	if (ev_busy || now < ev_at)
		return;
	snprintf(path, sizeof(path), "/v1/timeline?since=%llu&wait=%u"
	    "&events=database-registered", (unsigned long long)ev_since,
	    (unsigned)MIG_EVENTS_WAIT_MS);
	if (xtrc_request(m->xtrev, "GET", path, NULL, XTRC_NORETRY, ev_done,
	    NULL) == -1) {
		ev_at = now + EV_RETRY_MS;
		return;
	}
	ev_busy = 1;
	ev_sent_ms = now;
}

static int
jobs_tick(struct mig *m, uint64_t now)
{
	char	buf[IPPREFIX_STRLEN];
	int	next = -1;
	size_t	k;

	for (k = 0; k < MIG_MAXJOBS; k++) {
		struct job *j = &jobs[k];

		if (j->stage != J_WAIT_NOTIFY)
			continue;
		if (now >= j->deadline_ms) {
			mtl_add(j->tl, mono_us(), "map-notify-timeout", "%s "
			    "after %ums", eid_str(&j->eid, buf, sizeof(buf)),
			    m->conf.notify_wait_ms);
			mcnt_inc("map_notify_timeouts");
			send_smr(m, j);
			continue;
		}
		if (next == -1 || (int)(j->deadline_ms - now) < next)
			next = (int)(j->deadline_ms - now);
	}
	ev_tick(m, now);
	if (!ev_busy && (next == -1 || (int)(ev_at - now) < next))
		next = ev_at > now ? (int)(ev_at - now) : 0;
	return next;
}

/* --- xtrd health ----------------------------------------------------- */

static void
db_check_done(void *arg, int status, const char *body, size_t len)
{
	struct json_object	*o = NULL, *maps, *e, *v;
	struct ipaddr		 eids[CONF_MAXEID + DOM_MAXDYN];
	char			 buf[IPPREFIX_STRLEN];
	int			 i, k, n, found;
	size_t			 x;

	M->heartbeat_busy = 0;
	if (status != 200 || (o = json_tokener_parse(body)) == NULL ||
	    !json_object_object_get_ex(o, "mappings", &maps) ||
	    !json_object_is_type(maps, json_type_array))
		goto out;
	for (i = 0; i < M->doms.n; i++) {
		struct domain *d = M->doms.d[i];

		/* handed to the destination at suspend (redirect_eids):
		 * xtrd holds an away entry for them, not a mapping */
		if (!dom_asserted(d) || d->redirected)
			continue;
		n = mig_eids(M, d, eids, CONF_MAXEID + DOM_MAXDYN);
		for (k = 0; k < n; k++) {
			if (eid_busy(&eids[k]))
				continue;
			eid_str(&eids[k], buf, sizeof(buf));
			found = 0;
			for (x = 0; x < json_object_array_length(maps); x++) {
				e = json_object_array_get_idx(maps, x);
				if (json_object_object_get_ex(e, "eid", &v) &&
				    strcmp(json_object_get_string(v), buf) == 0)
					found = 1;
			}
			if (!found) {
				mcnt_drop("xtrd_missing_eid", "xtrd lost %s "
				    "of %s; adding it again", buf, d->name);
				push_eid(M, d, &eids[k], 0);
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
	struct json_object	*o = NULL, *v;
	uint64_t		 up = 0;
	int			 was_up = M->xtrd_up;

	if (status != 200) {
		M->heartbeat_busy = 0;
		if (M->xtrd_up)
			log_warnx("xtrd is down (%d)", status);
		M->xtrd_up = 0;
		return;
	}
	if ((o = json_tokener_parse(body)) != NULL &&
	    json_object_object_get_ex(o, "uptime_ms", &v))
		up = (uint64_t)json_object_get_int64(v);
	if (o != NULL)
		xtrd_identity(M, o);
	if (o != NULL)
		json_object_put(o);
	M->xtrd_up = 1;
	if (!was_up) {
		log_info("xtrd is up (uptime %llums)", (unsigned long long)up);
		mig_reassert(M, "xtrd is back");
	} else if (up < M->xtrd_uptime_ms) {
		mcnt_inc("xtrd_restarts");
		log_warnx("xtrd restarted (uptime %llums < %llums)",
		    (unsigned long long)up,
		    (unsigned long long)M->xtrd_uptime_ms);
		mig_reassert(M, "xtrd restarted");
	}
	M->xtrd_uptime_ms = up;
	if (xtrc_request(M->xtrmon, "GET", "/v1/database", NULL, XTRC_NORETRY,
	    db_check_done, NULL) == -1)
		M->heartbeat_busy = 0;
}

/* Domains redirected at the suspend and not renamed away yet: running
 * again (libxl says not shut down) means xl resumed them here. */
static void
suspended_tick(struct mig *m, uint64_t now)
{
	static uint64_t	next_ms;
	struct hv_info	hi;
	int		k;

	if (now < next_ms)
		return;
	next_ms = now + 100;
	for (k = 0; k < m->doms.n; k++) {
		struct domain *d = m->doms.d[k];

		if (d->suspended && hv_info(&m->hv, d->domid, &hi) == 0 &&
		    hi.exists && hi.shutdown == 0)
			mig_domain_resumed(m, d);
	}
}

int
mig_tick(struct mig *m, uint64_t now)
{
	int	next, hb;

	M = m;
	if (now >= m->next_heartbeat_ms) {
		m->next_heartbeat_ms = now + m->conf.heartbeat_ms;
		if (!m->heartbeat_busy) {
			m->heartbeat_busy = 1;
			if (xtrc_request(m->xtrmon, "GET", "/v1/status", NULL,
			    XTRC_NORETRY, status_done, NULL) == -1)
				m->heartbeat_busy = 0;
		}
	}
	hb = (int)(m->next_heartbeat_ms - now);
	suspended_tick(m, now);
	next = jobs_tick(m, now);
	return next == -1 || hb < next ? hb : next;
}

void
mig_reassert(struct mig *m, const char *why)
{
	struct ipaddr	eids[CONF_MAXEID + DOM_MAXDYN];
	int		i, k, n, total = 0;

	M = m;
	for (i = 0; i < m->doms.n; i++) {
		struct domain *d = m->doms.d[i];

		if (!dom_asserted(d))
			continue;
		n = mig_eids(m, d, eids, CONF_MAXEID + DOM_MAXDYN);
		for (k = 0; k < n; k++)
			if (!eid_busy(&eids[k])) {
				/* handed away at suspend: the away entry,
				 * not the mapping, is what xtrd must hold */
				if (d->redirected)
					withdraw_eid(m, d, &eids[k]);
				else
					push_eid(m, d, &eids[k], 0);
				total++;
			}
	}
	if (total > 0)
		log_info("re-asserting %d EIDs to xtrd: %s", total, why);
}

/* --- Xen events -------------------------------------------------------- */

static void	redirect_eids(struct mig *, struct domain *);

static void
arrived(struct mig *m, struct domain *d, const char *how)
{
	struct ipaddr	eids[CONF_MAXEID + DOM_MAXDYN];
	int		i, n;

	M = m;
	mcnt_inc("arrivals");
	if (d->tl <= 0) {
		d->tl = mtl_begin(d->name, "in", mono_us());
		mtl_add(d->tl, mono_us(), "domain-seen", "domid %u", d->domid);
	}
	mtl_add(d->tl, mono_us(), "arrived", "%s", how);
	/* From now on only its announcements, by the port socket. */
	for (i = 0; i < DOM_MAXVIF; i++)
		if (d->vifs[i].used && d->vifs[i].cap_all)
			mig_vif_capture(m, d, &d->vifs[i], 0);
	n = mig_eids(m, d, eids, CONF_MAXEID + DOM_MAXDYN);
	if (n == 0) {
		log_info("%s (domid %u) arrived but has no EID yet", d->name,
		    d->domid);
		return;
	}
	/* Registered at the rename already (register_at = rename): only
	 * the addresses claimed since in dynamic ranges are new (a domain
	 * claims nothing while it is incoming). */
	for (i = 0; i < n; i++)
		if (!d->early || dom_has_dyn(d, &eids[i]))
			push_eid(m, d, &eids[i], 1);
}

void
mig_domain_seen(struct mig *m, uint32_t domid, const char *xsname,
    int at_startup)
{
	struct domain	*d;
	struct hv_info	 hi;
	enum dom_ev	 ev;
	struct ipaddr	 eids[CONF_MAXEID];
	int		 i, n;

	if ((d = dom_add(&m->doms, domid, xsname, at_startup, &ev)) == NULL) {
		mcnt_drop("domain_table_full", "domid %u not tracked", domid);
		return;
	}
	d->t_seen_us = mono_us();
	if (hv_info(&m->hv, domid, &hi) == 0)
		snprintf(d->uuid, sizeof(d->uuid), "%s", hi.uuid);
	log_info("domain %u '%s' (%s): %s", domid, xsname,
	    d->uuid[0] ? d->uuid : "no uuid", dom_ev_name(ev));
	switch (ev) {
	case DEV_NEW_INCOMING:
	case DEV_NEW_RUNNING:
		d->tl = mtl_begin(d->name, "in", d->t_seen_us);
		mtl_add(d->tl, d->t_seen_us, "domain-seen", "domid %u%s", domid,
		    ev == DEV_NEW_RUNNING ? " (created)" : "");
		if (ev == DEV_NEW_INCOMING)
			expect_eids(m, d, 0);
		break;
	case DEV_NEW_MIGRATEDAWAY:
		/* leaving (or gone) already: never asserted from here again,
		 * taken back only if xl renames it back */
		d->tl = mtl_begin(d->name, "out", d->t_seen_us);
		mtl_add(d->tl, d->t_seen_us, "departing", "domid %u (found at "
		    "start-up)", domid);
		redirect_eids(m, d);
		break;
	case DEV_NEW_OWNED:
		n = mig_eids(m, d, eids, CONF_MAXEID);
		for (i = 0; i < n; i++)
			push_eid(m, d, &eids[i], 0);
		break;
	default:
		break;
	}
}

/*
 * The guest stopped here: hand its EIDs over now, while the last memory
 * round is still in flight.  With its destination known (POST
 * /v1/departure from xl-migrate-lisp) xtrd's away entry redirects every
 * packet that still arrives instead of delivering it to a suspended
 * guest.  Without (a plain xl migrate) xtrd keeps the Map-Server's
 * registration, unrefreshed, until the destination registers (the
 * mobility Map-Notify names it and makes the away entry); kept as a live
 * mapping, its refresh took the EID back from the destination once per
 * register_interval until the release.  xl renames to --migratedaway only
 * once the receiver holds the domain (xl_migrate.c, migrate_domain), so
 * the new site is ready for it.  If xl renames back (a failed "go"),
 * reclaim_eids() takes the EIDs back.
 */
static void
redirect_eids(struct mig *m, struct domain *d)
{
	struct ipaddr	eids[CONF_MAXEID + DOM_MAXDYN];
	char		buf[IPADDR_STRLEN];
	int		i, n;

	if (d->redirected)
		return;
	d->redirected = 1;
	if (d->nmoved == 0)
		mtl_add(d->tl, mono_us(), "redirecting", "to the site that "
		    "registers them next (no departure announced)");
	else
		mtl_add(d->tl, mono_us(), "redirecting", "to %s%s",
		    ipaddr_fmt(&d->moved_to[0], buf, sizeof(buf)),
		    d->nmoved > 1 ? " ..." : "");
	n = mig_eids(m, d, eids, CONF_MAXEID + DOM_MAXDYN);
	for (i = 0; i < n; i++)
		withdraw_eid(m, d, &eids[i]);
}

/*
 * register_at = rename: xl renamed <name>--incoming to <name> and unpauses
 * it next (xl_migrate.c, migrate_receive): register its EIDs now rather
 * than after its first sign of life.  The arrival is still awaited (vif
 * captures stay open) and recorded; a destroy before it withdraws them.
 */
static void
register_early(struct mig *m, struct domain *d)
{
	struct ipaddr	eids[CONF_MAXEID + DOM_MAXDYN];
	int		i, n;

	M = m;
	if (m->conf.register_at != REG_AT_RENAME || d->owned || d->early)
		return;
	n = mig_eids(m, d, eids, CONF_MAXEID + DOM_MAXDYN);
	if (n == 0)
		return;		/* none known yet: at the arrival, if any */
	d->early = 1;
	for (i = 0; i < n; i++)
		push_eid(m, d, &eids[i], 1);
}

/*
 * Renamed back (a failed "go"): register the EIDs again from here, with
 * SMRs, whether or not they were handed over at the suspend: the
 * destination may have registered them at its rename (register_at =
 * rename) before it failed.
 */
static void
reclaim_eids(struct mig *m, struct domain *d)
{
	struct ipaddr	eids[CONF_MAXEID + DOM_MAXDYN];
	int		i, n;

	d->redirected = 0;
	n = mig_eids(m, d, eids, CONF_MAXEID + DOM_MAXDYN);
	for (i = 0; i < n; i++)
		push_eid(m, d, &eids[i], 1);
}

void
mig_domain_renamed(struct mig *m, struct domain *d, const char *xsname)
{
	char		old[DOM_XSNAMELEN];
	enum dom_ev	ev;

	snprintf(old, sizeof(old), "%s", d->xsname);
	ev = dom_rename(d, xsname);
	if (ev == DEV_NONE)
		return;
	log_info("domain %u renamed '%s' -> '%s': %s", d->domid, old, xsname,
	    dom_ev_name(ev));
	switch (ev) {
	case DEV_UNPAUSED:
		mtl_add(d->tl, mono_us(), "unpaused", "renamed from %s", old);
		register_early(m, d);
		break;
	case DEV_DEPARTING:
		if (!d->suspended)
			d->tl = mtl_begin(d->name, "out", mono_us());
		d->suspended = 0;
		mtl_add(d->tl, mono_us(), "departing", "domid %u", d->domid);
		redirect_eids(m, d);
		break;
	case DEV_RETURNED:
		/* The source keeps everything and takes the EIDs back
		 * (registered again, with SMRs). */
		mcnt_inc("migrations_aborted_out");
		mtl_add(d->tl, mono_us(), "aborted", "renamed back; keeping "
		    "EIDs");
		reclaim_eids(m, d);
		d->nmoved = 0;
		break;
	default:
		break;
	}
}

/*
 * The suspend itself (issue 18): xl renames the domain --migratedaway
 * only at the end of the blackout, once the receiver holds it, so an
 * away entry made at the rename let every packet of the blackout die
 * here (delivered to a suspended guest).  With the destination named
 * (POST /v1/departure from xl-migrate-lisp) the EIDs are handed over at
 * the toolstack's suspend request instead: the destination's xtrd holds
 * what is redirected until the guest arrives there.  If xl resumes the
 * guest here without renaming it (the migration failed in the blackout),
 * mig_domain_resumed() takes them back.
 */
void
mig_domain_suspended(struct mig *m, struct domain *d, const char *how)
{
	if (d->redirected || d->nmoved == 0 || !dom_asserted(d) ||
	    d->state != DOM_RUNNING)
		return;
	M = m;
	d->tl = mtl_begin(d->name, "out", mono_us());
	mtl_add(d->tl, mono_us(), "suspended", "%s", how);
	d->suspended = 1;
	redirect_eids(m, d);
}

void
mig_domain_resumed(struct mig *m, struct domain *d)
{
	if (!d->suspended || d->state != DOM_RUNNING)
		return;
	M = m;
	d->suspended = 0;
	mcnt_inc("migrations_aborted_out");
	mtl_add(d->tl, mono_us(), "aborted", "running here again before the "
	    "rename; keeping EIDs");
	reclaim_eids(m, d);
	d->nmoved = 0;
}

void
mig_domain_gone(struct mig *m, struct domain *d)
{
	struct ipaddr	eids[CONF_MAXEID + DOM_MAXDYN];
	enum dom_ev	ev = dom_release(d);
	int		i, n;

	M = m;
	log_info("domain %u '%s' released: %s", d->domid, d->xsname,
	    dom_ev_name(ev));
	switch (ev) {
	case DEV_DEPARTED:
	case DEV_SHUTDOWN:
		mtl_add(d->tl, mono_us(), "released", "%s",
		    ev == DEV_DEPARTED ? "moved" : "shut down");
		if (d->redirected)
			break;	/* withdrawn at suspend already */
		n = mig_eids(m, d, eids, CONF_MAXEID + DOM_MAXDYN);
		for (i = 0; i < n; i++)
			withdraw_eid(m, d, &eids[i]);
		break;
	case DEV_ABORTED_IN:
		mcnt_inc("migrations_aborted_in");
		mtl_add(d->tl, mono_us(), "aborted", "incoming domain "
		    "destroyed%s", d->early ? " after the rename" : "");
		expect_eids(m, d, 1);
		/* registered at the rename, never arrived: take it back */
		if (!d->early)
			break;
		n = mig_eids(m, d, eids, CONF_MAXEID + DOM_MAXDYN);
		for (i = 0; i < n; i++)
			withdraw_eid(m, d, &eids[i]);
		break;
	default:
		break;
	}
	for (i = 0; i < DOM_MAXVIF; i++)
		if (d->vifs[i].used && d->vifs[i].cap_all)
			mig_vif_capture(m, d, &d->vifs[i], 0);
	n = d->ndyn;
	dom_free(&m->doms, d);
	if (n > 0)
		mig_dyn_save(m);
}

void
mig_vif_update(struct mig *m, struct domain *d, uint32_t devid,
    const struct vif_info *vi)
{
	struct vif	*v;
	uint8_t		 mac[6];
	char		 ifname[CONF_IFNAMSIZ];

	if ((v = dom_vif(d, devid, 1)) == NULL) {
		mcnt_drop("vif_table_full", "domid %u devid %u", d->domid,
		    devid);
		return;
	}
	if (vi->mac != NULL && mac_parse(vi->mac, mac) == 0) {
		memcpy(v->mac, mac, 6);
		v->has_mac = 1;
	}
	if (vi->bridge != NULL)
		snprintf(v->bridge, sizeof(v->bridge), "%s", vi->bridge);
	if (vi->ifname != NULL && vi->ifname[0] != '\0')
		snprintf(ifname, sizeof(ifname), "%s", vi->ifname);
	else
		snprintf(ifname, sizeof(ifname), "vif%u.%u", d->domid, devid);
	snprintf(v->ifname, sizeof(v->ifname), "%s", ifname);
	if (vi->connected && !v->connected) {
		v->connected = 1;
		mtl_add(d->tl, mono_us(), "vif-connected", "%s on %s",
		    v->ifname, v->bridge);
	}
	/* Until it arrives, watch everything the vif sends. */
	if (!d->owned && v->connected && v->has_mac && !v->cap_all)
		mig_vif_capture(m, d, v, 1);
}

/* Vif captures that could not be opened (interface not there yet). */
void
mig_retry_captures(struct mig *m)
{
	int	i, k;

	for (i = 0; i < m->doms.n; i++) {
		struct domain *d = m->doms.d[i];

		if (d->owned)
			continue;
		for (k = 0; k < DOM_MAXVIF; k++) {
			struct vif *v = &d->vifs[k];

			if (v->used && v->connected && v->has_mac &&
			    !v->cap_all)
				mig_vif_capture(m, d, v, 1);
		}
	}
}

void
mig_vif_removed(struct mig *m, struct domain *d, uint32_t devid)
{
	struct vif	*v = dom_vif(d, devid, 0);

	if (v == NULL)
		return;
	if (v->cap_all)
		mig_vif_capture(m, d, v, 0);
	v->used = 0;
}

void
mig_fe_state(struct mig *m, struct domain *d, uint32_t devid, int state)
{
	struct vif	*v = dom_vif(d, devid, 0);	/* never made here */
	char		 how[64];

	if (v == NULL)
		return;
	if (v->fe_state == state)
		return;
	v->fe_state = state;
	/* XenbusStateConnected: netfront is up on this host. */
	if (state != 4)
		return;
	mtl_add(d->tl, mono_us(), "netfront-connected", "devid %u", devid);
	snprintf(how, sizeof(how), "netfront %u connected", devid);
	if (dom_arrive(d, ARR_NETFRONT))
		arrived(m, d, how);
}

struct claim_arg {
	struct mig		*m;
	const struct domain	*self;
};

static const char *
claimed_by(void *arg, const struct ipaddr *a)
{
	struct claim_arg	*ca = arg;
	int			 i;

	for (i = 0; i < ca->m->doms.n; i++) {
		struct domain *o = ca->m->doms.d[i];

		if (o != ca->self && strcmp(o->name, ca->self->name) != 0 &&
		    dom_has_dyn(o, a))
			return o->name;
	}
	return NULL;
}

/*
 * An announcement from a domain that is not running here by the name we
 * have.  xl renames <name>--incoming to <name> before it unpauses the
 * guest (xl_migrate.c, migrate_receive), and <name>--migratedaway back to
 * <name> before it resumes it, so a guest that announces itself has its
 * new name in xenstore already; but the rename's watch event may still
 * wait on the xenstore descriptor while the capture's is served first in
 * this poll round (a busy Dom0: migrated_two's "web2 arrival").  Read the
 * name now, as that watch event would: the order of the two descriptors
 * then does not matter, nothing is held, and the announcement is the
 * arrival at its own time.  A domain really still --incoming (a frame
 * with its MAC from elsewhere on the bridge) keeps its name and the
 * announcement is dropped; such frames cost one xenstore read per domain
 * per NAME_REREAD_US at most.
 */
static void
rename_ahead(struct mig *m, struct domain *d, const char *what)
{
	enum dom_state	was = d->state;
	uint64_t	now = mono_us();

	if (d->t_name_read_us != 0 && now - d->t_name_read_us < NAME_REREAD_US)
		return;
	d->t_name_read_us = now;
	if (xsw_read_name(m, d) == -1 || d->state == was)
		return;
	mcnt_inc("rename_at_announcement");
	mtl_add(d->tl, mono_us(), "rename-at-announcement", "%s read at the "
	    "%s, before its watch", d->xsname, what);
}

static void
announcement(struct mig *m, const char *ifname, struct domain *d,
    struct vif *v, const struct announce *an)
{
	const struct conf_vm	*vm;
	struct claim_arg	 ca = { m, d };
	enum eid_verdict	 vd = EID_OK_STATIC;
	char			 a[IPADDR_STRLEN] = "-", mac[MAC_STRLEN];
	char			 how[160];

	mac_fmt(an->eth_src, mac, sizeof(mac));
	if (an->addr.af != AF_UNSPEC)
		ipaddr_fmt(&an->addr, a, sizeof(a));
	if (eid_policy_mac(v->mac, an->eth_src, an->has_hw, an->hw) == -1) {
		mcnt_drop("spoof_mac", "%s %s on %s from %s: MAC is not "
		    "the vif's (domain %s)", ann_kind_name(an->kind), a,
		    ifname, mac, d->name);
		return;
	}
	snprintf(how, sizeof(how), "%s %s on %s", ann_kind_name(an->kind), a,
	    ifname);
	if (d->state != DOM_RUNNING)
		rename_ahead(m, d, how);
	if (d->state != DOM_RUNNING) {
		mcnt_drop("announce_not_running", "%s %s from %s: domain %s "
		    "is %s", ann_kind_name(an->kind), a, mac, d->xsname,
		    dom_state_name(d->state));
		return;
	}
	if (an->addr.af != AF_UNSPEC) {
		vm = eid_policy_vm(&m->conf, d->name, d->uuid);
		vd = eid_policy_addr(&m->conf, vm, v->bridge, &an->addr,
		    claimed_by, &ca);
		if (!eid_verdict_ok(vd)) {
			mcnt_drop(eid_verdict_name(vd), "%s %s on %s from %s "
			    "(domain %s): ignored", ann_kind_name(an->kind),
			    a, ifname, mac, d->name);
			return;
		}
	}
	mcnt_inc("announcements");
	if (log_getverbose()) {
		struct timespec	ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		log_debug("%s %s: handled %lldus after capture",
		    ann_kind_name(an->kind), a, (long long)((uint64_t)
		    ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000 -
		    cap_last_ts_us));
	}
	if (!mtl_has(d->tl, "announcement") || !d->owned)
		mtl_add(d->tl, mono_us(), "announcement", "%s %s on %s",
		    ann_kind_name(an->kind), a, ifname);
	/* A dynamic EID this guest does not hold here yet: taken once the
	 * mapping system says no other VM holds it (dyn_check.c,
	 * mig_dyn_confirmed()); its arrival does not wait for that. */
	if (vd == EID_OK_DYNAMIC && !dom_has_dyn(d, &an->addr)) {
		int	pending, n = mig_dyn_checking(d, &an->addr, &pending);

		if (!pending && d->ndyn + n >= DOM_MAXDYN) {
			mcnt_drop("dyn_slots_full", "%s %s on %s (domain %s): "
			    "it holds %d dynamic EIDs already, ignored",
			    ann_kind_name(an->kind), a, ifname, d->name,
			    DOM_MAXDYN);
			return;
		}
		mig_dyn_check(m, d, v->bridge, &an->addr);
	}
	if (dom_arrive(d, ARR_ANNOUNCEMENT))
		arrived(m, d, how);
}

/*
 * The mapping system lets the guest have `a` (dyn_check.c).  Everything
 * may have changed while the question was out: the same guest (domid and
 * UUID), still running here, still allowed the address by the local
 * policy on that bridge.
 */
void
mig_dyn_confirmed(struct mig *m, uint32_t domid, const char *uuid,
    const char *bridge, const struct ipaddr *a)
{
	const struct conf_vm	*vm;
	struct domain		*d = dom_find(&m->doms, domid);
	struct claim_arg	 ca;
	enum eid_verdict	 vd;
	char			 buf[IPADDR_STRLEN];
	int			 r;

	M = m;
	ipaddr_fmt(a, buf, sizeof(buf));
	if (d == NULL || strcmp(d->uuid, uuid) != 0 ||
	    d->state != DOM_RUNNING) {
		mcnt_drop("dyn_claim_stale", "%s: domain %u is gone or no "
		    "longer runs here", buf, domid);
		return;
	}
	ca.m = m;
	ca.self = d;
	vm = eid_policy_vm(&m->conf, d->name, d->uuid);
	if ((vd = eid_policy_addr(&m->conf, vm, bridge, a, claimed_by,
	    &ca)) != EID_OK_DYNAMIC) {
		mcnt_drop(eid_verdict_name(vd), "%s for %s: ignored (after the "
		    "mapping system was asked)", buf, d->name);
		return;
	}
	if ((r = dom_add_dyn(d, a)) == -1) {
		mcnt_drop("dyn_slots_full", "%s (domain %s): it holds %d "
		    "dynamic EIDs already, ignored", buf, d->name, DOM_MAXDYN);
		return;
	}
	if (r == 0)
		return;
	mig_dyn_save(m);
	log_info("%s claims %s", d->name, buf);
	mtl_add(d->tl, mono_us(), "dynamic-claim", "%s", buf);
	if (dom_asserted(d) && !d->redirected)
		push_eid(m, d, a, 1);
}

void
mig_frame(struct mig *m, const char *ifname, struct domain *d, struct vif *v,
    const uint8_t *frame, size_t len)
{
	struct announce	 an;
	const char	*why;
	char		 mac[MAC_STRLEN], name[64];

	M = m;
	/* Charged to the guest of the vif it came in by (capture.h): the
	 * MAC it claims names no one. */
	if (d == NULL || v == NULL)
		return;
	mcnt_inc("frames");
	if (announce_parse(frame, len, &an, &why) == -1) {
		snprintf(name, sizeof(name), "frame_%s", why);
		mcnt_drop(name, "%zu-byte frame on %s ignored", len, ifname);
		return;
	}
	if (an.kind != ANN_FRAME) {
		announcement(m, ifname, d, v, &an);
		return;
	}
	/* Any other frame, seen on the vif itself before arrival. */
	if (memcmp(an.eth_src, v->mac, 6) != 0) {
		mcnt_drop("vif_foreign_src_mac", "frame on %s (domain %s) from "
		    "%s: not its vif's MAC, ignored", ifname, d->name,
		    mac_fmt(an.eth_src, mac, sizeof(mac)));
		return;
	}
	if (dom_arrive(d, ARR_FIRST_FRAME)) {
		char how[64];

		snprintf(how, sizeof(how), "first frame on %s", ifname);
		arrived(m, d, how);
	}
}

int
mig_departure(struct mig *m, const char *name, const struct ipaddr *rlocs,
    int n)
{
	struct domain	*d = dom_find_name(&m->doms, name);
	char		 buf[IPADDR_STRLEN];
	int		 i;

	if (d == NULL || !dom_asserted(d)) {
		errno = ENOENT;
		return -1;
	}
	d->nmoved = 0;
	for (i = 0; i < n && i < DOM_MAXMOVED; i++)
		d->moved_to[d->nmoved++] = rlocs[i];
	log_info("%s will move to %s%s", name,
	    n > 0 ? ipaddr_fmt(&rlocs[0], buf, sizeof(buf)) : "?",
	    n > 1 ? " ..." : "");
	/* told late: handed over at the rename already, without a
	 * destination (xtrd's away entry then comes from the Map-Server's
	 * mobility Map-Notify); redirect_eids() does nothing more */
	if (d->state == DOM_MIGRATEDAWAY)
		redirect_eids(m, d);
	return 0;
}

void
mig_shutdown(struct mig *m)
{
	memset(jobs, 0, sizeof(jobs));
}

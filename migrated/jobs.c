/*
 * jobs.c: one job per EID update at xtrd, in m->jobs.  A move:
 * POST /v1/database/add, wait for the Map-Notify (xtrd's
 * database-registered event, from xtrd_events.c, or the notify_wait_ms
 * deadline), then POST /v1/smr.  A departure: POST /v1/database/remove
 * with moved_to.  An incoming domain: POST /v1/expect.  Each step lands in
 * the migration's timeline.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "counters.h"
#include "log.h"
#include "mono.h"
#include "mover.h"
#include "timeline.h"
#include "xtr_client.h"

static void	notified(struct job *, uint64_t);

const char *
mig_eid_str(const struct ipaddr *a, char *buf, size_t len)
{
	struct ipprefix	p;

	ipprefix_host(a, &p);
	return ipprefix_fmt(&p, buf, len);
}

/* A callback's argument: the job, which knows its mig; NULL (ignore the
 * answer) unless it is still at the stage that sent the request. */
static struct job *
job_deref(void *arg, enum job_stage stage)
{
	struct job	*j = arg;

	return j->stage == stage ? j : NULL;
}

static struct job *
job_new(struct mig *m, uint32_t domid, int tl, const struct ipaddr *eid)
{
	struct job	*j;
	int		 i;

	for (i = 0; i < MIG_MAXJOBS; i++)
		if (m->jobs[i].stage == J_FREE) {
			j = &m->jobs[i];
			memset(j, 0, sizeof(*j));
			j->m = m;
			j->domid = domid;
			j->tl = tl;
			j->eid = *eid;
			return j;
		}
	mcnt_drop(&m->mcnt, "jobs_full", "too many EID updates in flight");
	return NULL;
}

int
mig_eid_busy(const struct mig *m, const struct ipaddr *eid)
{
	int	i;

	for (i = 0; i < MIG_MAXJOBS; i++)
		if (m->jobs[i].stage != J_FREE &&
		    ipaddr_cmp(&m->jobs[i].eid, eid) == 0)
			return 1;
	return 0;
}

/* --- talking to xtrd ------------------------------------------------- */

static void
smr_done(void *arg, int status, const char *body, size_t len)
{
	struct mig		*m;
	struct job		*j = job_deref(arg, J_SMR_SENT);
	struct json_object	*o, *v;
	char			 buf[IPPREFIX_STRLEN];
	int			 sent = -1;

	if (j == NULL)
		return;
	m = j->m;
	if (status == 200 && (o = json_tokener_parse(body)) != NULL) {
		if (json_object_object_get_ex(o, "sent", &v))
			sent = json_object_get_int(v);
		json_object_put(o);
	}
	if (status == 200)
		mtl_add(&m->mtl, j->tl, mono_us(), "smr-sent", "%s sent=%d",
		    mig_eid_str(&j->eid, buf, sizeof(buf)), sent);
	else
		mcnt_drop(&m->mcnt, "xtrd_smr_failed", "POST /v1/smr %s: HTTP "
		    "%d", mig_eid_str(&j->eid, buf, sizeof(buf)), status);
	j->stage = J_FREE;
}

static void
send_smr(struct mig *m, struct job *j)
{
	char	body[128], buf[IPPREFIX_STRLEN];

	snprintf(body, sizeof(body), "{\"eid\":\"%s\"}",
	    mig_eid_str(&j->eid, buf, sizeof(buf)));
	j->stage = J_SMR_SENT;
	if (xtrc_request(m->xtr, "POST", "/v1/smr", body, 0, smr_done,
	    j) == -1) {
		log_warn("queue SMR");
		j->stage = J_FREE;
	}
}

static void
add_done(void *arg, int status, const char *body, size_t len)
{
	struct mig	*m;
	struct job	*j = job_deref(arg, J_ADD_SENT);
	char		 buf[IPPREFIX_STRLEN];

	if (j == NULL)
		return;
	m = j->m;
	if (status != 200) {
		mcnt_drop(&m->mcnt, "xtrd_add_failed", "POST /v1/database/add "
		    "%s: HTTP %d %.120s", mig_eid_str(&j->eid, buf,
		    sizeof(buf)), status, body);
		j->stage = J_FREE;
		return;
	}
	mcnt_inc(&m->mcnt, "xtrd_eids_added");
	if (!j->smr) {
		j->stage = J_FREE;
		return;
	}
	/* when it left, not when xtrd answered: its Map-Register may have
	 * been answered (Map-Notify) before we read xtrd's answer */
	j->t_sent_us = xtrc_sent_us(j->m->xtr);
	if (j->t_sent_us == 0)
		j->t_sent_us = mono_us();
	mtl_add(&m->mtl, j->tl, j->t_sent_us, "register-sent", "%s",
	    mig_eid_str(&j->eid, buf, sizeof(buf)));
	j->stage = J_WAIT_NOTIFY;
	j->deadline_ms = mono_ms() + j->m->conf.notify_wait_ms;
	if (j->early_ms != 0)		/* the event came before this answer */
		notified(j, j->early_ms);
}

void
mig_push_eid(struct mig *m, const struct domain *d, const struct ipaddr *eid,
    int smr)
{
	struct job	*j;
	char		 body[256], buf[IPPREFIX_STRLEN], uuid[64] = "";

	if ((j = job_new(m, d->domid, smr ? d->tl : -1, eid)) == NULL)
		return;
	j->smr = smr;
	j->stage = J_ADD_SENT;
	/* the VM the EID belongs to, for the Map-Server to keep (an xtrd
	 * that says it takes it: GET /v1/status "features") */
	if (m->xtrd_vm_uuid && conf_is_uuid(d->uuid))
		snprintf(uuid, sizeof(uuid), ",\"vm_uuid\":\"%s\"", d->uuid);
	snprintf(body, sizeof(body), "{\"eid\":\"%s\",\"priority\":%u,"
	    "\"weight\":%u,\"ttl\":%u%s}", mig_eid_str(eid, buf, sizeof(buf)),
	    m->conf.priority, m->conf.weight, m->conf.ttl, uuid);
	if (xtrc_request(m->xtr, "POST", "/v1/database/add", body, 0,
	    add_done, j) == -1) {
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
	struct mig	*m = arg;

	/* an xtrd before issue 18 answers 404: nothing is held there, the
	 * migration goes on as before */
	if (status != 200)
		mcnt_drop(&m->mcnt, "xtrd_expect_failed", "POST /v1/expect: "
		    "HTTP %d %.*s", status, (int)(len > 120 ? 120 : len),
		    body != NULL ? body : "");
}

/*
 * An --incoming domain's EIDs are about to arrive here (issue 18): xtrd
 * holds what the old site redirects to them during the blackout and
 * releases it once they are added (mig_push_eid) and the guest can take
 * it: op MIG_EXPECT_ARRIVED, at netfront connected or the announcement
 * (arrival.c), not at the rename's add (register_at = rename), when
 * netfront has yet to connect.  MIG_EXPECT_CANCEL: the migration aborted,
 * what is held goes back to the source, which keeps the guest.
 */
void
mig_expect_eids(struct mig *m, const struct domain *d, int op)
{
	static const char *const tail[] = {
		[MIG_EXPECT] = "\"cancel\":false,\"until\":\"arrival\"",
		[MIG_EXPECT_CANCEL] = "\"cancel\":true",
		[MIG_EXPECT_ARRIVED] = "\"arrived\":true",
	};
	static const char *const ev[] = {
		[MIG_EXPECT] = "expected",
		[MIG_EXPECT_CANCEL] = "expect-cancelled",
		[MIG_EXPECT_ARRIVED] = "expect-arrived",
	};
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
		    "%s\"%s\"", i ? "," : "", mig_eid_str(&eids[i], buf,
		    sizeof(buf)));
	if (off < sizeof(body))
		off += (size_t)snprintf(body + off, sizeof(body) - off,
		    "],%s}", tail[op]);
	if (off >= sizeof(body)) {
		log_warnx("%s: too many EIDs to expect", d->name);
		return;
	}
	if (d->tl > 0)
		mtl_add(&m->mtl, d->tl, mono_us(), ev[op], "%d EIDs", n);
	if (xtrc_request(m->xtr, "POST", "/v1/expect", body, 0, expect_done,
	    m) == -1)
		log_warn("queue expect");
}

static void
remove_done(void *arg, int status, const char *body, size_t len)
{
	struct mig	*m;
	struct job	*j = job_deref(arg, J_REMOVE_SENT);
	char		 buf[IPPREFIX_STRLEN];

	if (j == NULL)
		return;
	m = j->m;
	if (status == 200)
		mtl_add(&m->mtl, j->tl, mono_us(), "withdrawn", "%s",
		    mig_eid_str(&j->eid, buf, sizeof(buf)));
	else
		mcnt_drop(&m->mcnt, "xtrd_remove_failed",
		    "POST /v1/database/remove %s: HTTP %d",
		    mig_eid_str(&j->eid, buf, sizeof(buf)), status);
	j->stage = J_FREE;
}

/* One POST /v1/database/remove for the EIDs of jobs j[0..n-1]: {"eid"}
 * for one, {"eids"} for more; moved_to is the JSON array text, or "". */
static int
remove_send(struct mig *m, struct job **j, int n, const char *moved,
    xtrc_cb cb, void *arg)
{
	char	body[4096], buf[IPPREFIX_STRLEN];
	size_t	off;
	int	i;

	off = (size_t)snprintf(body, sizeof(body), n == 1 ? "{\"eid\":" :
	    "{\"eids\":[");
	for (i = 0; i < n && off < sizeof(body); i++)
		off += (size_t)snprintf(body + off, sizeof(body) - off,
		    "%s\"%s\"", i ? "," : "", mig_eid_str(&j[i]->eid, buf,
		    sizeof(buf)));
	if (off < sizeof(body))
		off += (size_t)snprintf(body + off, sizeof(body) - off,
		    "%s%s%s}", n == 1 ? "" : "]", moved[0] ? ",\"moved_to\":" :
		    "", moved);
	if (off >= sizeof(body)) {
		errno = EMSGSIZE;
		return -1;
	}
	return xtrc_request(m->xtr, "POST", "/v1/database/remove", body, 0,
	    cb, arg);
}

/* A guest's EIDs handed over in one request (see mig_withdraw_eids) */
struct rm_batch {
	struct mig	*m;
	int		 n;
	struct job	*j[CONF_MAXEID + DOM_MAXDYN];
	char		 moved[DOM_MAXMOVED * (IPADDR_STRLEN + 3) + 3];
};

/*
 * The answer to a batch: each EID's, as remove_done() takes it.  An xtrd
 * that refuses it (one from before "eids": 400; or one EID no longer in
 * its database: 404, and then none was removed) is asked again one EID
 * at a time, as before.
 */
static void
remove_batch_done(void *arg, int status, const char *body, size_t len)
{
	struct rm_batch	*b = arg;
	struct job	*j;
	int		 i;

	if (status != 200 && status >= 0)
		log_warnx("POST /v1/database/remove of %d EIDs: HTTP %d %.120s; "
		    "one at a time", b->n, status, body);
	for (i = 0; i < b->n; i++) {
		if ((j = job_deref(b->j[i], J_REMOVE_SENT)) == NULL)
			continue;
		if (status == 200 || status < 0 || remove_send(b->m, &j, 1,
		    b->moved, remove_done, j) == -1)
			remove_done(j, status == 200 || status < 0 ? status :
			    -1, body, len);
	}
	free(b);
}

/*
 * POST /v1/database/remove of a guest's EIDs, with moved_to: all of them
 * in one request (issue 18: one at a time, the last one's away entry
 * waited for every other's round trip, 1.5-6 ms at load 6-11), written
 * at the caller's xtrc_tick().
 */
void
mig_withdraw_eids(struct mig *m, const struct domain *d,
    const struct ipaddr *eids, int n)
{
	struct rm_batch	*b;
	struct job	*j;
	char		 buf[IPADDR_STRLEN];
	size_t		 off = 0;
	int		 i;

	if ((b = calloc(1, sizeof(*b))) == NULL) {
		log_warn("database/remove");
		return;
	}
	b->m = m;
	/* moved_to [] for a departure with no destination known */
	if (d->nmoved > 0 || d->state == DOM_MIGRATEDAWAY) {
		off = (size_t)snprintf(b->moved, sizeof(b->moved), "[");
		for (i = 0; i < d->nmoved; i++)
			off += (size_t)snprintf(b->moved + off,
			    sizeof(b->moved) - off, "%s\"%s\"", i ? "," : "",
			    ipaddr_fmt(&d->moved_to[i], buf, sizeof(buf)));
		snprintf(b->moved + off, sizeof(b->moved) - off, "]");
	}
	for (i = 0; i < n && b->n < CONF_MAXEID + DOM_MAXDYN; i++)
		if ((j = job_new(m, d->domid, d->tl, &eids[i])) != NULL) {
			j->stage = J_REMOVE_SENT;
			b->j[b->n++] = j;
		}
	if (b->n == 1 && remove_send(m, b->j, 1, b->moved, remove_done,
	    b->j[0]) == 0)
		b->n = 0;	/* answered by remove_done */
	else if (b->n > 1 && remove_send(m, b->j, b->n, b->moved,
	    remove_batch_done, b) == 0)
		return;
	for (i = 0; i < b->n; i++) {
		log_warn("queue database/remove");
		b->j[i]->stage = J_FREE;
	}
	free(b);
}

void
mig_withdraw_eid(struct mig *m, const struct domain *d,
    const struct ipaddr *eid)
{
	mig_withdraw_eids(m, d, eid, 1);
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
	mtl_add(&j->m->mtl, j->tl, t, "map-notify", "%s%s", mig_eid_str(&j->eid,
	    buf, sizeof(buf)), ms > 0 ? " (xtrd's time)" : "");
	send_smr(j->m, j);
}

/* One database-registered event: the job waiting for that EID, or the
 * one whose database/add answer we have not read yet (add_done). */
void
mig_jobs_registered(struct mig *m, const char *eid, uint64_t ms)
{
	char	buf[IPPREFIX_STRLEN];
	size_t	k;

	for (k = 0; k < MIG_MAXJOBS; k++) {
		struct job *j = &m->jobs[k];

		if ((j->stage != J_WAIT_NOTIFY && j->stage != J_ADD_SENT) ||
		    !j->smr || strcmp(mig_eid_str(&j->eid, buf, sizeof(buf)),
		    eid) != 0)
			continue;
		if (j->stage == J_ADD_SENT)
			j->early_ms = ms;
		else
			notified(j, ms);
	}
}

int
mig_jobs_tick(struct mig *m, uint64_t now)
{
	char	buf[IPPREFIX_STRLEN];
	int	next = -1;
	size_t	k;

	for (k = 0; k < MIG_MAXJOBS; k++) {
		struct job *j = &m->jobs[k];

		if (j->stage != J_WAIT_NOTIFY)
			continue;
		if (now >= j->deadline_ms) {
			mtl_add(&m->mtl, j->tl, mono_us(), "map-notify-timeout",
			    "%s after %ums", mig_eid_str(&j->eid, buf,
			    sizeof(buf)), m->conf.notify_wait_ms);
			mcnt_inc(&m->mcnt, "map_notify_timeouts");
			send_smr(m, j);
			continue;
		}
		if (next == -1 || (int)(j->deadline_ms - now) < next)
			next = (int)(j->deadline_ms - now);
	}
	return next;
}

void
mig_shutdown(struct mig *m)
{
	memset(m->jobs, 0, sizeof(m->jobs));
}

/*
 * api.c: the control API (docs/api.md): HTTP/1.1 + JSON on a unix socket
 * that only root can open.  libmicrohttpd runs without threads of its
 * own: we create and bind the socket, hand it over with
 * MHD_OPTION_LISTEN_SOCKET, and drive MHD from the daemon's poll loop
 * through its epoll fd.  A lig suspends its connection until the
 * Map-Reply (or the timeout) resumes it.
 */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "xtr/dp/dp.h"
#include "log.h"
#include "mono.h"
#include "xtr/xtrd.h"
#include "api_int.h"

#define API_MAX_BODY	65536
#define API_MAX_PREFETCH 256
#define API_MAX_REMOVE	64	/* EIDs of one database/remove */

/* --- handlers ------------------------------------------------------------ */

static bool
db_registered(struct xtrd *x, const struct db_map *dm, uint64_t *last)
{
	bool	ok = x->conf->nms > 0;
	int	i;

	*last = 0;
	for (i = 0; i < x->conf->nms; i++) {
		if (dm->tx[i].state != REG_OK)
			ok = false;
		if (dm->tx[i].last_notify_ms > *last)
			*last = dm->tx[i].last_notify_ms;
	}
	return ok;
}

static enum MHD_Result
h_status(struct api *api, struct req *rq)
{
	struct xtrd	*x = api->x;
	json_object	*o = json_object_new_object(), *a;
	struct db_map	*dm;
	char		 id[2 * LISP_XTR_ID_LEN + 1];
	int		 i;

	a = json_object_new_array();
	if (x->conf->roles & ROLE_XTR)
		json_object_array_add(a, json_object_new_string("xtr"));
	if (x->conf->roles & ROLE_MS)
		json_object_array_add(a, json_object_new_string("ms"));
	jadd(o, "roles", a);
	a = json_object_new_array();
	for (i = 0; i < x->conf->nrloc; i++)
		json_object_array_add(a, jstr_addr(&x->conf->rloc[i]));
	jadd(o, "rlocs", a);
	jadd(o, "uptime_ms", json_object_new_int64((int64_t)(mono_ms() -
	    x->start_ms)));
	jadd(o, "t_ms", json_object_new_int64((int64_t)mono_ms()));
	xtr_hexid(x->xtr_id, id);
	jadd(o, "xtr_id", json_object_new_string(id));
	a = json_object_new_array();
	for (i = 0; i < x->conf->nms; i++) {
		json_object	*m = json_object_new_object();
		bool		 reg = true;
		uint64_t	 last = 0;

		for (dm = x->etr->db; dm != NULL; dm = dm->next) {
			if (dm->withdrawn)
				continue;
			if (dm->tx[i].state != REG_OK)
				reg = false;
			if (dm->tx[i].last_notify_ms > last)
				last = dm->tx[i].last_notify_ms;
		}
		jadd(m, "addr", jstr_addr(&x->conf->ms[i].addr));
		jadd(m, "registered", json_object_new_boolean(reg));
		jadd(m, "last_notify_ms", json_object_new_int64((int64_t)last));
		json_object_array_add(a, m);
	}
	jadd(o, "map_servers", a);
	a = json_object_new_array();
	for (i = 0; i < x->conf->nmr; i++)
		json_object_array_add(a, jstr_addr(&x->conf->mr[i]));
	jadd(o, "map_resolvers", a);
	jadd(o, "map_cache_entries", json_object_new_int64(
	    (int64_t)mc_count(x->mc)));
	jadd(o, "registrations", json_object_new_int64((int64_t)ms_nreg(x)));
	return reply_json(rq->conn, 200, o);
}

/* GET /v1/database "away": the data plane's away entries (dp_away.c) */
static int
away_json(const struct dp_away_view *v, void *arg)
{
	json_object	*m = json_object_new_object(), *r;
	int		 j;

	jadd(m, "eid", jstr_prefix(v->eid));
	r = json_object_new_array();
	for (j = 0; j < v->nrloc; j++)
		json_object_array_add(r, jstr_addr(&v->rloc[j]));
	jadd(m, "moved_to", r);
	jadd(m, "since_ms", json_object_new_int64((int64_t)v->since_ms));
	json_object_array_add(arg, m);
	return 0;
}

static enum MHD_Result
h_database(struct api *api, struct req *rq)
{
	struct xtrd	*x = api->x;
	json_object	*o = json_object_new_object(), *a, *w;
	struct db_map	*dm;
	int		 i;

	a = json_object_new_array();
	w = json_object_new_array();
	for (dm = x->etr->db; dm != NULL; dm = dm->next) {
		json_object	*m = json_object_new_object(), *ms;
		uint64_t	 last;

		jadd(m, "eid", jstr_prefix(&dm->m.eid));
		if (dm->withdrawn) {
			json_object_array_add(w, m);
			continue;
		}
		jadd(m, "priority", json_object_new_int(dm->m.priority));
		jadd(m, "weight", json_object_new_int(dm->m.weight));
		jadd(m, "ttl", json_object_new_int64(dm->m.ttl));
		jadd(m, "registered", json_object_new_boolean(
		    db_registered(x, dm, &last)));
		jadd(m, "last_notify_ms", json_object_new_int64((int64_t)last));
		jadd(m, "source", json_object_new_string(dm->from_api ? "api" :
		    "config"));
		ms = json_object_new_array();
		for (i = 0; i < x->conf->nms; i++) {
			json_object *s = json_object_new_object();
			static const char *const st[] = { "idle", "registering",
			    "registered" };

			jadd(s, "addr", jstr_addr(&x->conf->ms[i].addr));
			jadd(s, "state", json_object_new_string(
			    st[dm->tx[i].state]));
			jadd(s, "tries", json_object_new_int(
			    (int)dm->tx[i].tries));
			json_object_array_add(ms, s);
		}
		jadd(m, "map_servers", ms);
		json_object_array_add(a, m);
	}
	jadd(o, "mappings", a);
	jadd(o, "withdrawing", w);
	a = json_object_new_array();
	(void)dp_away_each(x, away_json, a);
	jadd(o, "away", a);
	return reply_json(rq->conn, 200, o);
}

static enum MHD_Result
h_db_add(struct api *api, struct req *rq)
{
	static const char *const allowed[] = { "eid", "priority", "weight",
	    "ttl", NULL };
	struct xc_mapping	 m;
	json_object		*o, *r;
	char			 err[128];
	uint32_t		 pri = 1, wt = 100, ttl = 1440;

	if ((o = parse_body(rq, allowed, err, sizeof(err))) == NULL)
		return reply_err(rq->conn, 400, err);
	memset(&m, 0, sizeof(m));
	if (get_prefix(o, "eid", &m.eid, err, sizeof(err)) == -1 ||
	    get_uint(o, "priority", 255, &pri, err, sizeof(err)) == -1 ||
	    get_uint(o, "weight", 255, &wt, err, sizeof(err)) == -1 ||
	    get_uint(o, "ttl", UINT32_MAX, &ttl, err, sizeof(err)) == -1) {
		json_object_put(o);
		return reply_err(rq->conn, 400, err);
	}
	json_object_put(o);
	if (!(api->x->conf->roles & ROLE_XTR))
		return reply_err(rq->conn, 409, "this xtrd is not an xTR");
	m.priority = (uint8_t)pri;
	m.weight = (uint8_t)wt;
	m.ttl = ttl;
	if (etr_db_add(api->x, &m, true) == -1)
		return reply_err(rq->conn, 500, "cannot add the mapping");
	r = json_object_new_object();
	jadd(r, "eid", jstr_prefix(&m.eid));
	jadd(r, "registering", json_object_new_boolean(api->x->conf->nms > 0));
	return reply_json(rq->conn, 200, r);
}

/* A removal's "moved_to": at most XC_MAX_RLOC RLOC addresses into rloc
 * (zeroed first), their count in *nrloc; NULL, or what is wrong. */
static const char *
get_moved_to(json_object *o, struct ipaddr *rloc, int *nrloc)
{
	json_object	*mt, *v;
	size_t		 i, n;

	memset(rloc, 0, XC_MAX_RLOC * sizeof(*rloc));
	*nrloc = 0;
	if (!json_object_object_get_ex(o, "moved_to", &mt))
		return NULL;
	if (!json_object_is_type(mt, json_type_array) ||
	    (n = json_object_array_length(mt)) > XC_MAX_RLOC)
		return "\"moved_to\" must be an array of at most 8 RLOCs";
	for (i = 0; i < n; i++) {
		v = json_object_array_get_idx(mt, i);
		if (!json_object_is_type(v, json_type_string) ||
		    ipaddr_parse(json_object_get_string(v),
		    &rloc[(*nrloc)++]) == -1)
			return "\"moved_to\" must hold RLOC addresses";
	}
	return NULL;
}

static enum MHD_Result
h_db_remove(struct api *api, struct req *rq)
{
	static const char *const allowed[] = { "eid", "eids", "moved_to",
	    NULL };
	struct ipprefix	 eid[API_MAX_REMOVE];
	struct ipaddr	 rloc[XC_MAX_RLOC];
	json_object	*o, *r, *a = NULL, *e;
	char		 err[128];
	const char	*why;
	int		 nrloc = 0, rc[API_MAX_REMOVE], neid = 1, k, l;
	bool		 moved, list;

	if ((o = parse_body(rq, allowed, err, sizeof(err))) == NULL)
		return reply_err(rq->conn, 400, err);
	/* "eids": a guest's EIDs at once (migrated at the suspend, issue
	 * 18), so the last one's away entry does not wait for the others'
	 * round trips */
	list = json_object_object_get_ex(o, "eids", NULL);
	if (list == json_object_object_get_ex(o, "eid", NULL)) {
		json_object_put(o);
		return reply_err(rq->conn, 400, "one of \"eid\" and \"eids\"");
	}
	if (list ? get_prefix_list(o, "eids", eid, API_MAX_REMOVE, &neid, err,
	    sizeof(err)) == -1 : get_prefix(o, "eid", &eid[0], err,
	    sizeof(err)) == -1) {
		json_object_put(o);
		return reply_err(rq->conn, 400, err);
	}
	for (k = 0; k < neid; k++)
		for (l = 0; l < k; l++)
			if (ipprefix_cmp(&eid[k], &eid[l]) == 0) {
				json_object_put(o);
				return reply_err(rq->conn, 400, "\"eids\" "
				    "names an EID twice");
			}
	moved = json_object_object_get_ex(o, "moved_to", NULL);
	if ((why = get_moved_to(o, rloc, &nrloc)) != NULL) {
		json_object_put(o);
		return reply_err(rq->conn, 400, why);
	}
	json_object_put(o);
	for (k = 0; k < neid; k++)
		if (etr_db_find(api->x, &eid[k]) == NULL)
			return reply_err(rq->conn, 404, list ? "an EID of "
			    "\"eids\" has no database mapping" :
			    "no such database mapping");
	/* the move policy is the ETR's (xtr/cp/etr_move.c) */
	if (list)
		etr_db_leave_all(api->x, eid, neid, moved ? rloc : NULL, nrloc,
		    rc);
	else if ((rc[0] = etr_db_leave(api->x, &eid[0], moved ? rloc : NULL,
	    nrloc)) == -1)
		return reply_err(rq->conn, 404, "no such database mapping");
	r = json_object_new_object();
	if (list)
		a = json_object_new_array();
	for (k = 0; k < neid; k++) {
		e = list ? json_object_new_object() : r;
		jadd(e, "eid", jstr_prefix(&eid[k]));
		jadd(e, "withdrawing", json_object_new_boolean(rc[k] != -1));
		jadd(e, "away", json_object_new_boolean(rc[k] == 1));
		if (list)
			json_object_array_add(a, e);
	}
	if (list)
		jadd(r, "eids", a);
	return reply_json(rq->conn, 200, r);
}

static enum MHD_Result
h_smr(struct api *api, struct req *rq)
{
	static const char *const allowed[] = { "eid", NULL };
	struct ipaddr	 t[64];
	struct ipprefix	 eid;
	json_object	*o, *r, *a;
	char		 err[128];
	int		 n, i, ntargets = 0;

	if ((o = parse_body(rq, allowed, err, sizeof(err))) == NULL)
		return reply_err(rq->conn, 400, err);
	if (get_prefix(o, "eid", &eid, err, sizeof(err)) == -1) {
		json_object_put(o);
		return reply_err(rq->conn, 400, err);
	}
	json_object_put(o);
	tl_add("smr-requested", &eid, NULL, "by the API");
	if ((n = smr_send(api->x, &eid, t, 64, &ntargets)) < 0)
		return reply_err(rq->conn, 500, "cannot send SMRs");
	r = json_object_new_object();
	jadd(r, "sent", json_object_new_int(n));
	jadd(r, "candidates", json_object_new_int(ntargets));
	a = json_object_new_array();
	for (i = 0; i < n && i < 64; i++)
		json_object_array_add(a, jstr_addr(&t[i]));
	jadd(r, "targets", a);
	return reply_json(rq->conn, 200, r);
}

struct mc_walk_arg {
	json_object	*a;
	uint64_t	 now;
};

static int
mc_entry_json(const struct mc_entry *e, void *arg)
{
	struct mc_walk_arg	*w = arg;
	json_object		*o = json_object_new_object(), *rl;
	int			 i;

	jadd(o, "eid", jstr_prefix(&e->eid));
	if (e->iid)
		jadd(o, "iid", json_object_new_int64(e->iid));
	rl = json_object_new_array();
	for (i = 0; i < e->nrloc; i++) {
		json_object *l = json_object_new_object();

		jadd(l, "addr", jstr_addr(&e->rloc[i].addr));
		jadd(l, "priority", json_object_new_int(e->rloc[i].priority));
		jadd(l, "weight", json_object_new_int(e->rloc[i].weight));
		jadd(l, "up", json_object_new_boolean(e->rloc[i].up));
		json_object_array_add(rl, l);
	}
	jadd(o, "rlocs", rl);
	jadd(o, "ttl", json_object_new_int64(e->ttl_min));
	jadd(o, "ttl_left_s", json_object_new_int64(e->expires_ms == 0 ? -1 :
	    e->expires_ms > w->now ? (int64_t)((e->expires_ms - w->now) /
	    1000) : 0));
	jadd(o, "installed_ms", json_object_new_int64((int64_t)e->installed_ms));
	jadd(o, "negative", json_object_new_boolean(e->negative));
	jadd(o, "action", json_object_new_string(action_name(e->action)));
	json_object_array_add(w->a, o);
	return 0;
}

static enum MHD_Result
h_map_cache(struct api *api, struct req *rq)
{
	struct mc_walk_arg	 w;
	json_object		*o = json_object_new_object();

	w.a = json_object_new_array();
	w.now = mono_ms();
	mc_walk(api->x->mc, mc_entry_json, &w);
	jadd(o, "entries", w.a);
	return reply_json(rq->conn, 200, o);
}

static enum MHD_Result
h_resolve(struct api *api, struct req *rq)
{
	static const char *const allowed[] = { "eid", NULL };
	struct ipprefix	 eid;
	json_object	*o, *r;
	char		 err[128];
	int		 rc;

	if ((o = parse_body(rq, allowed, err, sizeof(err))) == NULL)
		return reply_err(rq->conn, 400, err);
	if (get_prefix(o, "eid", &eid, err, sizeof(err)) == -1) {
		json_object_put(o);
		return reply_err(rq->conn, 400, err);
	}
	json_object_put(o);
	if ((rc = itr_resolve(api->x, &eid, false)) == -1)
		return reply_err(rq->conn, 409, "no map-resolver configured");
	r = json_object_new_object();
	jadd(r, "eid", jstr_prefix(&eid));
	jadd(r, "sent", json_object_new_boolean(rc == 0));
	return reply_json(rq->conn, 200, r);
}

/* an EID of our own database, or inside one: never asked for */
static bool
db_covers(const struct xtrd *x, const struct ipprefix *eid)
{
	const struct db_map	*dm;

	for (dm = x->etr->db; dm != NULL; dm = dm->next)
		if (!dm->withdrawn && dm->m.eid.addr.af == eid->addr.af &&
		    ipprefix_covers(&dm->m.eid, eid))
			return true;
	return false;
}

/*
 * POST /v1/map-cache/prefetch: warm the map-cache before traffic needs
 * it (a migrating VM's correspondents, read off the source's map-cache).
 * Each EID goes the way of a data-plane miss (itr_resolve(): an ordinary
 * Map-Request through the Map-Resolver, at most one per second per EID,
 * RFC 9301 §5.3), unless it is cached already or inside our database.
 */
static enum MHD_Result
h_prefetch(struct api *api, struct req *rq)
{
	static const char *const allowed[] = { "eids", NULL };
	static const char *const res[] = { "sent", "not-sent", "cached",
	    "local" };
	struct ipprefix		 eid[API_MAX_PREFETCH];
	struct xtrd		*x = api->x;
	json_object		*o, *r, *a, *e;
	char			 err[160];
	int			 n, i, k, cnt[4] = { 0 };

	if ((o = parse_body(rq, allowed, err, sizeof(err))) == NULL)
		return reply_err(rq->conn, 400, err);
	if (get_prefix_list(o, "eids", eid, API_MAX_PREFETCH, &n, err,
	    sizeof(err)) == -1) {
		json_object_put(o);
		return reply_err(rq->conn, 400, err);
	}
	json_object_put(o);
	if (x->conf->nmr == 0)
		return reply_err(rq->conn, 409, "no map-resolver configured");
	a = json_object_new_array();
	for (i = 0; i < n; i++) {
		const struct mc_entry *m = mc_lookup(x->mc, 0, &eid[i].addr,
		    mono_ms());

		if (db_covers(x, &eid[i]))
			k = 3;
		else if (m != NULL && ipprefix_covers(&m->eid, &eid[i]))
			k = 2;
		else
			k = itr_resolve(x, &eid[i], false) == 0 ? 0 : 1;
		cnt[k]++;
		e = json_object_new_object();
		jadd(e, "eid", jstr_prefix(&eid[i]));
		jadd(e, "result", json_object_new_string(res[k]));
		json_object_array_add(a, e);
	}
	tl_add("prefetch-requested", NULL, NULL, "%d EIDs: %d sent, %d not "
	    "sent, %d cached, %d local", n, cnt[0], cnt[1], cnt[2], cnt[3]);
	r = json_object_new_object();
	jadd(r, "sent", json_object_new_int(cnt[0]));
	jadd(r, "not_sent", json_object_new_int(cnt[1]));
	jadd(r, "cached", json_object_new_int(cnt[2]));
	jadd(r, "local", json_object_new_int(cnt[3]));
	jadd(r, "eids", a);
	return reply_json(rq->conn, 200, r);
}

/*
 * POST /v1/expect {"eids": [...], "cancel": false, "until": "add",
 * "arrived": false}: these EIDs are about to arrive here (a migration's
 * --incoming domain, issue 18): the data plane holds what is redirected
 * to them until they are added ("until": "add", the default) or until
 * they are added and the caller says their guest can take packets
 * ("until": "arrival", then a second call with "arrived": true: migrated
 * at netfront connected or the guest's announcement).  "cancel": true
 * (the migration aborted): what they hold goes back where the mapping
 * system maps them (dp_hold.c).
 */
static enum MHD_Result
h_expect(struct api *api, struct req *rq)
{
	static const char *const allowed[] = { "eids", "cancel", "until",
	    "arrived", NULL };
	struct ipprefix		 eid[API_MAX_PREFETCH];
	enum dp_expect_op	 op;
	json_object		*o, *r;
	char			 err[160];
	int			 n, i, k, done = 0;

	if ((o = parse_body(rq, allowed, err, sizeof(err))) == NULL)
		return reply_err(rq->conn, 400, err);
	if (get_prefix_list(o, "eids", eid, API_MAX_PREFETCH, &n, err,
	    sizeof(err)) == -1 ||
	    get_expect_op(o, &op, err, sizeof(err)) == -1) {
		json_object_put(o);
		return reply_err(rq->conn, 400, err);
	}
	json_object_put(o);
	for (i = 0; i < n; i++) {
		if ((k = dp_expect(api->x, &eid[i], op)) == -1)
			return reply_err(rq->conn, 503, "too many EIDs "
			    "expected at once");
		done += k;
	}
	/* expected: EIDs now expected; arrived: holds told the arrival;
	 * returning: holds whose packets go back (cancel) */
	r = json_object_new_object();
	jadd(r, "expected", json_object_new_int(op == DPE_EXPECT ||
	    op == DPE_UNTIL_ARRIVAL ? done : 0));
	jadd(r, "cancelled", json_object_new_boolean(op == DPE_CANCEL));
	jadd(r, "arrived", json_object_new_int(op == DPE_ARRIVED ? done : 0));
	jadd(r, "returning", json_object_new_int(op == DPE_CANCEL ? done :
	    0));
	return reply_json(rq->conn, 200, r);
}

struct reg_walk_arg {
	struct xtrd	*x;
	json_object	*a;
};

static int
reg_json(struct ms_eid *e, void *arg)
{
	struct reg_walk_arg	*w = arg;
	struct ms_reg		*r;
	struct ms_sub		*s;
	char			 id[2 * LISP_XTR_ID_LEN + 1];

	for (r = e->regs; r != NULL; r = r->next) {
		json_object	*o = jrecord(&r->rec);

		json_object_object_add(o, "eid", jstr_prefix(&e->eid));
		if (e->iid)
			jadd(o, "iid", json_object_new_int64(e->iid));
		jadd(o, "site", json_object_new_string(
		    w->x->conf->site[r->site].name));
		xtr_hexid(r->xtr_id, id);
		jadd(o, "xtr_id", json_object_new_string(id));
		jadd(o, "from", jstr_addr(&r->from));
		jadd(o, "first_ms", json_object_new_int64((int64_t)r->first_ms));
		jadd(o, "last_ms", json_object_new_int64((int64_t)r->last_ms));
		jadd(o, "proxy_reply", json_object_new_boolean(r->proxy_reply));
		jadd(o, "merge", json_object_new_boolean(r->merge));
		json_object_array_add(w->a, o);
	}
	for (s = e->subs; s != NULL; s = s->next) {
		(void)s;	/* shown by /v1/subscriptions */
	}
	return 0;
}

static enum MHD_Result
h_registrations(struct api *api, struct req *rq)
{
	struct reg_walk_arg	 w = { api->x, json_object_new_array() };
	json_object		*o = json_object_new_object();

	ms_walk(api->x, reg_json, &w);
	jadd(o, "registrations", w.a);
	return reply_json(rq->conn, 200, o);
}

static int
sub_json(struct ms_eid *e, void *arg)
{
	struct reg_walk_arg	*w = arg;
	struct ms_sub		*s;
	char			 id[2 * LISP_XTR_ID_LEN + 1];

	for (s = e->subs; s != NULL; s = s->next) {
		json_object *o = json_object_new_object();

		jadd(o, "eid", jstr_prefix(&e->eid));
		jadd(o, "itr", jstr_addr(&s->itr));
		xtr_hexid(s->xtr_id, id);
		jadd(o, "xtr_id", json_object_new_string(id));
		jadd(o, "since_ms", json_object_new_int64((int64_t)s->since_ms));
		json_object_array_add(w->a, o);
	}
	return 0;
}

static enum MHD_Result
h_subscriptions(struct api *api, struct req *rq)
{
	struct reg_walk_arg	 w = { api->x, json_object_new_array() };
	json_object		*o = json_object_new_object();

	ms_walk(api->x, sub_json, &w);
	jadd(o, "subscriptions", w.a);
	return reply_json(rq->conn, 200, o);
}

static enum MHD_Result
h_sites(struct api *api, struct req *rq)
{
	const struct xtr_conf	*c = api->x->conf;
	json_object		*o = json_object_new_object(), *a, *e;
	int			 i, j;

	a = json_object_new_array();
	for (i = 0; i < c->nsite; i++) {
		json_object *s = json_object_new_object();

		jadd(s, "name", json_object_new_string(c->site[i].name));
		jadd(s, "alg", json_object_new_string(
		    xc_alg_name(c->site[i].key.alg)));
		jadd(s, "key_id", json_object_new_int(c->site[i].key.key_id));
		e = json_object_new_array();
		for (j = 0; j < c->site[i].neid; j++) {
			char	p[IPPREFIX_STRLEN], t[16 + IPPREFIX_STRLEN];

			/* "[IID]PREFIX" as in xtrd.conf, for an IID not 0 */
			ipprefix_fmt(&c->site[i].eid[j], p, sizeof(p));
			if (c->site[i].iid[j] != 0)
				snprintf(t, sizeof(t), "[%u]%s",
				    c->site[i].iid[j], p);
			else
				snprintf(t, sizeof(t), "%s", p);
			json_object_array_add(e, json_object_new_string(t));
		}
		jadd(s, "eids", e);
		jadd(s, "more_specifics", json_object_new_boolean(
		    c->site[i].more_specifics));
		json_object_array_add(a, s);
	}
	jadd(o, "sites", a);
	return reply_json(rq->conn, 200, o);
}

static enum MHD_Result
h_counters(struct api *api, struct req *rq)
{
	json_object	*o = json_object_new_object(), *c;
	char		 name[64];
	int		 i;

	c = json_object_new_object();
	for (i = 0; i < C__COUNT; i++)
		jadd(c, cnt_name(i), json_object_new_int64(
		    (int64_t)cnt_get(i)));
	for (i = 1; i < LERR__COUNT; i++) {
		if (i == LERR_AUTH_FAIL)	/* counted as drop_auth_fail */
			continue;
		jadd(c, cnt_lerr_name(i, name, sizeof(name)), json_object_new_int64((int64_t)cnt_get_lerr(i)));
	}
	/* "dp_*", when the data plane is on */
	dp_counters_json(api->x, c);
	jadd(o, "counters", c);
	return reply_json(rq->conn, 200, o);
}

/* --- who may ask ---------------------------------------------------------- */

/* Equal in time that depends on the lengths only, never on where the
 * first difference is. */
static bool
token_equal(const char *a, const char *b)
{
	size_t		la = strlen(a), lb = strlen(b), i;
	unsigned	d = la != lb;

	for (i = 0; i < la; i++)
		d |= (unsigned char)a[i] ^ (unsigned char)(i < lb ? b[i] : 0);
	return d == 0;
}

/*
 * Issue 16, finding 4: the unix socket is root's (mode 0600: the kernel
 * checks who connects); over TCP (loopback only, config.c) anyone on the
 * host can connect, so each request carries "Authorization: Bearer
 * TOKEN" with the token of api_token_file.  NULL: allowed, else why not.
 */
static const char *
tcp_denied(struct api *api, struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo	*ci;
	const char			*h;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_DAEMON);
	if (ci == NULL || ci->daemon != api->d_tcp || api->d_tcp == NULL)
		return NULL;
	h = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION);
	if (h == NULL)
		return "no token";
	if (strncmp(h, "Bearer ", 7) != 0 ||
	    !token_equal(h + 7, api->x->conf->api_token))
		return "wrong token";
	return NULL;
}

static enum MHD_Result
reply_denied(struct MHD_Connection *c, const char *why)
{
	const union MHD_ConnectionInfo	*ci;
	struct ipaddr			 a;
	uint16_t			 port;
	char				 s[IPADDR_STRLEN] = "?";

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci != NULL && ipaddr_from_sockaddr(ci->client_addr, &a,
	    &port) == 0)
		ipaddr_fmt(&a, s, sizeof(s));
	cnt_drop(C_drop_api_auth, "API over TCP from %s: %s", s, why);
	return reply_err(c, 401, "this API over TCP needs "
	    "'Authorization: Bearer' with the token of api_token_file");
}

/* --- dispatch ------------------------------------------------------------ */

struct route {
	const char	*method;
	const char	*path;
	enum MHD_Result	(*fn)(struct api *, struct req *);
};

static const struct route routes[] = {
	{ "GET",  "/v1/status",			h_status },
	{ "GET",  "/v1/database",		h_database },
	{ "POST", "/v1/database/add",		h_db_add },
	{ "POST", "/v1/database/remove",	h_db_remove },
	{ "POST", "/v1/smr",			h_smr },
	{ "GET",  "/v1/map-cache",		h_map_cache },
	{ "POST", "/v1/map-cache/resolve",	h_resolve },
	{ "POST", "/v1/map-cache/prefetch",	h_prefetch },
	{ "POST", "/v1/expect",			h_expect },
	{ "GET",  "/v1/registrations",		h_registrations },
	{ "GET",  "/v1/subscriptions",		h_subscriptions },
	{ "GET",  "/v1/sites",			h_sites },
	{ "GET",  "/v1/counters",		h_counters },
	{ "GET",  "/v1/timeline",		h_timeline },
	{ "POST", "/v1/lig",			h_lig },
};

static enum MHD_Result
handler(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct api	*api = cls;
	struct req	*rq = *con_cls;
	size_t		 i;
	bool		 path_ok = false;

	(void)version;
	if (rq == NULL) {
		if ((rq = calloc(1, sizeof(*rq))) == NULL)
			return MHD_NO;
		rq->api = api;
		rq->conn = c;
		rq->denied = tcp_denied(api, c);
		*con_cls = rq;
		cnt_inc(C_api_requests);
		return MHD_YES;
	}
	if (rq->denied != NULL) {
		if (*upload_size != 0) {	/* read, never kept */
			*upload_size = 0;
			return MHD_YES;
		}
		return reply_denied(c, rq->denied);
	}
	if (*upload_size != 0) {
		if (api_body_append(&rq->body, &rq->len, &rq->too_big, upload,
		    *upload_size, API_MAX_BODY) == -1)
			return MHD_NO;
		*upload_size = 0;
		return MHD_YES;
	}
	if (rq->lig == 2) {
		json_object *o = rq->lig_result;

		rq->lig_result = NULL;
		rq->lig = 0;
		return reply_json(c, (unsigned)rq->lig_status, o);
	}
	if (rq->too_big)
		return reply_err(c, 413, "request body too large");
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (strcmp(routes[i].path, url) != 0)
			continue;
		path_ok = true;
		if (strcmp(routes[i].method, method) == 0)
			return routes[i].fn(api, rq);
	}
	if (path_ok)
		return reply_err(c, 405, "method not allowed on this path");
	return reply_err(c, 404, "no such API path");
}

static void
completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct api	*api = cls;
	struct req	*rq = *con_cls;

	(void)c;
	(void)toe;
	if (rq == NULL)
		return;
	if (rq->lig == 1) {
		itr_lig_cancel(api->x, rq);
		timer_cancel(&api->x->timers, &rq->lig_timer);
	} else if (rq->lig == 2)
		timer_cancel(&api->x->timers, &rq->lig_timer);
	tl_req_done(rq);
	json_object_put(rq->lig_result);
	free(rq->body);
	free(rq);
	*con_cls = NULL;
}

static struct MHD_Daemon *
start_mhd(struct api *api, int fd)
{
	return api_mhd_start(fd, MHD_ALLOW_SUSPEND_RESUME, 30, handler,
	    completed, api);
}

/* Only when configured (api_tcp): the same API over TCP. */
static int
start_tcp(struct api *api)
{
	const struct xtr_conf	*c = api->x->conf;
	struct sockaddr_storage	 ss;
	struct epoll_event	 ev;
	socklen_t		 sl;
	int			 on = 1;

	ipaddr_to_sockaddr(&c->api_tcp_addr, c->api_tcp_port, &ss, &sl);
	if ((api->tfd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC,
	    0)) == -1)
		return -1;
	setsockopt(api->tfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(api->tfd, (struct sockaddr *)&ss, sl) == -1 ||
	    listen(api->tfd, 64) == -1 ||
	    (api->d_tcp = start_mhd(api, api->tfd)) == NULL ||
	    (api->epfd = epoll_create1(EPOLL_CLOEXEC)) == -1)
		return -1;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	if (epoll_ctl(api->epfd, EPOLL_CTL_ADD, api_mhd_epoll_fd(api->d),
	    &ev) || epoll_ctl(api->epfd, EPOLL_CTL_ADD,
	    api_mhd_epoll_fd(api->d_tcp), &ev))
		return -1;
	log_info("API also on TCP port %u", c->api_tcp_port);
	return 0;
}

struct api *
api_start(struct xtrd *x, const char *path)
{
	struct api	*api;

	if ((api = calloc(1, sizeof(*api))) == NULL)
		return NULL;
	api->x = x;
	api->tfd = api->epfd = -1;
	snprintf(api->path, sizeof(api->path), "%s", path);
	if ((api->lfd = api_listen_unix(path, API_LISTEN_MKDIR)) == -1) {
		log_warn("API socket %s", path);
		free(api);
		return NULL;
	}
	if ((api->d = start_mhd(api, api->lfd)) == NULL) {
		log_warnx("cannot start the HTTP server");
		close(api->lfd);
		unlink(path);
		free(api);
		return NULL;
	}
	if (x->conf->api_tcp_set && start_tcp(api) == -1) {
		log_warn("API over TCP");
		api_stop(api);
		return NULL;
	}
	tl_hold_start(api);
	log_info("API on %s", path);
	return api;
}

int
api_fd(struct api *api)
{
	return api->epfd != -1 ? api->epfd : api_mhd_epoll_fd(api->d);
}

static uint64_t
mhd_deadline(struct MHD_Daemon *d)
{
	MHD_UNSIGNED_LONG_LONG	t;

	if (d != NULL && MHD_get_timeout(d, &t) == MHD_YES)
		return mono_ms() + t;
	return UINT64_MAX;
}

uint64_t
api_timeout_ms(struct api *api)
{
	uint64_t	a = mhd_deadline(api->d), b = mhd_deadline(api->d_tcp);

	return a < b ? a : b;
}

void
api_run(struct api *api)
{
	MHD_run(api->d);
	if (api->d_tcp != NULL)
		MHD_run(api->d_tcp);
}

void
api_stop(struct api *api)
{
	if (api == NULL)
		return;
	tl_hold_stop(api);
	if (api->d_tcp != NULL)
		MHD_stop_daemon(api->d_tcp);
	if (api->tfd != -1)
		close(api->tfd);
	if (api->epfd != -1)
		close(api->epfd);
	MHD_stop_daemon(api->d);
	close(api->lfd);
	unlink(api->path);
	free(api);
}

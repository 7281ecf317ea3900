/* json_out.c: GET /v1/status and /v1/migrations documents. */
#include <stdio.h>

#include <json-c/json.h>

#include "api.h"
#include "capture.h"
#include "counters.h"
#include "timeline.h"
#include "xtr_client.h"

static struct json_object *
jstr(const char *s)
{
	return json_object_new_string(s);
}

static struct json_object *
json_domain(struct mig *m, const struct domain *d)
{
	struct json_object	*o = json_object_new_object(), *a;
	struct ipaddr		 eids[CONF_MAXEID + DOM_MAXDYN];
	char			 buf[IPPREFIX_STRLEN];
	struct ipprefix		 p;
	struct hv_info		 hi;
	int			 i, n;

	json_object_object_add(o, "domid", json_object_new_int64(d->domid));
	json_object_object_add(o, "name", jstr(d->name));
	json_object_object_add(o, "xs_name", jstr(d->xsname));
	json_object_object_add(o, "uuid", jstr(d->uuid));
	json_object_object_add(o, "state", jstr(dom_state_name(d->state)));
	json_object_object_add(o, "owned", json_object_new_boolean(d->owned));
	/* registered at the rename, arrival still awaited */
	json_object_object_add(o, "early", json_object_new_boolean(d->early));
	json_object_object_add(o, "arrival", jstr(arrival_name(d->arrival)));
	/* Pause state: the hypervisor knows it (libxl mode); xenstore does
	 * not (null). */
	if (hv_info(&m->hv, d->domid, &hi) == 0 && hi.paused >= 0)
		json_object_object_add(o, "paused",
		    json_object_new_boolean(hi.paused));
	else
		json_object_object_add(o, "paused", NULL);
	a = json_object_new_array();
	for (i = 0; i < DOM_MAXVIF; i++) {
		const struct vif	*v = &d->vifs[i];
		struct json_object	*vo;

		if (!v->used)
			continue;
		vo = json_object_new_object();
		json_object_object_add(vo, "devid",
		    json_object_new_int64(v->devid));
		json_object_object_add(vo, "vif", jstr(v->ifname));
		json_object_object_add(vo, "mac", jstr(v->has_mac ?
		    mac_fmt(v->mac, buf, sizeof(buf)) : ""));
		json_object_object_add(vo, "bridge", jstr(v->bridge));
		json_object_object_add(vo, "connected",
		    json_object_new_boolean(v->connected));
		json_object_object_add(vo, "frontend_state",
		    json_object_new_int(v->fe_state));
		json_object_object_add(vo, "capturing",
		    json_object_new_boolean(v->cap_all));
		json_object_object_add(vo, "capture", jstr(!cap_ports_open(m) ?
		    "none" : v->cap_all ? "all" : "announcements"));
		json_object_array_add(a, vo);
	}
	json_object_object_add(o, "vifs", a);
	a = json_object_new_array();
	n = mig_eids(m, d, eids, CONF_MAXEID + DOM_MAXDYN);
	for (i = 0; i < n; i++) {
		ipprefix_host(&eids[i], &p);
		json_object_array_add(a, jstr(ipprefix_fmt(&p, buf,
		    sizeof(buf))));
	}
	json_object_object_add(o, "eids", a);
	if (d->nmoved > 0) {
		a = json_object_new_array();
		for (i = 0; i < d->nmoved; i++)
			json_object_array_add(a, jstr(ipaddr_fmt(
			    &d->moved_to[i], buf, sizeof(buf))));
		json_object_object_add(o, "moved_to", a);
	}
	return o;
}

struct json_object *
json_status(struct mig *m)
{
	struct json_object	*o = json_object_new_object(), *a, *c;
	const char		*name;
	uint64_t		 v;
	int			 i;

	a = json_object_new_array();
	for (i = 0; i < m->doms.n; i++)
		json_object_array_add(a, json_domain(m, m->doms.d[i]));
	json_object_object_add(o, "domains", a);
	json_object_object_add(o, "xtrd", jstr(m->xtrd_up ? "up" : "down"));
	json_object_object_add(o, "xtrd_queue",
	    json_object_new_int64((int64_t)xtrc_queued(m->xtr)));
	json_object_object_add(o, "hypervisor", jstr(hv_name(&m->hv)));
	a = json_object_new_array();
	for (i = 0; i < m->conf.nbridge; i++)
		json_object_array_add(a, jstr(m->conf.bridges[i].name));
	json_object_object_add(o, "bridges", a);
	c = json_object_new_object();
	for (i = 0; mcnt_nth(&m->mcnt, i, &name, &v) == 0; i++)
		json_object_object_add(c, name, json_object_new_int64(
		    (int64_t)v));
	json_object_object_add(o, "counters", c);
	return o;
}

struct json_object *
json_migrations(struct mig *m)
{
	struct json_object	*o = json_object_new_object(), *a, *mo, *ev;
	const struct mtl_mig	*tm;
	int			 i, k;

	a = json_object_new_array();
	for (i = 0; (tm = mtl_nth(&m->mtl, i)) != NULL; i++) {
		mo = json_object_new_object();
		json_object_object_add(mo, "id", json_object_new_int(tm->id));
		json_object_object_add(mo, "domain", jstr(tm->domain));
		json_object_object_add(mo, "direction", jstr(tm->dir));
		ev = json_object_new_array();
		for (k = 0; k < tm->nev; k++) {
			struct json_object *e = json_object_new_object();

			json_object_object_add(e, "t_ms", json_object_new_int64(
			    (int64_t)(tm->ev[k].t_us / 1000)));
			json_object_object_add(e, "t_us", json_object_new_int64(
			    (int64_t)tm->ev[k].t_us));
			json_object_object_add(e, "event",
			    jstr(tm->ev[k].event));
			json_object_object_add(e, "detail",
			    jstr(tm->ev[k].detail));
			json_object_array_add(ev, e);
		}
		json_object_object_add(mo, "events", ev);
		json_object_array_add(a, mo);
	}
	json_object_object_add(o, "migrations", a);
	return o;
}

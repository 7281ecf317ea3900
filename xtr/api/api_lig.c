/*
 * api_lig.c: POST /v1/lig.  The request sends a Map-Request through the
 * ITR (itr_lig()) and suspends its connection; the Map-Reply, or the
 * timeout, builds the answer and resumes it, so the poll loop never waits.
 */
#include <string.h>

#include "api_int.h"
#include "mono.h"

/* The ITR's callback (itr_lig): the Map-Reply arrived (rep) or the
 * request timed out (rep NULL). */
static void
lig_done(void *lig, const struct lisp_map_reply *rep,
    const struct ipaddr *from, uint64_t rtt_ms)
{
	struct req	*rq = lig;
	json_object	*o, *a;
	char		 n[32];
	int		 i;

	if (rq->lig != 1)
		return;
	timer_cancel(&rq->api->x->timers, &rq->lig_timer);
	o = json_object_new_object();
	if (rep == NULL) {
		rq->lig_status = 504;
		jadd(o, "error", json_object_new_string("no Map-Reply"));
	} else {
		rq->lig_status = 200;
		jadd(o, "from", jstr_addr(from));
		jadd(o, "rtt_ms", json_object_new_int64((int64_t)rtt_ms));
		snprintf(n, sizeof(n), "%016llx", (unsigned long long)rep->nonce);
		jadd(o, "nonce", json_object_new_string(n));
		a = json_object_new_array();
		for (i = 0; i < rep->nrec; i++)
			json_object_array_add(a, jrecord(&rep->rec[i]));
		jadd(o, "records", a);
	}
	rq->lig_result = o;
	rq->lig = 2;
	MHD_resume_connection(rq->conn);
}

static void
lig_timeout(void *arg)
{
	struct req	*rq = arg;

	itr_lig_cancel(rq->api->x, rq);
	lig_done(rq, NULL, NULL, 0);
}

enum MHD_Result
h_lig(struct api *api, struct req *rq)
{
	static const char *const allowed[] = { "eid", "map_resolver",
	    "timeout_ms", NULL };
	struct ipprefix	 eid;
	struct ipaddr	 mr;
	json_object	*o, *v;
	char		 err[128];
	uint32_t	 tmo = 2000;
	uint64_t	 nonce;
	bool		 have_mr = false;

	if ((o = parse_body(rq, allowed, err, sizeof(err))) == NULL)
		return reply_err(rq->conn, 400, err);
	if (get_prefix(o, "eid", &eid, err, sizeof(err)) == -1 ||
	    get_uint(o, "timeout_ms", 60000, &tmo, err, sizeof(err)) == -1) {
		json_object_put(o);
		return reply_err(rq->conn, 400, err);
	}
	if (json_object_object_get_ex(o, "map_resolver", &v)) {
		if (!json_object_is_type(v, json_type_string) ||
		    ipaddr_parse(json_object_get_string(v), &mr) == -1) {
			json_object_put(o);
			return reply_err(rq->conn, 400, "\"map_resolver\" "
			    "must be an address");
		}
		have_mr = true;
	}
	json_object_put(o);
	if (api->x->conf->nrloc == 0)
		return reply_err(rq->conn, 409, "no RLOC to receive the reply");
	rq->lig = 1;
	if (itr_lig(api->x, &eid, have_mr ? &mr : NULL, lig_done, rq,
	    &nonce) == -1) {
		rq->lig = 0;
		return reply_err(rq->conn, 409, "no map-resolver configured");
	}
	timer_init(&rq->lig_timer, lig_timeout, rq);
	timer_set(&api->x->timers, &rq->lig_timer, mono_ms() + tmo);
	MHD_suspend_connection(rq->conn);
	return MHD_YES;
}


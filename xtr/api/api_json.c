/*
 * api_json.c: JSON in and out for the control API: answers, the one error
 * shape ({"error": "..."} with its counter), and request bodies checked
 * field by field (an unknown field is an error, docs/api.md).
 */
#include <stdlib.h>
#include <string.h>

#include "api_int.h"

/* --- responses ---------------------------------------------------------- */

enum MHD_Result
reply_err(struct MHD_Connection *c, unsigned status, const char *msg)
{
	if (status == 404)
		cnt_drop(C_api_not_found, "%s", msg);
	else if (status == 400 || status == 405 || status == 413)
		cnt_drop(C_api_bad_request, "%s", msg);
	return api_reply_error(c, status, msg);
}

json_object *
jstr_addr(const struct ipaddr *a)
{
	char	buf[IPADDR_STRLEN];

	return json_object_new_string(ipaddr_fmt(a, buf, sizeof(buf)));
}

json_object *
jstr_prefix(const struct ipprefix *p)
{
	char	buf[IPPREFIX_STRLEN];

	return json_object_new_string(ipprefix_fmt(p, buf, sizeof(buf)));
}

void
jadd(json_object *o, const char *k, json_object *v)
{
	json_object_object_add(o, k, v);
}

const char *
action_name(uint8_t a)
{
	static const char *const n[] = { "no-action", "native-forward",
	    "send-map-request", "drop", "drop-policy-denied",
	    "drop-auth-failure" };

	return a < sizeof(n) / sizeof(n[0]) ? n[a] : "unknown";
}

json_object *
jrecord(const struct lisp_record *r)
{
	json_object	*o = json_object_new_object(), *rl;
	struct ipprefix	 p;
	int		 i;

	p.addr = r->eid.ip;
	p.plen = r->eid_plen;
	jadd(o, "eid", jstr_prefix(&p));
	jadd(o, "ttl", json_object_new_int64(r->ttl));
	jadd(o, "negative", json_object_new_boolean(r->nloc == 0));
	jadd(o, "action", json_object_new_string(action_name(r->action)));
	jadd(o, "authoritative", json_object_new_boolean(r->authoritative));
	rl = json_object_new_array();
	for (i = 0; i < r->nloc; i++) {
		json_object *l = json_object_new_object();

		jadd(l, "addr", jstr_addr(&r->loc[i].rloc.ip));
		jadd(l, "priority", json_object_new_int(r->loc[i].priority));
		jadd(l, "weight", json_object_new_int(r->loc[i].weight));
		jadd(l, "up", json_object_new_boolean(r->loc[i].reachable));
		json_object_array_add(rl, l);
	}
	jadd(o, "rlocs", rl);
	return o;
}

/* --- request bodies ------------------------------------------------------ */

/* Parse the body as a JSON object whose keys are all in allowed. */
json_object *
parse_body(struct req *rq, const char *const *allowed, char *err,
    size_t errlen)
{
	json_object	*o;
	const char	*k;

	if (rq->body == NULL) {
		snprintf(err, errlen, "empty body, expected a JSON object");
		return NULL;
	}
	if ((o = api_json_object(rq->body, rq->len, 0)) == NULL) {
		snprintf(err, errlen, "body is not a JSON object");
		return NULL;
	}
	if ((k = api_unknown_key(o, allowed)) != NULL) {
		snprintf(err, errlen, "unknown field \"%.64s\"", k);
		json_object_put(o);
		return NULL;
	}
	return o;
}

int
get_prefix(json_object *o, const char *k, struct ipprefix *p, char *err,
    size_t errlen)
{
	json_object	*v;
	struct ipprefix	 chk;

	if (!json_object_object_get_ex(o, k, &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    ipprefix_parse(json_object_get_string(v), p) == -1) {
		snprintf(err, errlen, "\"%s\" must be an EID prefix", k);
		return -1;
	}
	chk = *p;
	ipprefix_mask(&chk);
	if (ipprefix_cmp(&chk, p) != 0) {
		snprintf(err, errlen, "\"%s\" has host bits set", k);
		return -1;
	}
	return 0;
}

/*
 * "k": a JSON array of 1 to max EID prefixes (strings; ipprefix_parse
 * refuses host bits), into p[0..*n-1].  The error names the first bad
 * element by index and quotes it.
 */
int
get_prefix_list(json_object *o, const char *k, struct ipprefix *p, int max,
    int *n, char *err, size_t errlen)
{
	json_object	*v, *e;
	const char	*s;
	size_t		 i, len;

	*n = 0;
	if (!json_object_object_get_ex(o, k, &v) ||
	    !json_object_is_type(v, json_type_array)) {
		snprintf(err, errlen, "\"%s\" must be an array of EID prefixes",
		    k);
		return -1;
	}
	len = json_object_array_length(v);
	if (len == 0 || len > (size_t)max) {
		snprintf(err, errlen, "\"%s\" must hold 1 to %d EID prefixes, "
		    "not %zu", k, max, len);
		return -1;
	}
	for (i = 0; i < len; i++) {
		e = json_object_array_get_idx(v, i);
		if ((s = json_object_get_string(e)) == NULL)
			s = "null";
		if (!json_object_is_type(e, json_type_string) ||
		    ipprefix_parse(s, &p[i]) == -1) {
			snprintf(err, errlen, "\"%s\"[%zu] is not an EID prefix "
			    "'%.64s'", k, i, s);
			return -1;
		}
	}
	*n = (int)len;
	return 0;
}

int
get_uint(json_object *o, const char *k, uint32_t max, uint32_t *out,
    char *err, size_t errlen)
{
	json_object	*v;
	int64_t		 n;

	if (!json_object_object_get_ex(o, k, &v))
		return 0;
	if (!json_object_is_type(v, json_type_int) ||
	    (n = json_object_get_int64(v)) < 0 || (uint64_t)n > max) {
		snprintf(err, errlen, "\"%s\" must be an integer in [0, %u]",
		    k, max);
		return -1;
	}
	*out = (uint32_t)n;
	return 0;
}

/* POST /v1/expect's "cancel", "arrived" (booleans, not both) and "until"
 * ("add" or "arrival", with neither) as one enum dp_expect_op (api.c). */
int
get_expect_op(json_object *o, enum dp_expect_op *op, char *err, size_t errlen)
{
	json_object	*c, *a, *u;
	const char	*s;
	bool		 cancel = false, arrived = false;

	if (json_object_object_get_ex(o, "cancel", &c)) {
		if (!json_object_is_type(c, json_type_boolean))
			goto bool_err;
		cancel = json_object_get_boolean(c);
	}
	if (json_object_object_get_ex(o, "arrived", &a)) {
		if (!json_object_is_type(a, json_type_boolean))
			goto bool_err;
		arrived = json_object_get_boolean(a);
	}
	*op = cancel ? DPE_CANCEL : arrived ? DPE_ARRIVED : DPE_EXPECT;
	if (cancel && arrived) {
		snprintf(err, errlen, "\"cancel\" and \"arrived\" at once");
		return -1;
	}
	if (!json_object_object_get_ex(o, "until", &u))
		return 0;
	s = json_object_is_type(u, json_type_string) ?
	    json_object_get_string(u) : "";
	if (strcmp(s, "add") != 0 && strcmp(s, "arrival") != 0) {
		snprintf(err, errlen, "\"until\" must be \"add\" or "
		    "\"arrival\"");
		return -1;
	}
	if (*op != DPE_EXPECT) {
		snprintf(err, errlen, "\"until\" with \"cancel\" or "
		    "\"arrived\"");
		return -1;
	}
	if (strcmp(s, "arrival") == 0)
		*op = DPE_UNTIL_ARRIVAL;
	return 0;
bool_err:
	snprintf(err, errlen, "\"cancel\" and \"arrived\" must be true "
	    "or false");
	return -1;
}

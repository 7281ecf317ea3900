/* api_parse.c: POST /v1/vif and /v1/departure bodies, see api_parse.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "announce.h"
#include "api_http.h"
#include "api_parse.h"

static int fail(struct api_err *, const char *, const char *, ...)
    __attribute__((__format__(__printf__, 3, 4)));

static int
fail(struct api_err *e, const char *counter, const char *fmt, ...)
{
	va_list	ap;

	e->counter = counter;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* One JSON object, nothing after it. */
static struct json_object *
parse_object(const char *body, size_t len, struct api_err *e)
{
	struct json_object	*o;

	if (len == 0) {
		fail(e, "api_bad_request", "empty body");
		return NULL;
	}
	if (len > 65536) {
		fail(e, "api_bad_request", "body too large");
		return NULL;
	}
	if ((o = api_json_object(body, len, 16)) == NULL) {
		fail(e, "api_bad_json", "body is not one JSON object");
		return NULL;
	}
	return o;
}

static const char *
get_str(struct json_object *o, const char *k)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(o, k, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int
get_uint(struct json_object *o, const char *k, int64_t max, uint32_t *out)
{
	struct json_object	*v;
	int64_t			 n;

	if (!json_object_object_get_ex(o, k, &v) ||
	    !json_object_is_type(v, json_type_int))
		return -1;
	n = json_object_get_int64(v);
	if (n < 0 || n > max)
		return -1;
	*out = (uint32_t)n;
	return 0;
}

static int
ifname_ok(const char *s)
{
	size_t	n = s ? strlen(s) : 0;

	return n > 0 && n < CONF_IFNAMSIZ && strchr(s, '/') == NULL &&
	    strchr(s, ' ') == NULL;
}

static int
vif_fields(struct json_object *o, struct api_vif *v, struct api_err *e)
{
	const char	*action, *vif, *bridge, *mac;

	action = get_str(o, "action");
	if (action == NULL || (strcmp(action, "online") != 0 &&
	    strcmp(action, "offline") != 0))
		return fail(e, "api_bad_request",
		    "action must be online or offline");
	v->online = strcmp(action, "online") == 0;
	if (get_uint(o, "domid", 0x7fef, &v->domid) == -1 ||
	    get_uint(o, "devid", 0x7fffffff, &v->devid) == -1)
		return fail(e, "api_bad_request", "domid and devid must be "
		    "small non-negative integers");
	if (!v->online)
		return 0;
	vif = get_str(o, "vif");
	bridge = get_str(o, "bridge");
	mac = get_str(o, "mac");
	if (!ifname_ok(vif))
		return fail(e, "api_bad_request", "bad vif name");
	if (!ifname_ok(bridge))
		return fail(e, "api_bad_request", "bad bridge name");
	if (mac == NULL || mac_parse(mac, v->mac) == -1)
		return fail(e, "api_bad_request", "bad mac");
	snprintf(v->vif, sizeof(v->vif), "%s", vif);
	snprintf(v->bridge, sizeof(v->bridge), "%s", bridge);
	return 0;
}

int
api_parse_vif(const char *body, size_t len, struct api_vif *v,
    struct api_err *e)
{
	static const char *const keys[] = { "action", "domid", "devid", "vif",
	    "bridge", "mac", NULL };
	struct json_object	*o;
	const char		*k;
	int			 rc;

	memset(v, 0, sizeof(*v));
	if ((o = parse_object(body, len, e)) == NULL)
		return -1;
	if ((k = api_unknown_key(o, keys)) != NULL)
		rc = fail(e, "api_bad_request", "unknown field '%.40s'", k);
	else
		rc = vif_fields(o, v, e);
	json_object_put(o);
	return rc;
}

int
api_parse_departure(const char *body, size_t len, struct api_departure *d,
    struct api_err *e)
{
	static const char *const keys[] = { "domain", "dest_rlocs", NULL };
	struct json_object	*o, *arr, *v;
	const char		*k, *name;
	size_t			 i, n;
	int			 rc = -1;

	memset(d, 0, sizeof(*d));
	if ((o = parse_object(body, len, e)) == NULL)
		return -1;
	if ((k = api_unknown_key(o, keys)) != NULL) {
		fail(e, "api_bad_request", "unknown field '%.40s'", k);
		goto out;
	}
	name = get_str(o, "domain");
	if (name == NULL || name[0] == '\0' ||
	    strlen(name) >= sizeof(d->domain)) {
		fail(e, "api_bad_request", "missing or bad domain");
		goto out;
	}
	snprintf(d->domain, sizeof(d->domain), "%s", name);
	if (!json_object_object_get_ex(o, "dest_rlocs", &arr) ||
	    !json_object_is_type(arr, json_type_array) ||
	    (n = json_object_array_length(arr)) == 0 || n > API_MAX_RLOCS) {
		fail(e, "api_bad_request", "dest_rlocs must be a list of 1 "
		    "to 4 addresses");
		goto out;
	}
	for (i = 0; i < n; i++) {
		v = json_object_array_get_idx(arr, i);
		if (!json_object_is_type(v, json_type_string) ||
		    ipaddr_parse(json_object_get_string(v), &d->rlocs[i]) ==
		    -1) {
			fail(e, "api_bad_request", "bad address in "
			    "dest_rlocs");
			goto out;
		}
	}
	d->nrlocs = (int)n;
	rc = 0;
out:
	json_object_put(o);
	return rc;
}

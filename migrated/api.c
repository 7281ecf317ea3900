/* api.c: POST /v1/vif, POST /v1/departure, GET /v1/status, GET
 * /v1/migrations over libmicrohttpd on a unix socket; see api.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <json-c/json.h>
#include <microhttpd.h>

#include "api.h"
#include "counters.h"
#include "log.h"

struct api {
	struct mig		*m;
	struct MHD_Daemon	*d;
	int			 lfd;
	char			 path[108];
};

struct body {
	char	*p;
	size_t	 len;
	int	 too_big;
};

static enum MHD_Result
reply(struct MHD_Connection *c, unsigned code, struct json_object *o)
{
	const char		*s;
	struct MHD_Response	*r;
	enum MHD_Result		 rc;

	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	r = MHD_create_response_from_buffer(strlen(s), (void *)s,
	    MHD_RESPMEM_MUST_COPY);
	json_object_put(o);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", "application/json");
	rc = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result
error(struct MHD_Connection *c, unsigned code, const char *counter,
    const char *msg)
{
	struct json_object	*o = json_object_new_object();

	if (counter != NULL)
		cnt_drop(counter, "%s", msg);
	json_object_object_add(o, "error", json_object_new_string(msg));
	return reply(c, code, o);
}

/* Every key of `o` must be in `allowed` (NULL-terminated). */
static const char *
unknown_key(struct json_object *o, const char *const *allowed)
{
	struct json_object_iterator	it = json_object_iter_begin(o);
	struct json_object_iterator	end = json_object_iter_end(o);
	const char			*k;
	int				 i, ok;

	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
		k = json_object_iter_peek_name(&it);
		for (ok = 0, i = 0; allowed[i] != NULL; i++)
			if (strcmp(allowed[i], k) == 0)
				ok = 1;
		if (!ok)
			return k;
	}
	return NULL;
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

static enum MHD_Result
post_vif(struct api *a, struct MHD_Connection *c, struct json_object *o)
{
	static const char *const keys[] = { "action", "domid", "devid", "vif",
	    "bridge", "mac", NULL };
	const char	*k, *action, *vif, *bridge, *mac;
	uint32_t	 domid, devid;
	uint8_t		 macb[6];
	struct domain	*d;
	struct vif_info	 vi;
	char		 msg[160];

	if ((k = unknown_key(o, keys)) != NULL) {
		snprintf(msg, sizeof(msg), "unknown field '%.40s'", k);
		return error(c, 400, "api_bad_request", msg);
	}
	action = get_str(o, "action");
	vif = get_str(o, "vif");
	bridge = get_str(o, "bridge");
	mac = get_str(o, "mac");
	if (action == NULL || (strcmp(action, "online") != 0 &&
	    strcmp(action, "offline") != 0))
		return error(c, 400, "api_bad_request",
		    "action must be online or offline");
	if (get_uint(o, "domid", 0x7fef, &domid) == -1 ||
	    get_uint(o, "devid", 0x7fffffff, &devid) == -1)
		return error(c, 400, "api_bad_request",
		    "domid and devid must be small non-negative integers");
	if ((d = dom_find(&a->m->doms, domid)) == NULL)
		return error(c, 404, NULL, "unknown domid");
	if (strcmp(action, "offline") == 0) {
		mig_vif_removed(a->m, d, devid);
		return reply(c, 200, json_object_new_object());
	}
	if (vif == NULL || strlen(vif) == 0 || strlen(vif) >= CONF_IFNAMSIZ ||
	    strchr(vif, '/') != NULL)
		return error(c, 400, "api_bad_request", "bad vif name");
	if (mac == NULL || mac_parse(mac, macb) == -1)
		return error(c, 400, "api_bad_request", "bad mac");
	if (bridge == NULL)
		return error(c, 400, "api_bad_request", "missing bridge");
	if (conf_bridge_find(&a->m->conf, bridge) == NULL) {
		struct json_object *r = json_object_new_object();

		cnt_inc("api_vif_unwatched_bridge");
		json_object_object_add(r, "ignored",
		    json_object_new_boolean(1));
		return reply(c, 200, r);
	}
	memset(&vi, 0, sizeof(vi));
	vi.mac = mac;
	vi.bridge = bridge;
	vi.ifname = vif;
	vi.connected = 1;
	mig_vif_update(a->m, d, devid, &vi);
	return reply(c, 200, json_object_new_object());
}

static enum MHD_Result
post_departure(struct api *a, struct MHD_Connection *c, struct json_object *o)
{
	static const char *const keys[] = { "domain", "dest_rlocs", NULL };
	struct json_object	*arr, *v;
	struct ipaddr		 rl[DOM_MAXMOVED];
	const char		*k, *name;
	char			 msg[160];
	size_t			 i, n;

	if ((k = unknown_key(o, keys)) != NULL) {
		snprintf(msg, sizeof(msg), "unknown field '%.40s'", k);
		return error(c, 400, "api_bad_request", msg);
	}
	if ((name = get_str(o, "domain")) == NULL || name[0] == '\0')
		return error(c, 400, "api_bad_request", "missing domain");
	if (!json_object_object_get_ex(o, "dest_rlocs", &arr) ||
	    !json_object_is_type(arr, json_type_array) ||
	    (n = json_object_array_length(arr)) == 0 || n > DOM_MAXMOVED)
		return error(c, 400, "api_bad_request",
		    "dest_rlocs must be a list of 1 to 4 addresses");
	for (i = 0; i < n; i++) {
		v = json_object_array_get_idx(arr, i);
		if (!json_object_is_type(v, json_type_string) ||
		    ipaddr_parse(json_object_get_string(v), &rl[i]) == -1)
			return error(c, 400, "api_bad_request",
			    "bad address in dest_rlocs");
	}
	if (mig_departure(a->m, name, rl, (int)n) == -1)
		return error(c, 404, NULL, "no such domain runs here");
	return reply(c, 200, json_object_new_object());
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct api		*a = cls;
	struct body		*b = *con_cls;
	struct json_object	*o;
	struct json_tokener	*tok;
	enum MHD_Result		 rc;
	int			 is_post = strcmp(method, "POST") == 0;

	if (b == NULL) {
		if ((b = calloc(1, sizeof(*b))) == NULL)
			return MHD_NO;
		*con_cls = b;
		if (is_post)
			return MHD_YES;	/* body follows */
	}
	if (is_post && *upload_size > 0) {
		if (b->too_big || b->len + *upload_size > API_MAX_BODY) {
			b->too_big = 1;
		} else {
			char *np = realloc(b->p, b->len + *upload_size + 1);

			if (np == NULL)
				return MHD_NO;
			b->p = np;
			memcpy(b->p + b->len, upload, *upload_size);
			b->len += *upload_size;
			b->p[b->len] = '\0';
		}
		*upload_size = 0;
		return MHD_YES;
	}
	cnt_inc("api_requests");
	if (strcmp(method, "GET") == 0) {
		if (strcmp(url, "/v1/status") == 0)
			return reply(c, 200, json_status(a->m));
		if (strcmp(url, "/v1/migrations") == 0)
			return reply(c, 200, json_migrations());
		return error(c, 404, "api_not_found", "no such resource");
	}
	if (!is_post)
		return error(c, 405, "api_bad_method", "method not allowed");
	if (strcmp(url, "/v1/vif") != 0 && strcmp(url, "/v1/departure") != 0)
		return error(c, 404, "api_not_found", "no such resource");
	if (b->too_big)
		return error(c, 413, "api_body_too_large", "body too large");
	if (b->len == 0)
		return error(c, 400, "api_bad_request", "empty body");
	tok = json_tokener_new_ex(16);
	o = tok ? json_tokener_parse_ex(tok, b->p, (int)b->len) : NULL;
	if (o == NULL || json_tokener_get_parse_end(tok) != b->len ||
	    !json_object_is_type(o, json_type_object)) {
		if (o != NULL)
			json_object_put(o);
		if (tok != NULL)
			json_tokener_free(tok);
		return error(c, 400, "api_bad_json",
		    "body is not one JSON object");
	}
	json_tokener_free(tok);
	if (strcmp(url, "/v1/vif") == 0)
		rc = post_vif(a, c, o);
	else
		rc = post_departure(a, c, o);
	json_object_put(o);
	return rc;
}

static void
completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct body	*b = *con_cls;

	if (b != NULL) {
		free(b->p);
		free(b);
	}
	*con_cls = NULL;
}

static int
listen_unix(const char *path)
{
	struct sockaddr_un	sun;
	int			fd;
	mode_t			old;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1)
		return -1;
	unlink(path);
	old = umask(0177);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		umask(old);
		close(fd);
		return -1;
	}
	umask(old);
	if (chmod(path, 0600) == -1 || listen(fd, 64) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

struct api *
api_open(struct mig *m, const char *path)
{
	struct api	*a;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	a->m = m;
	snprintf(a->path, sizeof(a->path), "%s", path);
	if ((a->lfd = listen_unix(path)) == -1) {
		free(a);
		return NULL;
	}
	a->d = MHD_start_daemon(MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0, NULL,
	    NULL, handle, a, MHD_OPTION_LISTEN_SOCKET, a->lfd,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, a,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)64,
	    MHD_OPTION_END);
	if (a->d == NULL) {
		close(a->lfd);
		unlink(path);
		free(a);
		errno = EINVAL;
		return NULL;
	}
	return a;
}

int
api_fd(struct api *a)
{
	const union MHD_DaemonInfo *i;

	i = MHD_get_daemon_info(a->d, MHD_DAEMON_INFO_EPOLL_FD);
	return i ? i->epoll_fd : -1;
}

void
api_run(struct api *a)
{
	MHD_run(a->d);
}

int
api_timeout(struct api *a)
{
	MHD_UNSIGNED_LONG_LONG	t;

	if (MHD_get_timeout(a->d, &t) != MHD_YES)
		return -1;
	return t > 60000 ? 60000 : (int)t;
}

void
api_close(struct api *a)
{
	if (a == NULL)
		return;
	MHD_stop_daemon(a->d);	/* closes lfd too */
	unlink(a->path);
	free(a);
}

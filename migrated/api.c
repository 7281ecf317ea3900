/* api.c: POST /v1/vif, POST /v1/departure, GET /v1/status, GET
 * /v1/migrations over libmicrohttpd on a unix socket; see api.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>
#include <microhttpd.h>

#include "api.h"
#include "api_http.h"
#include "api_parse.h"
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
	bool	 too_big;
};

static enum MHD_Result
error(struct api *a, struct MHD_Connection *c, unsigned code,
    const char *counter, const char *msg)
{
	if (counter != NULL)
		mcnt_drop(&a->m->mcnt, counter, "%s", msg);
	return api_reply_error(c, code, msg);
}

static enum MHD_Result
post_vif(struct api *a, struct MHD_Connection *c, const struct body *b)
{
	struct api_vif	 v;
	struct api_err	 e;
	struct domain	*d;
	struct vif_info	 vi;
	char		 mac[MAC_STRLEN];

	if (api_parse_vif(b->p, b->len, &v, &e) == -1)
		return error(a, c, 400, e.counter, e.msg);
	if ((d = dom_find(&a->m->doms, v.domid)) == NULL)
		return error(a, c, 404, NULL, "unknown domid");
	if (!v.online) {
		mig_vif_removed(a->m, d, v.devid);
		return api_reply_json(c, 200, json_object_new_object());
	}
	if (conf_bridge_find(&a->m->conf, v.bridge) == NULL) {
		struct json_object *r = json_object_new_object();

		mcnt_inc(&a->m->mcnt, "api_vif_unwatched_bridge");
		json_object_object_add(r, "ignored",
		    json_object_new_boolean(1));
		return api_reply_json(c, 200, r);
	}
	memset(&vi, 0, sizeof(vi));
	vi.mac = mac_fmt(v.mac, mac, sizeof(mac));
	vi.bridge = v.bridge;
	vi.ifname = v.vif;
	vi.connected = 1;
	mig_vif_update(a->m, d, v.devid, &vi);
	return api_reply_json(c, 200, json_object_new_object());
}

static enum MHD_Result
post_departure(struct api *a, struct MHD_Connection *c, const struct body *b)
{
	struct api_departure	dep;
	struct api_err		e;

	if (api_parse_departure(b->p, b->len, &dep, &e) == -1)
		return error(a, c, 400, e.counter, e.msg);
	if (mig_departure(a->m, dep.domain, dep.rlocs, dep.nrlocs) == -1)
		return error(a, c, 404, NULL, "no such domain runs here");
	return api_reply_json(c, 200, json_object_new_object());
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct api		*a = cls;
	struct body		*b = *con_cls;
	int			 is_post = strcmp(method, "POST") == 0;

	if (b == NULL) {
		if ((b = calloc(1, sizeof(*b))) == NULL)
			return MHD_NO;
		*con_cls = b;
		if (is_post)
			return MHD_YES;	/* body follows */
	}
	if (is_post && *upload_size > 0) {
		if (api_body_append(&b->p, &b->len, &b->too_big, upload,
		    *upload_size, API_MAX_BODY) == -1)
			return MHD_NO;
		*upload_size = 0;
		return MHD_YES;
	}
	mcnt_inc(&a->m->mcnt, "api_requests");
	if (strcmp(method, "GET") == 0) {
		if (strcmp(url, "/v1/status") == 0)
			return api_reply_json(c, 200, json_status(a->m));
		if (strcmp(url, "/v1/migrations") == 0)
			return api_reply_json(c, 200, json_migrations(a->m));
		return error(a, c, 404, "api_not_found", "no such resource");
	}
	if (!is_post)
		return error(a, c, 405, "api_bad_method", "method not allowed");
	if (strcmp(url, "/v1/vif") != 0 && strcmp(url, "/v1/departure") != 0)
		return error(a, c, 404, "api_not_found", "no such resource");
	if (b->too_big)
		return error(a, c, 413, "api_body_too_large", "body too large");
	if (strcmp(url, "/v1/vif") == 0)
		return post_vif(a, c, b);
	return post_departure(a, c, b);
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

struct api *
api_open(struct mig *m, const char *path)
{
	struct api	*a;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	a->m = m;
	snprintf(a->path, sizeof(a->path), "%s", path);
	if ((a->lfd = api_listen_unix(path, API_LISTEN_NONBLOCK)) == -1) {
		free(a);
		return NULL;
	}
	a->d = api_mhd_start(a->lfd, MHD_USE_ERROR_LOG, 10, handle, completed,
	    a);
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
	return api_mhd_epoll_fd(a->d);
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

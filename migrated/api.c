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

static enum MHD_Result
post_vif(struct api *a, struct MHD_Connection *c, const struct body *b)
{
	struct api_vif	 v;
	struct api_err	 e;
	struct domain	*d;
	struct vif_info	 vi;
	char		 mac[MAC_STRLEN];

	if (api_parse_vif(b->p, b->len, &v, &e) == -1)
		return error(c, 400, e.counter, e.msg);
	if ((d = dom_find(&a->m->doms, v.domid)) == NULL)
		return error(c, 404, NULL, "unknown domid");
	if (!v.online) {
		mig_vif_removed(a->m, d, v.devid);
		return reply(c, 200, json_object_new_object());
	}
	if (conf_bridge_find(&a->m->conf, v.bridge) == NULL) {
		struct json_object *r = json_object_new_object();

		cnt_inc("api_vif_unwatched_bridge");
		json_object_object_add(r, "ignored",
		    json_object_new_boolean(1));
		return reply(c, 200, r);
	}
	memset(&vi, 0, sizeof(vi));
	vi.mac = mac_fmt(v.mac, mac, sizeof(mac));
	vi.bridge = v.bridge;
	vi.ifname = v.vif;
	vi.connected = 1;
	mig_vif_update(a->m, d, v.devid, &vi);
	return reply(c, 200, json_object_new_object());
}

static enum MHD_Result
post_departure(struct api *a, struct MHD_Connection *c, const struct body *b)
{
	struct api_departure	dep;
	struct api_err		e;

	if (api_parse_departure(b->p, b->len, &dep, &e) == -1)
		return error(c, 400, e.counter, e.msg);
	if (mig_departure(a->m, dep.domain, dep.rlocs, dep.nrlocs) == -1)
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

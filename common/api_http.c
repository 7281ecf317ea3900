/* api_http.c: the control APIs' HTTP/JSON glue; see api_http.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "api_http.h"

enum MHD_Result
api_reply_json(struct MHD_Connection *c, unsigned status, struct json_object *o)
{
	struct MHD_Response	*r;
	const char		*s;
	enum MHD_Result		 ret;

	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	r = MHD_create_response_from_buffer(strlen(s), (void *)s,
	    MHD_RESPMEM_MUST_COPY);
	json_object_put(o);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", "application/json");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

enum MHD_Result
api_reply_error(struct MHD_Connection *c, unsigned status, const char *msg)
{
	struct json_object	*o = json_object_new_object();

	json_object_object_add(o, "error", json_object_new_string(msg));
	return api_reply_json(c, status, o);
}

int
api_body_append(char **p, size_t *len, bool *too_big, const char *data,
    size_t n, size_t max)
{
	char	*np;

	if (*too_big || *len + n > max) {
		*too_big = true;
		return 0;
	}
	if ((np = realloc(*p, *len + n + 1)) == NULL)
		return -1;
	*p = np;
	memcpy(np + *len, data, n);
	*len += n;
	np[*len] = '\0';
	return 0;
}

struct json_object *
api_json_object(const char *body, size_t len, int depth)
{
	struct json_tokener	*tok;
	struct json_object	*o;

	if (body == NULL || len > (size_t)INT32_MAX ||
	    (tok = depth > 0 ? json_tokener_new_ex(depth) :
	    json_tokener_new()) == NULL)
		return NULL;
	o = json_tokener_parse_ex(tok, body, (int)len);
	if (o != NULL && (json_tokener_get_parse_end(tok) != len ||
	    !json_object_is_type(o, json_type_object))) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

const char *
api_unknown_key(struct json_object *o, const char *const *allowed)
{
	const char *const	*a;

	json_object_object_foreach(o, k, v) {
		(void)v;
		for (a = allowed; *a != NULL; a++)
			if (strcmp(*a, k) == 0)
				break;
		if (*a == NULL)
			return k;
	}
	return NULL;
}

/* mkdir the directory of path (not "/"), 0700; fine if it exists. */
static int
mkdir_parent(const char *path)
{
	char	dir[sizeof(((struct sockaddr_un *)0)->sun_path)], *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0700) == -1 && errno != EEXIST)
			return -1;
	}
	return 0;
}

int
api_listen_unix(const char *path, int flags)
{
	struct sockaddr_un	sun;
	mode_t			old;
	int			fd, r, type = SOCK_STREAM | SOCK_CLOEXEC;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path));
	if ((flags & API_LISTEN_MKDIR) && mkdir_parent(path) == -1)
		return -1;
	if (flags & API_LISTEN_NONBLOCK)
		type |= SOCK_NONBLOCK;
	if ((fd = socket(AF_UNIX, type, 0)) == -1)
		return -1;
	(void)unlink(path);
	old = umask(0177);		/* srw------- root only */
	r = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (r == -1 || chmod(path, 0600) == -1 || listen(fd, 64) == -1) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

struct MHD_Daemon *
api_mhd_start(int fd, unsigned flags, unsigned timeout_s,
    MHD_AccessHandlerCallback handler, MHD_RequestCompletedCallback done,
    void *cls)
{
	return MHD_start_daemon(MHD_USE_EPOLL | flags, 0, NULL, NULL,
	    handler, cls, MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_NOTIFY_COMPLETED, done, cls,
	    MHD_OPTION_CONNECTION_TIMEOUT, timeout_s,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)64,
	    MHD_OPTION_END);
}

int
api_mhd_epoll_fd(struct MHD_Daemon *d)
{
	const union MHD_DaemonInfo *i;

	i = MHD_get_daemon_info(d, MHD_DAEMON_INFO_EPOLL_FD);
	return i ? i->epoll_fd : -1;
}

/*
 * api_http.h: the libmicrohttpd + json-c glue both daemons' control APIs
 * (docs/api.md) are made of: JSON answers, the one error shape
 * {"error": "..."}, request bodies gathered up to a size limit, the check
 * that a body has no unknown fields, and the unix socket the server
 * listens on.  What to count and which status to give stay with each
 * daemon.  Linked as build/libctlapi.a (json-c, libmicrohttpd).
 */
#ifndef MIG_API_HTTP_H
#define MIG_API_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>
#include <microhttpd.h>

/* Queue o (put here, whatever happens) as a compact JSON answer. */
enum MHD_Result	api_reply_json(struct MHD_Connection *, unsigned status,
		    struct json_object *o);
/* {"error": msg} with that status. */
enum MHD_Result	api_reply_error(struct MHD_Connection *, unsigned status,
		    const char *msg);

/* Add n bytes of an upload to the NUL-terminated body *p (*len bytes).
 * Past max bytes in all, the body stops growing and *too_big is set.
 * 0, or -1 when out of memory. */
int		api_body_append(char **p, size_t *len, bool *too_big,
		    const char *data, size_t n, size_t max);

/* A request body that is one JSON object and nothing after it, at most
 * depth levels deep (0: json-c's default, 32): the object (the caller puts
 * it), or NULL (not JSON, not an object, trailing bytes, out of memory).
 * What to answer and which counter to move stay with each daemon. */
struct json_object *api_json_object(const char *body, size_t len,
		    int depth);

/* The first key of object o that is not in allowed (NULL-terminated), or
 * NULL when there is none: unknown fields are an error (docs/api.md). */
const char	*api_unknown_key(struct json_object *o,
		    const char *const *allowed);

#define API_LISTEN_MKDIR	0x1	/* create the socket's directory, 0700 */
#define API_LISTEN_NONBLOCK	0x2	/* SOCK_NONBLOCK */
/* A listening unix socket at path, mode 0600 (root only); a stale socket
 * there is removed first.  The fd, or -1 with errno. */
int		api_listen_unix(const char *path, int flags);
/* libmicrohttpd without threads of its own (MHD_USE_EPOLL | flags) on the
 * listening socket fd, at most 64 connections of timeout_s idle seconds
 * each; done frees what handler kept per connection.  NULL on failure. */
struct MHD_Daemon *api_mhd_start(int fd, unsigned flags, unsigned timeout_s,
		    MHD_AccessHandlerCallback handler,
		    MHD_RequestCompletedCallback done, void *cls);
/* The epoll fd of an MHD_USE_EPOLL daemon, or -1. */
int		api_mhd_epoll_fd(struct MHD_Daemon *);

#endif

/*
 * ctl_client.h: the client side of the control APIs (docs/api.md) that
 * xtrctl and migratectl share: one HTTP request over the daemon's unix
 * socket with libcurl, its answer parsed with json-c.  Linked as
 * build/libctlclient.a (libcurl, json-c).
 */
#ifndef MIG_CTL_CLIENT_H
#define MIG_CTL_CLIENT_H

#include <json-c/json.h>

struct ctl_conn {
	const char	*prog;		/* prefix of the messages: "xtrctl" */
	const char	*sock;		/* the daemon's unix socket */
	const char	*host;		/* host part of the URL */
	long		 timeout_ms;
	/* over TCP instead (sock NULL, host "ADDR:PORT"): the API token,
	 * sent as "Authorization: Bearer TOKEN" (xtrd's api_tcp) */
	const char	*token;
};

/* method ("GET" or "POST", with the JSON text body) on path.  Returns the
 * HTTP status, or 0 when the daemon could not be reached (reported on
 * stderr as "prog: socket: reason").  *out is the parsed answer, or NULL
 * when there was none or it is not JSON. */
long		 ctl_call(const struct ctl_conn *, const char *method,
		    const char *path, const char *body, json_object **out);
/* The value of key k of o as a string, or dflt when o has no such key. */
const char	*ctl_str(json_object *o, const char *k, const char *dflt);

#endif

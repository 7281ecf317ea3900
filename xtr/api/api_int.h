/*
 * api_int.h: what the control API's files (api.c: server and handlers,
 * api_json.c: JSON in and out, api_lig.c: the suspended lig request,
 * api_timeline.c: the timeline, and requests held until an event)
 * share.  Not used outside the API.
 */
#ifndef XTR_API_INT_H
#define XTR_API_INT_H

#include <json-c/json.h>
#include <microhttpd.h>

#include "api_http.h"
#include "xtr/xtrd.h"
#include "xtr/api/api.h"
#include "xtr/cp/cp.h"
#include "xtr/dp/dp.h"
#include "xtr/ms/ms.h"

struct api {
	struct xtrd		*x;
	struct MHD_Daemon	*d;
	int			 lfd;
	struct MHD_Daemon	*d_tcp;		/* api_tcp, when configured */
	int			 tfd;
	int			 epfd;		/* both daemons' epoll fds */
	char			 path[XC_PATH_MAX];
	struct req		*tl_waiters;	/* held GET /v1/timeline */
};

enum { TLW_NONE, TLW_HELD, TLW_READY };

struct req {
	struct api		*api;
	struct MHD_Connection	*conn;
	char			*body;
	size_t			 len;
	bool			 too_big;
	const char		*denied;	/* over TCP without the token */
	int			 lig;		/* 0 none, 1 waiting, 2 done */
	int			 lig_status;
	json_object		*lig_result;
	struct timer		 lig_timer;
	int			 tl_wait;	/* TLW_*: ?wait= */
	uint64_t		 tl_since;
	char			 tl_events[256];
	struct timer		 tl_timer;
	struct req		*tl_next;
};

static inline enum MHD_Result
reply_json(struct MHD_Connection *c, unsigned status, json_object *o)
{
	return api_reply_json(c, status, o);
}

/* api_json.c */
enum MHD_Result reply_err(struct MHD_Connection *, unsigned, const char *);
json_object	*jstr_addr(const struct ipaddr *);
json_object	*jstr_prefix(const struct ipprefix *);
void		 jadd(json_object *, const char *, json_object *);
const char	*action_name(uint8_t);
json_object	*jrecord(const struct lisp_record *);
json_object	*parse_body(struct req *, const char *const *allowed, char *err,
		    size_t errlen);
int		 get_prefix(json_object *, const char *, struct ipprefix *,
		    char *err, size_t errlen);
int		 get_prefix_list(json_object *, const char *, struct ipprefix *,
		    int max, int *n, char *err, size_t errlen);
int		 get_uint(json_object *, const char *, uint32_t max,
		    uint32_t *out, char *err, size_t errlen);
int		 get_expect_op(json_object *, enum dp_expect_op *, char *err,
		    size_t errlen);

/* api_timeline.c */
enum MHD_Result	h_timeline(struct api *, struct req *);
void		tl_req_done(struct req *);
void		tl_hold_start(struct api *);
void		tl_hold_stop(struct api *);

/* api_lig.c */
enum MHD_Result	h_lig(struct api *, struct req *);

#endif

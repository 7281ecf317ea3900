/*
 * api.h: migrated's own HTTP/JSON API (docs/api.md, "migrated") on a unix
 * socket, mode 0600, served by libmicrohttpd from the daemon's poll loop
 * (MHD_USE_EPOLL without a thread: one fd to poll, MHD_run() when ready).
 */
#ifndef MIG_API_H
#define MIG_API_H

#include <stdint.h>

#include "migrated.h"

#define API_MAX_BODY	16384

struct api	*api_open(struct mig *, const char *path);
int		 api_fd(struct api *);
void		 api_run(struct api *);
/* ms until libmicrohttpd wants to run again, or -1. */
int		 api_timeout(struct api *);
void		 api_close(struct api *);

/* json_out.c: the documents GET /v1/status and /v1/migrations return
 * (json-c objects; the caller puts them). */
struct json_object *json_status(struct mig *);
struct json_object *json_migrations(struct mig *);

#endif

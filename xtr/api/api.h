/*
 * api.h: the HTTP API on the control socket (docs/api.md).  Handlers hold
 * no state of their own: each calls into a room (cp, ms, dp).  No room
 * calls the API: what a room reports back (a lig's Map-Reply) comes
 * through a callback the API passes in.
 */
#ifndef XTR_API_API_H
#define XTR_API_API_H

#include <stdint.h>

struct xtrd;
struct api;

/* api.c */
struct api *api_start(struct xtrd *, const char *path);
int	api_fd(struct api *);
uint64_t api_timeout_ms(struct api *);
void	api_run(struct api *);
void	api_stop(struct api *);

#endif

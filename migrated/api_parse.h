/*
 * api_parse.h: the request bodies of migrated's API, decoded and checked
 * without any I/O (fuzzed by tests/fuzz/fuzz_migrated_api.c).  Unknown
 * fields, wrong types and out-of-range values are refused with a one-
 * sentence reason (the 400 answer) and the name of the counter to bump.
 */
#ifndef MIG_API_PARSE_H
#define MIG_API_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "config.h"

#define API_MAX_RLOCS	4

struct api_vif {
	int		online;
	uint32_t	domid, devid;
	char		vif[CONF_IFNAMSIZ];	/* online only */
	char		bridge[CONF_IFNAMSIZ];
	uint8_t		mac[6];
};

struct api_departure {
	char		domain[CONF_NAMELEN + 32];
	struct ipaddr	rlocs[API_MAX_RLOCS];
	int		nrlocs;
};

struct api_err {
	const char	*counter;	/* "api_bad_json", "api_bad_request" */
	char		 msg[160];
};

/* 0, or -1 with *e filled.  body need not be NUL-terminated. */
int	api_parse_vif(const char *body, size_t len, struct api_vif *,
	    struct api_err *e);
int	api_parse_departure(const char *body, size_t len,
	    struct api_departure *, struct api_err *e);

#endif

/*
 * config.h: xtrd.conf, in the style of Xen's own config files:
 *
 *   role = "xtr"                       # xtr | ms | both
 *   rlocs = [ '192.0.2.1', '2001:db8::1' ]
 *   database = [ '10.1.0.0/24,priority=1,weight=100,ttl=1440' ]
 *   map_servers = [ '192.0.2.100,key=s3cret,alg=hmac-sha256,key_id=0' ]
 *   map_resolvers = [ '192.0.2.100' ]
 *   proxy_itrs = [ '192.0.2.50' ]
 *   sites = [ 'name=a,key=s3cret,eid=10.1.0.0/16,more_specifics=yes' ]
 *   control_socket = "/run/xtrd/xtrd.sock"
 *   map_request_retry = 1000           # ms to the first retransmission,
 *   map_request_retry_max = 8000       # doubling up to this, never below
 *   map_request_retries = 3            # rate_limit (mreq_sched.h)
 *   rate_limit = 1000                  # ms between Map-Requests per EID
 *   lisp_sec = optional                # required | optional | off (RFC 9303)
 *   lisp_sec_key = "s3cret"            # PSK of ITRs and Map-Resolver
 *   map_cache_ttl_max = 1440           # minutes a Map-Reply may be kept
 *   map_reply_min_plen4 = 16           # widest record believed beyond
 *   map_reply_min_plen6 = 32           # the request without LISP-SEC
 *
 * Lists may span lines.  Every key is one entry of the key table in
 * config.c (common/cfgkey.h: name, type, range, default, when printed),
 * the data plane's in dp_conf.c; the table parses each line (init / line /
 * finish, after wireguard-tools' config.c), xc_load's finish checks what
 * spans keys.  Every error is "file:line: message 'token'".  xc_print()
 * walks the same table to write the normalised form `xtrd -nv` shows; it
 * parses back to the same configuration.
 */
#ifndef XTR_CONFIG_H
#define XTR_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "cfgkey.h"
#include "lisp.h"
#include "dp_conf.h"

#define XC_MAX_RLOC	8
#define XC_MAX_DB	256
#define XC_MAX_MS	8
#define XC_MAX_MR	8
#define XC_MAX_PXTR	16
#define XC_MAX_SITE	256
#define XC_MAX_SITE_EID	16
#define XC_MAX_KEY	128
/* issue 16, finding 6: shortest site key (map_servers, sites) and the
 * fewest different characters in it: `openssl rand -base64 32` */
#define XC_MIN_KEY	16
#define XC_MIN_KEY_CHARS 8
#define XC_MAX_NAME	64
#define XC_PATH_MAX	108	/* sun_path */

#define ROLE_XTR	0x1
#define ROLE_MS		0x2

/* RFC 9303 LISP-SEC (xtrd.conf(5) says what each means) */
#define LISPSEC_OFF		0
#define LISPSEC_OPTIONAL	1
#define LISPSEC_REQUIRED	2

struct xc_mapping {
	struct ipprefix	eid;
	uint8_t		priority;
	uint8_t		weight;
	uint32_t	ttl;		/* minutes */
};

struct xc_key {
	uint8_t		alg;		/* enum lisp_auth_alg */
	uint8_t		key_id;
	bool		alg_set;	/* alg= given (else the default) */
	char		key[XC_MAX_KEY];
};

/* The per-index key cache of the ETR (a Map-Server's key) and the
 * Map-Server (a site's): k keyed for HMAC in slot, once, and again only
 * when a reload changed it (lisp_auth_key_set compares); NULL if it
 * cannot be keyed. */
static inline struct lisp_auth_key *
xc_key_auth(struct lisp_auth_key *slot, const struct xc_key *k)
{
	if (lisp_auth_key_set(slot, k->alg, k->key, strnlen(k->key,
	    sizeof(k->key))) == -1)
		return NULL;
	return slot;
}

struct xc_map_server {
	struct ipaddr	addr;
	struct xc_key	key;
	bool		proxy_reply;	/* ask the MS to answer for us (P) */
	bool		merge;		/* merge with other xTRs' RLOCs (a) */
};

struct xc_site {
	char		name[XC_MAX_NAME];
	struct xc_key	key;
	int		neid;
	struct ipprefix	eid[XC_MAX_SITE_EID];
	uint32_t	iid[XC_MAX_SITE_EID];	/* eid[i]'s Instance-ID */
	bool		more_specifics;
	uint32_t	max_registrations;	/* of this site, all xTRs */
	uint32_t	max_more_specifics;	/* inside each eid[] */
};

/* Map-Server caps (issue 15 finding 7): the defaults leave room for a
 * site of 4096 VMs on each of several xTRs and bound the memory of a
 * flood from one key holder (20,000 /128s took 20 MB). */
#define XC_DEF_MS_MAX_REGS		65536
#define XC_DEF_SITE_MAX_REGS		16384
#define XC_DEF_SITE_MAX_MORE_SPECIFICS	8192

struct xtr_conf {
	int			roles;
	int			nrloc;
	struct ipaddr		rloc[XC_MAX_RLOC];
	int			ndb;
	struct xc_mapping	db[XC_MAX_DB];
	int			nms;
	struct xc_map_server	ms[XC_MAX_MS];
	int			nmr;
	struct ipaddr		mr[XC_MAX_MR];
	int			npxtr;
	struct ipaddr		pxtr[XC_MAX_PXTR];
	int			nsite;
	struct xc_site		site[XC_MAX_SITE];
	char			control_socket[XC_PATH_MAX];
	char			state_dir[XC_PATH_MAX];	/* "": none */
	uint32_t		ms_max_registrations;	/* all sites */
	bool			move_consent;	/* MS: a move needs the holder */
	uint32_t		register_interval;	/* s (RFC 9301: 60) */
	uint32_t		registration_timeout;	/* s, MS (§8.2: 180) */
	uint32_t		register_retry;		/* ms, first retransmit */
	uint32_t		map_request_retry;	/* ms, first retransmit */
	uint32_t		map_request_retry_max;	/* ms, backoff cap */
	uint32_t		map_request_retries;
	uint32_t		rate_limit;		/* ms per destination */
	uint32_t		negative_ttl;		/* minutes */
	uint32_t		map_cache_ttl_max;	/* minutes */
	uint32_t		map_reply_min_plen4;	/* itr_scope.h */
	uint32_t		map_reply_min_plen6;
	bool			subscribe;	/* RFC 9437 pub/sub as ITR */
	int			lisp_sec;	/* LISPSEC_* */
	char			lisp_sec_key[XC_MAX_KEY]; /* ITR/MR PSK, "" */
	bool			mobility_notify; /* MS: tell the old xTR */
	bool			away_entries;	/* xTR: redirect after a move */
	bool			api_tcp_set;	/* API over TCP too (off) */
	struct ipaddr		api_tcp_addr;
	uint16_t		api_tcp_port;
	/* issue 16, finding 4: api_tcp needs a token, read from this file
	 * (xc_load_token) and sent as "Authorization: Bearer TOKEN" */
	char			api_token_file[XC_PATH_MAX];
	int			api_token_line;	/* its line, for errors */
	char			api_token[XC_MAX_KEY];
	/* issue 16, finding 5: who xtrd runs as after the start-up */
	char			control_socket_group[33];	/* "": root only */
	char			user[33];
	bool			user_set;
	int			user_line;
	int			group_line;	/* control_socket_group's */
	/* issue 16, finding 8: away entries and the xTR-ID across restarts */
	char			own_state_dir[XC_PATH_MAX];	/* xtrd.state's dir */
	bool			xtr_id_set;
	uint8_t			xtr_id[LISP_XTR_ID_LEN];
	uint64_t		site_id;
	struct dp_conf		dp;		/* data plane (dp_conf.h) */
};

void	xc_defaults(struct xtr_conf *);
/* Whole file: 0, or the number of errors (reported to cp->errf), or -1 if
 * the file cannot be read (errno set). */
int	xc_load(const char *path, struct xtr_conf *, FILE *errf);
/* The API token of api_token_file into c->api_token; errors as
 * "path:line: message 'token'" on errf.  0, or the number of errors. */
int	xc_load_token(const char *path, struct xtr_conf *, FILE *errf);
/* A site key or token too weak to keep (issue 16, finding 6). */
bool	xc_key_weak(const char *);
/* a is one of this xTR's own RLOCs (`rlocs`); inline, so that every room
 * and the units tested alone share it without linking the parser */
static inline bool
xc_has_rloc(const struct xtr_conf *c, const struct ipaddr *a)
{
	int	i;

	for (i = 0; i < c->nrloc; i++)
		if (ipaddr_cmp(&c->rloc[i], a) == 0)
			return true;
	return false;
}
int	xc_load_text(const char *name, const char *text, size_t len,
	    struct xtr_conf *, FILE *errf);
void	xc_print(FILE *, const struct xtr_conf *);
/* The key table of xtrd.conf (the data plane's is dp_conf_keys[]). */
const struct cfg_key *xc_key_table(size_t *n);
/* `xtrd -n`: the authentication each Map-Server and site will use. */
void	xc_print_auth(FILE *, const struct xtr_conf *);

const char *xc_alg_name(uint8_t alg);
const char *xc_role_name(int roles);
const char *xc_lisp_sec_name(int);
/* "10.1.0.0/24,priority=1,weight=100,ttl=1440" -> mapping; 0 or -1 with
 * *bad set to the offending part. Also used by the API. */
int	xc_parse_mapping(const char *spec, struct xc_mapping *, char *bad,
	    size_t badlen);

#endif

/* config.c: xtrd.conf parser and printer, see config.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

#define DEF_SOCKET	"/run/xtrd/xtrd.sock"
#define DEF_USER	"xtrd"

struct item_ctx {
	struct cfg_parser	*cp;
	struct cfg_line		*l;
	struct xtr_conf		*c;
};

typedef int (*item_fn)(struct item_ctx *, const char *val);

struct key_def {
	const char	*name;
	bool		 list;
	item_fn		 fn;
};

void
xc_defaults(struct xtr_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->roles = ROLE_XTR;
	snprintf(c->control_socket, sizeof(c->control_socket), "%s",
	    DEF_SOCKET);
	snprintf(c->user, sizeof(c->user), "%s", DEF_USER);
	c->register_interval = 60;	/* RFC 9301 §8.2: every 60 s */
	/* RFC 9301 §8.2: "A Map-Server SHOULD time out and remove an ETR's
	 * registration if it has not received a valid Map-Register message
	 * within the past three minutes." */
	c->registration_timeout = 180;
	c->register_retry = 1000;
	c->map_request_retry = 1000;
	c->map_request_retry_max = 8000;
	c->map_request_retries = 3;
	c->rate_limit = 1000;		/* RFC 9301 §5.3: 1 per second */
	c->negative_ttl = 15;		/* RFC 9301 §8.3: 15 minutes */
	c->map_cache_ttl_max = 1440;	/* a day, what our ETRs register */
	c->map_reply_min_plen4 = 16;	/* itr_scope.h */
	c->map_reply_min_plen6 = 32;
	c->mobility_notify = true;	/* draft-ietf-lisp-eid-mobility */
	c->away_entries = true;
	/* RFC 9303: optional, so that peers without LISP-SEC (issue 17's
	 * open-source xTR) keep working, while a reply that carries LISP-SEC
	 * is checked; with no lisp_sec_key nothing changes on the wire */
	c->lisp_sec = LISPSEC_OPTIONAL;
	c->ms_max_registrations = XC_DEF_MS_MAX_REGS;
	c->move_consent = true;
	dp_conf_defaults(&c->dp);
}

const char *
xc_lisp_sec_name(int v)
{
	switch (v) {
	case LISPSEC_OFF:	return "off";
	case LISPSEC_REQUIRED:	return "required";
	default:		return "optional";
	}
}

const char *
xc_alg_name(uint8_t alg)
{
	switch (alg) {
	case LISP_AUTH_HMAC_SHA1:	return "hmac-sha1";
	case LISP_AUTH_HMAC_SHA256:	return "hmac-sha256";
	case LISP_AUTH_HMAC_SHA256_HKDF: return "hmac-sha256-hkdf";
	default:			return "none";
	}
}

const char *
xc_role_name(int roles)
{
	switch (roles) {
	case ROLE_XTR:		return "xtr";
	case ROLE_MS:		return "ms";
	default:		return "both";
	}
}

/* --- "a,k=v,k=v" specs ------------------------------------------------- */

/* Split spec in place at ',' into parts; returns count or -1. */
static int
split_spec(char *s, char **part, int max)
{
	int	n = 0;

	for (;;) {
		if (n == max)
			return -1;
		part[n++] = s;
		if ((s = strchr(s, ',')) == NULL)
			break;
		*s++ = '\0';
	}
	return n;
}

static const char *
kv(char *part, const char *key)
{
	size_t	n = strlen(key);

	if (strncmp(part, key, n) == 0 && part[n] == '=')
		return part + n + 1;
	return NULL;
}

static int
set_bad(char *bad, size_t badlen, const char *what)
{
	if (bad != NULL)
		snprintf(bad, badlen, "%s", what);
	return -1;
}

static int
parse_u(const char *s, unsigned long max, uint32_t *out)
{
	unsigned long	v;

	if (cfg_uint(s, 0, max, &v) == -1)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int
xc_parse_mapping(const char *spec, struct xc_mapping *m, char *bad,
    size_t badlen)
{
	char		 buf[256];
	char		*part[8];
	const char	*v;
	uint32_t	 u;
	int		 n, i;

	memset(m, 0, sizeof(*m));
	m->priority = 1;
	m->weight = 100;
	m->ttl = 1440;
	if (strlen(spec) >= sizeof(buf))
		return set_bad(bad, badlen, spec);
	strcpy(buf, spec);
	if ((n = split_spec(buf, part, 8)) == -1)
		return set_bad(bad, badlen, spec);
	for (i = 0; i < n; i++) {
		if (i == 0 && strchr(part[i], '=') == NULL)
			v = part[i];
		else
			v = kv(part[i], "eid");
		if (v != NULL) {
			struct ipprefix	 chk;

			if (ipprefix_parse(v, &m->eid) == -1)
				return set_bad(bad, badlen, part[i]);
			chk = m->eid;
			ipprefix_mask(&chk);
			if (ipprefix_cmp(&chk, &m->eid) != 0)
				return set_bad(bad, badlen, part[i]);
		} else if ((v = kv(part[i], "priority")) != NULL) {
			if (parse_u(v, 255, &u) == -1)
				return set_bad(bad, badlen, part[i]);
			m->priority = (uint8_t)u;
		} else if ((v = kv(part[i], "weight")) != NULL) {
			if (parse_u(v, 255, &u) == -1)
				return set_bad(bad, badlen, part[i]);
			m->weight = (uint8_t)u;
		} else if ((v = kv(part[i], "ttl")) != NULL) {
			/* RFC 9301 §5.4: Record TTL, minutes */
			if (parse_u(v, 0xffffffffUL, &u) == -1)
				return set_bad(bad, badlen, part[i]);
			m->ttl = u;
		} else
			return set_bad(bad, badlen, part[i]);
	}
	if (m->eid.addr.af == AF_UNSPEC)
		return set_bad(bad, badlen, spec);
	return 0;
}

static int
parse_key_part(struct xc_key *k, char *part, bool *handled)
{
	const char	*v;
	uint32_t	 u;

	*handled = true;
	if ((v = kv(part, "key")) != NULL) {
		if (*v == '\0' || strlen(v) >= sizeof(k->key) ||
		    strpbrk(v, "'\"") != NULL)
			return -1;
		strcpy(k->key, v);
	} else if ((v = kv(part, "alg")) != NULL) {
		if (strcmp(v, "hmac-sha1") == 0)
			k->alg = LISP_AUTH_HMAC_SHA1;
		else if (strcmp(v, "hmac-sha256") == 0)
			k->alg = LISP_AUTH_HMAC_SHA256;
		else if (strcmp(v, "hmac-sha256-hkdf") == 0)	/* RFC 9301 §5.6 */
			k->alg = LISP_AUTH_HMAC_SHA256_HKDF;
		else
			return -1;
		k->alg_set = true;
	} else if ((v = kv(part, "key_id")) != NULL) {
		if (parse_u(v, 255, &u) == -1)
			return -1;
		k->key_id = (uint8_t)u;
	} else
		*handled = false;
	return 0;
}

/*
 * Issue 16, finding 6: a Map-Register's only secret is its site key and
 * its HMAC covers text an eavesdropper reads (RFC 9301 §5.6), so one
 * capture lets anyone search the key offline: a short key, or one of few
 * different characters, falls fast.  The weak key is refused with the
 * map-server's address or the site's name, never the key itself.
 */
bool
xc_key_weak(const char *k)
{
	bool		 seen[256] = { false };
	const char	*p;
	size_t		 n = 0;

	for (p = k; *p != '\0'; p++)
		if (!seen[(unsigned char)*p]) {
			seen[(unsigned char)*p] = true;
			n++;
		}
	return strlen(k) < XC_MIN_KEY || n < XC_MIN_KEY_CHARS;
}

#define KEY_WEAK_MSG(what) what " key shorter than 16 bytes or with fewer "\
	"than 8 different characters (make one with: openssl rand -base64 "\
	"32) for"

/* --- one function per key ------------------------------------------------ */

static int
ic_err(struct item_ctx *ic, const char *tok, const char *msg)
{
	return cfg_error(ic->cp, ic->l, tok, "%s", msg);
}

static int
add_addr(struct item_ctx *ic, const char *val, struct ipaddr *arr, int *n,
    int max, const char *what)
{
	struct ipaddr	a;
	int		i;

	if (ipaddr_parse(val, &a) == -1) {
		char msg[64];

		snprintf(msg, sizeof(msg), "bad %s address", what);
		return ic_err(ic, val, msg);
	}
	for (i = 0; i < *n; i++)
		if (ipaddr_cmp(&arr[i], &a) == 0)
			return ic_err(ic, val, "duplicate address");
	if (*n == max)
		return ic_err(ic, val, "too many addresses");
	arr[(*n)++] = a;
	return 0;
}

static int
k_role(struct item_ctx *ic, const char *v)
{
	if (strcmp(v, "xtr") == 0)
		ic->c->roles = ROLE_XTR;
	else if (strcmp(v, "ms") == 0)
		ic->c->roles = ROLE_MS;
	else if (strcmp(v, "both") == 0)
		ic->c->roles = ROLE_XTR | ROLE_MS;
	else
		return ic_err(ic, v, "role must be xtr, ms or both, not");
	return 0;
}

static int
k_rlocs(struct item_ctx *ic, const char *v)
{
	return add_addr(ic, v, ic->c->rloc, &ic->c->nrloc, XC_MAX_RLOC,
	    "RLOC");
}

static int
k_map_resolvers(struct item_ctx *ic, const char *v)
{
	return add_addr(ic, v, ic->c->mr, &ic->c->nmr, XC_MAX_MR,
	    "map-resolver");
}

static int
k_proxy_itrs(struct item_ctx *ic, const char *v)
{
	return add_addr(ic, v, ic->c->pxtr, &ic->c->npxtr, XC_MAX_PXTR,
	    "proxy-ITR");
}

static int
k_database(struct item_ctx *ic, const char *v)
{
	struct xtr_conf		*c = ic->c;
	struct xc_mapping	 m;
	char			 bad[256];
	int			 i;

	if (xc_parse_mapping(v, &m, bad, sizeof(bad)) == -1)
		return ic_err(ic, bad, "bad database mapping at");
	for (i = 0; i < c->ndb; i++)
		if (ipprefix_cmp(&c->db[i].eid, &m.eid) == 0)
			return ic_err(ic, v, "duplicate database EID");
	if (c->ndb == XC_MAX_DB)
		return ic_err(ic, v, "too many database mappings");
	c->db[c->ndb++] = m;
	return 0;
}

static int
k_map_servers(struct item_ctx *ic, const char *v)
{
	struct xtr_conf		*c = ic->c;
	struct xc_map_server	 ms;
	char			 buf[256], *part[8];
	const char		*x;
	bool			 handled;
	int			 n, i, b;

	memset(&ms, 0, sizeof(ms));
	ms.key.alg = LISP_AUTH_HMAC_SHA256;
	if (strlen(v) >= sizeof(buf))
		return ic_err(ic, v, "map-server spec too long");
	strcpy(buf, v);
	if ((n = split_spec(buf, part, 8)) == -1)
		return ic_err(ic, v, "too many map-server options");
	for (i = 0; i < n; i++) {
		if (i == 0 && strchr(part[i], '=') == NULL)
			x = part[i];
		else
			x = kv(part[i], "addr");
		if (x != NULL) {
			if (ipaddr_parse(x, &ms.addr) == -1)
				return ic_err(ic, x, "bad map-server address");
			continue;
		}
		if (parse_key_part(&ms.key, part[i], &handled) == -1)
			return ic_err(ic, part[i], "bad map-server option");
		if (handled)
			continue;
		if ((x = kv(part[i], "proxy_reply")) != NULL &&
		    cfg_bool(x, &b) == 0) {
			ms.proxy_reply = b;
			continue;
		}
		if ((x = kv(part[i], "merge")) != NULL &&
		    cfg_bool(x, &b) == 0) {
			ms.merge = b;
			continue;
		}
		return ic_err(ic, part[i], "unknown map-server option");
	}
	if (ms.addr.af == AF_UNSPEC)
		return ic_err(ic, v, "map-server without address");
	if (ms.key.key[0] == '\0')
		return ic_err(ic, v, "map-server without key");
	if (xc_key_weak(ms.key.key))
		return ic_err(ic, part[0], KEY_WEAK_MSG("map-server"));
	for (i = 0; i < c->nms; i++)
		if (ipaddr_cmp(&c->ms[i].addr, &ms.addr) == 0)
			return ic_err(ic, x = part[0], "duplicate map-server");
	if (c->nms == XC_MAX_MS)
		return ic_err(ic, v, "too many map-servers");
	c->ms[c->nms++] = ms;
	return 0;
}

/* A site prefix "[IID]PREFIX" (RFC 8060 §4.1 Instance-ID, 24 bits as
 * instance_id; the form lig and other LISP implementations print), a bare
 * PREFIX in Instance-ID 0.  0, or -1 when the IID is bad. */
static int
site_eid_iid(const char **s, uint32_t *iid)
{
	char		*end;
	unsigned long	 u;

	*iid = 0;
	if (**s != '[')
		return 0;
	errno = 0;
	u = strtoul(*s + 1, &end, 10);
	if (end == *s + 1 || *end != ']' || errno != 0 || u > 0xffffff ||
	    (*s)[1] == '-' || (*s)[1] == '+' || (*s)[1] == ' ')
		return -1;
	*iid = (uint32_t)u;
	*s = end + 1;
	return 0;
}

static int
site_part(struct item_ctx *ic, struct xc_site *s, char *part)
{
	const char	*x;
	bool		 handled;
	unsigned long	 u;
	int		 b;

	if ((x = kv(part, "name")) != NULL) {
		if (*x == '\0' || strlen(x) >= sizeof(s->name))
			return ic_err(ic, part, "bad site name");
		strcpy(s->name, x);
	} else if ((x = kv(part, "eid")) != NULL) {
		struct ipprefix	p, chk;
		uint32_t	iid;

		if (site_eid_iid(&x, &iid) == -1)
			return ic_err(ic, x, "bad site Instance-ID (0-16777215)");
		if (ipprefix_parse(x, &p) == -1)
			return ic_err(ic, x, "bad site EID prefix");
		chk = p;
		ipprefix_mask(&chk);
		if (ipprefix_cmp(&chk, &p) != 0)
			return ic_err(ic, x, "site EID prefix has host bits");
		if (s->neid == XC_MAX_SITE_EID)
			return ic_err(ic, x, "too many site EID prefixes");
		s->iid[s->neid] = iid;
		s->eid[s->neid++] = p;
	} else if ((x = kv(part, "more_specifics")) != NULL) {
		if (cfg_bool(x, &b) == -1)
			return ic_err(ic, part, "bad boolean");
		s->more_specifics = b;
	} else if ((x = kv(part, "max_registrations")) != NULL) {
		if (cfg_uint(x, 1, 10000000, &u) == -1)
			return ic_err(ic, part, "max_registrations must be in "
			    "[1, 10000000], not");
		s->max_registrations = (uint32_t)u;
	} else if ((x = kv(part, "max_more_specifics")) != NULL) {
		if (cfg_uint(x, 0, 10000000, &u) == -1)
			return ic_err(ic, part, "max_more_specifics must be in "
			    "[0, 10000000], not");
		s->max_more_specifics = (uint32_t)u;
	} else {
		if (parse_key_part(&s->key, part, &handled) == -1)
			return ic_err(ic, part, "bad site option");
		if (!handled)
			return ic_err(ic, part, "unknown site option");
	}
	return 0;
}

static int
k_sites(struct item_ctx *ic, const char *v)
{
	struct xtr_conf	*c = ic->c;
	struct xc_site	 s;
	char		 buf[1024], *part[40];
	int		 n, i;

	memset(&s, 0, sizeof(s));
	s.key.alg = LISP_AUTH_HMAC_SHA256;
	s.max_registrations = XC_DEF_SITE_MAX_REGS;
	s.max_more_specifics = XC_DEF_SITE_MAX_MORE_SPECIFICS;
	if (strlen(v) >= sizeof(buf))
		return ic_err(ic, v, "site spec too long");
	strcpy(buf, v);
	if ((n = split_spec(buf, part, 40)) == -1)
		return ic_err(ic, v, "too many site options");
	for (i = 0; i < n; i++)
		if (site_part(ic, &s, part[i]) == -1)
			return -1;
	if (s.name[0] == '\0')
		return ic_err(ic, v, "site without name");
	if (s.key.key[0] == '\0')
		return ic_err(ic, s.name, "no key for site");
	if (xc_key_weak(s.key.key))
		return ic_err(ic, s.name, KEY_WEAK_MSG("site"));
	if (s.neid == 0)
		return ic_err(ic, s.name, "no eid for site");
	for (i = 0; i < c->nsite; i++)
		if (strcmp(c->site[i].name, s.name) == 0)
			return ic_err(ic, s.name, "duplicate site");
	if (c->nsite == XC_MAX_SITE)
		return ic_err(ic, s.name, "too many sites");
	c->site[c->nsite++] = s;
	return 0;
}

static int
k_control_socket(struct item_ctx *ic, const char *v)
{
	if (v[0] != '/' || strlen(v) >= sizeof(ic->c->control_socket))
		return ic_err(ic, v, "control_socket must be an absolute path "
		    "shorter than 108 bytes, not");
	strcpy(ic->c->control_socket, v);
	return 0;
}

/* Where the nonce floor and the Map-Server's journal are kept. */
static int
k_state_dir(struct item_ctx *ic, const char *v)
{
	/* the longest name inside: "/ms.journal.new" */
	if (v[0] != '/' || strlen(v) + 16 >= sizeof(ic->c->state_dir))
		return ic_err(ic, v, "state_dir must be an absolute path "
		    "shorter than 92 bytes, not");
	strcpy(ic->c->state_dir, v);
	return 0;
}

/* MS: an EID another xTR holds moves only with its consent (its release,
 * its withdrawal) or once it stopped refreshing. */
static int
k_move_consent(struct item_ctx *ic, const char *v)
{
	int	b;

	if (cfg_bool(v, &b) == -1)
		return ic_err(ic, v, "move_consent must be yes or no, not");
	ic->c->move_consent = b;
	return 0;
}

#define UINT_KEY(fn, field, lo, hi)					\
static int								\
fn(struct item_ctx *ic, const char *v)					\
{									\
	unsigned long	 x;						\
									\
	if (cfg_uint(v, lo, hi, &x) == -1)				\
		return ic_err(ic, v, "expected a number in [" #lo ", "	\
		    #hi "], not");					\
	ic->c->field = (uint32_t)x;					\
	return 0;							\
}
UINT_KEY(k_register_interval, register_interval, 1, 3600)
UINT_KEY(k_registration_timeout, registration_timeout, 1, 86400)
UINT_KEY(k_register_retry, register_retry, 10, 60000)
UINT_KEY(k_map_request_retry, map_request_retry, 10, 60000)
UINT_KEY(k_map_request_retry_max, map_request_retry_max, 10, 600000)
UINT_KEY(k_map_request_retries, map_request_retries, 0, 10)
UINT_KEY(k_negative_ttl, negative_ttl, 0, 1440)
UINT_KEY(k_map_cache_ttl_max, map_cache_ttl_max, 1, 525600)
UINT_KEY(k_map_reply_min_plen4, map_reply_min_plen4, 0, 32)
UINT_KEY(k_map_reply_min_plen6, map_reply_min_plen6, 0, 128)
UINT_KEY(k_ms_max_registrations, ms_max_registrations, 1, 10000000)

/* RFC 9301 §5.3: "Map-Requests MUST be rate limited to 1 per second per
 * EID-Prefix": rate_limit paces them (retransmissions included), so no
 * value under 1000 ms */
static int
k_rate_limit(struct item_ctx *ic, const char *v)
{
	unsigned long	 x;

	if (cfg_uint(v, 0, 60000, &x) == -1)
		return ic_err(ic, v, "expected a number in [1000, 60000], not");
	if (x < 1000)
		return ic_err(ic, v, "rate_limit must be at least 1000 ms (RFC "
		    "9301 §5.3: one Map-Request per second per EID-Prefix), not");
	ic->c->rate_limit = (uint32_t)x;
	return 0;
}

static int
k_xtr_id(struct item_ctx *ic, const char *v)
{
	int	i;

	if (strlen(v) != 2 * LISP_XTR_ID_LEN)
		return ic_err(ic, v, "xtr_id must be 32 hex digits, not");
	for (i = 0; i < LISP_XTR_ID_LEN; i++) {
		char		 h[3] = { v[2 * i], v[2 * i + 1], 0 };
		char		*end;
		unsigned long	 b = strtoul(h, &end, 16);

		if (*end != '\0' || h[0] == '+' || h[0] == '-' ||
		    h[0] == ' ')
			return ic_err(ic, v, "xtr_id must be 32 hex digits, "
			    "not");
		ic->c->xtr_id[i] = (uint8_t)b;
	}
	ic->c->xtr_id_set = true;
	return 0;
}

static int
k_site_id(struct item_ctx *ic, const char *v)
{
	char			*end;
	unsigned long long	 x;

	errno = 0;
	if (*v < '0' || *v > '9' ||
	    (x = strtoull(v, &end, 10), errno != 0 || *end != '\0'))
		return ic_err(ic, v, "bad site_id");
	ic->c->site_id = x;
	return 0;
}

/* data-plane keys: parsed by dp_conf.c */
#define DP_KEY(fn, name)						\
static int fn(struct item_ctx *ic, const char *v)			\
{ return dp_conf_key(ic->cp, ic->l, &ic->c->dp, name, v); }
DP_KEY(k_data_plane, "data_plane")
DP_KEY(k_tun_name, "tun_name")
DP_KEY(k_underlay_mtu, "underlay_mtu")
DP_KEY(k_tun_mtu, "tun_mtu")
DP_KEY(k_site_interface, "site_interface")
DP_KEY(k_eid_space, "eid_space")
DP_KEY(k_anycast_gateway, "anycast_gateway")
DP_KEY(k_anycast_mac, "anycast_mac")
DP_KEY(k_decap_check, "decap_check")
DP_KEY(k_public_internet, "public_internet")
DP_KEY(k_decap_peers, "decap_peers")
DP_KEY(k_pxtr_allow, "pxtr_allow")
DP_KEY(k_miss_queue_prefix, "miss_queue_prefix")
DP_KEY(k_miss_queue_total, "miss_queue_total")
DP_KEY(k_away_timeout, "away_timeout")
DP_KEY(k_proxy_etrs, "proxy_etrs")
DP_KEY(k_pxtr, "pxtr")
DP_KEY(k_instance_id, "instance_id")
DP_KEY(k_tun_offload, "tun_offload")
DP_KEY(k_rt_priority, "rt_priority")
DP_KEY(k_hold_eid_packets, "hold_eid_packets")
DP_KEY(k_hold_eid_bytes, "hold_eid_bytes")
DP_KEY(k_hold_total_packets, "hold_total_packets")
DP_KEY(k_hold_total_bytes, "hold_total_bytes")
DP_KEY(k_hold_timeout, "hold_timeout")
DP_KEY(k_hold_release_pps, "hold_release_pps")

static int
k_subscribe(struct item_ctx *ic, const char *v)
{
	int	b;

	if (cfg_bool(v, &b) == -1)
		return ic_err(ic, v, "subscribe must be yes or no, not");
	ic->c->subscribe = b;
	return 0;
}

/* MS: Map-Notify the xTR that held an EID another xTR now registers
 * (draft-ietf-lisp-eid-mobility); no: the old site learns nothing. */
static int
k_mobility_notify(struct item_ctx *ic, const char *v)
{
	int	b;

	if (cfg_bool(v, &b) == -1)
		return ic_err(ic, v, "mobility_notify must be yes or no, not");
	ic->c->mobility_notify = b;
	return 0;
}

/* xTR: keep an away entry (redirect and SMR stragglers) for an EID that
 * moved (database/remove with moved_to, or a mobility Map-Notify). */
static int
k_away_entries(struct item_ctx *ic, const char *v)
{
	int	b;

	if (cfg_bool(v, &b) == -1)
		return ic_err(ic, v, "away_entries must be yes or no, not");
	ic->c->away_entries = b;
	return 0;
}

/* RFC 9303 LISP-SEC: required | optional | off */
static int
k_lisp_sec(struct item_ctx *ic, const char *v)
{
	if (strcmp(v, "required") == 0)
		ic->c->lisp_sec = LISPSEC_REQUIRED;
	else if (strcmp(v, "optional") == 0)
		ic->c->lisp_sec = LISPSEC_OPTIONAL;
	else if (strcmp(v, "off") == 0)
		ic->c->lisp_sec = LISPSEC_OFF;
	else
		return ic_err(ic, v, "lisp_sec must be required, optional or "
		    "off, not");
	return 0;
}

/* RFC 9303 §6.5: the pre-shared secret of the ITRs and the Map-Resolver
 * that wraps the ITR-OTK (Key ID 0) */
static int
k_lisp_sec_key(struct item_ctx *ic, const char *v)
{
	if (*v == '\0' || strlen(v) >= sizeof(ic->c->lisp_sec_key))
		return ic_err(ic, v, "lisp_sec_key must be 1 to 127 bytes, "
		    "not");
	strcpy(ic->c->lisp_sec_key, v);
	return 0;
}

static bool
is_loopback(const struct ipaddr *a)
{
	static const uint8_t	v6lo[16] = { [15] = 1 };

	if (a->af == AF_INET)
		return a->a[0] == 127;
	return a->af == AF_INET6 && memcmp(a->a, v6lo, 16) == 0;
}

/* "192.0.2.1:8080" or "[2001:db8::1]:8080" */
static int
k_api_tcp(struct item_ctx *ic, const char *v)
{
	char		 buf[IPADDR_STRLEN + 8], *colon, *host = buf;
	unsigned long	 port;

	if (strlen(v) >= sizeof(buf))
		return ic_err(ic, v, "api_tcp must be ADDR:PORT, not");
	strcpy(buf, v);
	if ((colon = strrchr(buf, ':')) == NULL)
		return ic_err(ic, v, "api_tcp must be ADDR:PORT, not");
	*colon++ = '\0';
	if (buf[0] == '[') {
		size_t n = strlen(buf);

		if (n < 2 || buf[n - 1] != ']')
			return ic_err(ic, v, "api_tcp must be ADDR:PORT, not");
		buf[n - 1] = '\0';
		host++;
	}
	if (ipaddr_parse(host, &ic->c->api_tcp_addr) == -1 ||
	    (ic->c->api_tcp_addr.af == AF_INET6 && host == buf) ||
	    cfg_uint(colon, 1, 65535, &port) == -1)
		return ic_err(ic, v, "api_tcp must be ADDR:PORT, not");
	/* issue 16, finding 4: the API speaks plain HTTP and can add any
	 * EID to what we register: never on an address others reach (use
	 * ssh -L from elsewhere) */
	if (!is_loopback(&ic->c->api_tcp_addr))
		return ic_err(ic, v, "api_tcp must be a loopback address "
		    "(127.0.0.0/8 or ::1: the API has no TLS), not");
	ic->c->api_tcp_port = (uint16_t)port;
	ic->c->api_tcp_set = true;
	return 0;
}

static int
k_api_token_file(struct item_ctx *ic, const char *v)
{
	if (v[0] != '/' || strlen(v) >= sizeof(ic->c->api_token_file))
		return ic_err(ic, v, "api_token_file must be an absolute path "
		    "shorter than 108 bytes, not");
	strcpy(ic->c->api_token_file, v);
	ic->c->api_token_line = ic->l->lineno;
	return 0;
}

/* a user name as useradd takes it; "" or "root": stay uid 0 */
/* a user or group name as useradd/groupadd take it */
static bool
bad_name(const char *v, size_t max)
{
	if (strlen(v) >= max || *v == '-')
		return true;
	return strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789_.-") != strlen(v);
}

/* the group that may use the control socket (migrated's), mode 0660 */
static int
k_control_socket_group(struct item_ctx *ic, const char *v)
{
	if (*v == '\0' || bad_name(v, sizeof(ic->c->control_socket_group)))
		return ic_err(ic, v, "control_socket_group must be a group "
		    "name, not");
	strcpy(ic->c->control_socket_group, v);
	ic->c->group_line = ic->l->lineno;
	return 0;
}

static int
k_user(struct item_ctx *ic, const char *v)
{
	if (bad_name(v, sizeof(ic->c->user)))
		return ic_err(ic, v, "user must be a user name, not");
	strcpy(ic->c->user, v);
	ic->c->user_set = true;
	ic->c->user_line = ic->l->lineno;
	return 0;
}

static const struct key_def keys[] = {
	{ "role",		false,	k_role },
	{ "rlocs",		true,	k_rlocs },
	{ "database",		true,	k_database },
	{ "map_servers",	true,	k_map_servers },
	{ "map_resolvers",	true,	k_map_resolvers },
	{ "proxy_itrs",		true,	k_proxy_itrs },
	{ "sites",		true,	k_sites },
	{ "control_socket",	false,	k_control_socket },
	{ "state_dir",		false,	k_state_dir },
	{ "ms_max_registrations", false, k_ms_max_registrations },
	{ "move_consent",	false,	k_move_consent },
	{ "register_interval",	false,	k_register_interval },
	{ "registration_timeout", false, k_registration_timeout },
	{ "register_retry",	false,	k_register_retry },
	{ "map_request_retry",	false,	k_map_request_retry },
	{ "map_request_retry_max", false, k_map_request_retry_max },
	{ "map_request_retries", false,	k_map_request_retries },
	{ "rate_limit",		false,	k_rate_limit },
	{ "negative_ttl",	false,	k_negative_ttl },
	{ "map_cache_ttl_max",	false,	k_map_cache_ttl_max },
	{ "map_reply_min_plen4", false,	k_map_reply_min_plen4 },
	{ "map_reply_min_plen6", false,	k_map_reply_min_plen6 },
	{ "xtr_id",		false,	k_xtr_id },
	{ "site_id",		false,	k_site_id },
	{ "subscribe",		false,	k_subscribe },
	{ "lisp_sec",		false,	k_lisp_sec },
	{ "lisp_sec_key",	false,	k_lisp_sec_key },
	{ "mobility_notify",	false,	k_mobility_notify },
	{ "away_entries",	false,	k_away_entries },
	{ "api_tcp",		false,	k_api_tcp },
	{ "api_token_file",	false,	k_api_token_file },
	{ "user",		false,	k_user },
	{ "control_socket_group", false, k_control_socket_group },
	{ "data_plane",		false,	k_data_plane },
	{ "tun_name",		false,	k_tun_name },
	{ "underlay_mtu",	false,	k_underlay_mtu },
	{ "tun_mtu",		false,	k_tun_mtu },
	{ "site_interface",	false,	k_site_interface },
	{ "eid_space",		true,	k_eid_space },
	{ "anycast_gateway",	true,	k_anycast_gateway },
	{ "anycast_mac",	false,	k_anycast_mac },
	{ "miss_queue_prefix",	false,	k_miss_queue_prefix },
	{ "miss_queue_total",	false,	k_miss_queue_total },
	{ "away_timeout",	false,	k_away_timeout },
	{ "proxy_etrs",		true,	k_proxy_etrs },
	{ "pxtr",		false,	k_pxtr },
	{ "instance_id",	false,	k_instance_id },
	{ "tun_offload",	false,	k_tun_offload },
	{ "rt_priority",	false,	k_rt_priority },
	{ "decap_check",	false,	k_decap_check },
	{ "public_internet",	false,	k_public_internet },
	{ "decap_peers",	true,	k_decap_peers },
	{ "pxtr_allow",		true,	k_pxtr_allow },
	{ "hold_eid_packets",	false,	k_hold_eid_packets },
	{ "hold_eid_bytes",	false,	k_hold_eid_bytes },
	{ "hold_total_packets",	false,	k_hold_total_packets },
	{ "hold_total_bytes",	false,	k_hold_total_bytes },
	{ "hold_timeout",	false,	k_hold_timeout },
	{ "hold_release_pps",	false,	k_hold_release_pps },
};
#define NKEYS	(sizeof(keys) / sizeof(keys[0]))
_Static_assert(sizeof(keys) / sizeof(keys[0]) <= 64,
    "xc_parse.seen and key_line hold 64 keys");

static const struct key_def *
find_key(const char *name, int *idx)
{
	size_t	i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].name, name) == 0) {
			*idx = (int)i;
			return &keys[i];
		}
	return NULL;
}

void
xc_init(struct xc_parse *xp, struct xtr_conf *c)
{
	memset(xp, 0, sizeof(*xp));
	xp->conf = c;
	xc_defaults(c);
}

/* Consume list tokens from tok[i]; returns 0 (list still open), 1 (closed
 * and nothing follows) or -1.  xp->list_comma: an item was just read, so
 * ',' or ']' must come next (kept across lines). */
static int
list_tokens(struct item_ctx *ic, struct xc_parse *xp, const struct key_def *k,
    int i)
{
	struct cfg_line	*l = ic->l;

	for (; i < l->ntok; i++) {
		const char *t = l->tok[i];

		if (!l->quoted[i] && strcmp(t, "]") == 0) {
			xp->list_key[0] = '\0';
			if (i + 1 < l->ntok)
				return cfg_error(ic->cp, l, l->tok[i + 1],
				    "unexpected after ']':");
			return 1;
		}
		if (!l->quoted[i] && strcmp(t, ",") == 0) {
			if (!xp->list_comma)
				return cfg_error(ic->cp, l, t,
				    "empty list element at");
			xp->list_comma = false;
			continue;
		}
		if (!l->quoted[i] && (strcmp(t, "=") == 0 ||
		    strcmp(t, "[") == 0))
			return cfg_error(ic->cp, l, t, "unexpected");
		if (xp->list_comma)
			return cfg_error(ic->cp, l, t, "missing ',' before");
		if (*t == '\0')
			return cfg_error(ic->cp, l, t, "empty list element");
		if (k->fn(ic, t) == -1)
			return -1;
		xp->list_items++;
		xp->list_comma = true;
	}
	return 0;
}

/* After an error inside a list: the list ends if this line closes it,
 * else it goes on with the next line (one bad item, one error). */
static void
list_recover(struct xc_parse *xp, const struct cfg_line *l, int from)
{
	int	i;

	xp->list_comma = false;
	for (i = from; i < l->ntok; i++)
		if (!l->quoted[i] && strcmp(l->tok[i], "]") == 0)
			xp->list_key[0] = '\0';
}

int
xc_parse_line(struct cfg_parser *cp, struct cfg_line *l, void *arg)
{
	struct xc_parse		*xp = arg;
	struct item_ctx		 ic = { cp, l, xp->conf };
	const struct key_def	*k;
	int			 idx, r;

	if (xp->list_key[0] != '\0') {
		k = find_key(xp->list_key, &idx);
		r = list_tokens(&ic, xp, k, 0);
		if (r == -1)
			list_recover(xp, l, 0);
		return r == -1 ? -1 : 0;
	}
	if (l->quoted[0] || (k = find_key(l->tok[0], &idx)) == NULL)
		return cfg_error(cp, l, l->tok[0], "unknown key");
	if (l->ntok < 3 || strcmp(l->tok[1], "=") != 0 || l->quoted[1])
		return cfg_error(cp, l, l->ntok < 2 ? l->tok[0] : l->tok[1],
		    "expected 'key = value' at");
	if (xp->seen & (UINT64_C(1) << idx))
		return cfg_error(cp, l, l->tok[0], "duplicate key");
	xp->seen |= UINT64_C(1) << idx;
	xp->key_line[idx] = l->lineno;
	if (!l->quoted[2] && strcmp(l->tok[2], "[") == 0) {
		if (!k->list)
			return cfg_error(cp, l, l->tok[0],
			    "expected a single value for");
		snprintf(xp->list_key, sizeof(xp->list_key), "%s", k->name);
		xp->list_line = l->lineno;
		xp->list_items = 0;
		xp->list_comma = false;
		r = list_tokens(&ic, xp, k, 3);
		if (r == -1)
			list_recover(xp, l, 3);
		return r == -1 ? -1 : 0;
	}
	if (l->ntok > 3)
		return cfg_error(cp, l, l->tok[3], "unexpected");
	if (!l->quoted[2] && (strcmp(l->tok[2], "]") == 0 ||
	    strcmp(l->tok[2], ",") == 0 || strcmp(l->tok[2], "=") == 0))
		return cfg_error(cp, l, l->tok[2], "unexpected");
	return k->fn(&ic, l->tok[2]);
}

static int
fin_err(struct cfg_parser *cp, struct xc_parse *xp, const char *key,
    const char *tok, const char *msg)
{
	struct cfg_line	l;
	int		idx = -1;

	memset(&l, 0, sizeof(l));
	if (find_key(key, &idx) != NULL)
		l.lineno = xp->key_line[idx];
	return cfg_error(cp, &l, tok, "%s", msg);
}

/* RFC 9303 §6.5: the ITR/Map-Resolver secret MUST be independent of the
 * Map-Server/ETR ones (an ETR knowing it could forge the EID-AD). */
static void
lisp_sec_finish(struct cfg_parser *cp, struct xc_parse *xp)
{
	struct xtr_conf	*c = xp->conf;
	const char	*k = c->lisp_sec_key;
	int		 i;

	if (c->lisp_sec == LISPSEC_REQUIRED && *k == '\0' &&
	    (((c->roles & ROLE_XTR) && c->nmr > 0) || (c->roles & ROLE_MS)))
		fin_err(cp, xp, "lisp_sec", "lisp_sec_key",
		    "lisp_sec = required needs");
	if (*k == '\0')
		return;
	for (i = 0; i < c->nms; i++)
		if (strcmp(c->ms[i].key.key, k) == 0)
			fin_err(cp, xp, "lisp_sec_key", "lisp_sec_key",
			    "must differ from every map_servers key:");
	for (i = 0; i < c->nsite; i++)
		if (strcmp(c->site[i].key.key, k) == 0)
			fin_err(cp, xp, "lisp_sec_key", "lisp_sec_key",
			    "must differ from every sites key:");
}

int
xc_finish(struct cfg_parser *cp, struct xc_parse *xp)
{
	struct xtr_conf	*c = xp->conf;
	int		 i, j, k;

	if (xp->list_key[0] != '\0') {
		struct cfg_line l;

		memset(&l, 0, sizeof(l));
		l.lineno = xp->list_line;
		cfg_error(cp, &l, xp->list_key, "list not closed with ']' "
		    "for");
		xp->list_key[0] = '\0';
	}
	if ((c->roles & ROLE_XTR) && c->nrloc == 0)
		fin_err(cp, xp, "role", "rlocs", "an xTR needs");
	if (!(c->roles & ROLE_XTR) && c->ndb > 0)
		fin_err(cp, xp, "database", "database",
		    "role has no xtr, so no");
	if (!(c->roles & ROLE_MS) && c->nsite > 0)
		fin_err(cp, xp, "sites", "sites", "role has no ms, so no");
	if ((c->roles & ROLE_MS) && c->nsite == 0)
		fin_err(cp, xp, "role", "sites", "a Map-Server needs");
	if (c->ndb > 0 && c->nms == 0)
		fin_err(cp, xp, "database", "map_servers",
		    "database mappings need");
	/* a site EID prefix belongs to one site only */
	for (i = 0; i < c->nsite; i++)
		for (j = i + 1; j < c->nsite; j++)
			for (k = 0; k < c->site[j].neid; k++) {
				int m;

				for (m = 0; m < c->site[i].neid; m++)
					if (ipprefix_cmp(&c->site[i].eid[m],
					    &c->site[j].eid[k]) == 0 &&
					    c->site[i].iid[m] ==
					    c->site[j].iid[k])
						fin_err(cp, xp, "sites",
						    c->site[j].name,
						    "EID prefix given to two "
						    "sites, second is");
			}
	/* issue 16, finding 8: xtrd.state (xTR-ID, away entries) in
	 * state_dir, else in a directory beside the control socket:
	 * /run/xtrd/xtrd.sock -> /run/xtrd/xtrd.state.d/ (a test's
	 * $RUN/a.sock -> $RUN/a.state.d/) */
	if (c->state_dir[0] != '\0')
		snprintf(c->own_state_dir, sizeof(c->own_state_dir), "%s",
		    c->state_dir);
	else {
		size_t n = strlen(c->control_socket);

		if (n > 5 && strcmp(c->control_socket + n - 5, ".sock") == 0)
			n -= 5;
		if (n > sizeof(c->own_state_dir) - 9)
			n = sizeof(c->own_state_dir) - 9;
		snprintf(c->own_state_dir, sizeof(c->own_state_dir), "%.*s.state.d",
		    (int)n, c->control_socket);
	}
	if (c->api_tcp_set && c->api_token_file[0] == '\0')
		fin_err(cp, xp, "api_tcp", "api_token_file", "api_tcp needs");
	if (c->api_token_file[0] != '\0' && !c->api_tcp_set)
		fin_err(cp, xp, "api_token_file", "api_tcp",
		    "api_token_file is for");
	lisp_sec_finish(cp, xp);
	dp_conf_finish(cp, &c->dp);
	return cp->errors;
}

int
xc_load_text(const char *name, const char *text, size_t len,
    struct xtr_conf *c, FILE *errf)
{
	struct cfg_parser	cp = { name, 0, errf };
	struct xc_parse		xp;

	xc_init(&xp, c);
	cfg_read_text(&cp, text, len, xc_parse_line, &xp);
	return xc_finish(&cp, &xp);
}

int
xc_load(const char *path, struct xtr_conf *c, FILE *errf)
{
	struct cfg_parser	cp = { path, 0, errf };
	struct xc_parse		xp;

	xc_init(&xp, c);
	if (cfg_read_file(&cp, path, xc_parse_line, &xp) == -1)
		return -1;
	return xc_finish(&cp, &xp);
}

/* --- printing -------------------------------------------------------------- */

static void
print_addrs(FILE *f, const char *key, const struct ipaddr *a, int n)
{
	char	buf[IPADDR_STRLEN];
	int	i;

	fprintf(f, "%s = [", key);
	for (i = 0; i < n; i++)
		fprintf(f, "%s '%s'", i ? "," : "", ipaddr_fmt(&a[i], buf,
		    sizeof(buf)));
	fprintf(f, " ]\n");
}

static void
print_key(FILE *f, const struct xc_key *k)
{
	fprintf(f, ",key=%s,alg=%s,key_id=%u", k->key, xc_alg_name(k->alg),
	    k->key_id);
}

/*
 * RFC 9301 §5.6: "Implementations of this specification MUST implement
 * HMAC-SHA-256-128 [RFC4868] and SHOULD implement HMAC-SHA-256-128+
 * HKDF-SHA256".  Deployed Map-Servers and xTRs instead send and expect the
 * full HMAC output (20 bytes for SHA-1, 32 for SHA-256) after a 16-bit
 * "Key ID" (RFC 6833's layout: our Key ID and Algorithm ID bytes 0x00 0x02
 * read as one field), and some know HMAC-SHA-1 only and read 20 bytes of
 * authentication data whatever the algorithm.  The choice matters, so
 * `xtrd -n` says it for each peer.
 */
static void
print_auth_one(FILE *f, const char *what, const char *who,
    const struct xc_key *k)
{
	fprintf(f, "%s %s: authentication %s (Algorithm ID %u, %zu-byte "
	    "authentication data), Key ID %u%s\n", what, who,
	    k->alg == LISP_AUTH_HMAC_SHA1 ? "HMAC-SHA-1" :
	    k->alg == LISP_AUTH_HMAC_SHA256_HKDF ?
	    "HMAC-SHA-256-128+HKDF-SHA256" : "HMAC-SHA-256", k->alg,
	    k->alg == LISP_AUTH_HMAC_SHA1 ? (size_t)20 :
	    k->alg == LISP_AUTH_HMAC_SHA256_HKDF ? (size_t)16 : (size_t)32,
	    k->key_id, k->alg_set ? "" :
	    " (the default: alg= not set; a peer that knows only HMAC-SHA-1"
	    " needs alg=hmac-sha1,key_id=0)");
}

void
xc_print_auth(FILE *f, const struct xtr_conf *c)
{
	char	buf[IPADDR_STRLEN];
	int	i;

	for (i = 0; i < c->nms; i++)
		print_auth_one(f, "map-server", ipaddr_fmt(&c->ms[i].addr, buf,
		    sizeof(buf)), &c->ms[i].key);
	for (i = 0; i < c->nsite; i++)
		print_auth_one(f, "site", c->site[i].name, &c->site[i].key);
}

void
xc_print(FILE *f, const struct xtr_conf *c)
{
	char	buf[IPPREFIX_STRLEN];
	int	i, j;

	fprintf(f, "role = \"%s\"\n", xc_role_name(c->roles));
	print_addrs(f, "rlocs", c->rloc, c->nrloc);
	fprintf(f, "database = [");
	for (i = 0; i < c->ndb; i++)
		fprintf(f, "%s\n    '%s,priority=%u,weight=%u,ttl=%u'",
		    i ? "," : "", ipprefix_fmt(&c->db[i].eid, buf, sizeof(buf)),
		    c->db[i].priority, c->db[i].weight, c->db[i].ttl);
	fprintf(f, " ]\n");
	fprintf(f, "map_servers = [");
	for (i = 0; i < c->nms; i++) {
		fprintf(f, "%s\n    '%s", i ? "," : "",
		    ipaddr_fmt(&c->ms[i].addr, buf, sizeof(buf)));
		print_key(f, &c->ms[i].key);
		fprintf(f, ",proxy_reply=%s,merge=%s'",
		    c->ms[i].proxy_reply ? "yes" : "no",
		    c->ms[i].merge ? "yes" : "no");
	}
	fprintf(f, " ]\n");
	print_addrs(f, "map_resolvers", c->mr, c->nmr);
	print_addrs(f, "proxy_itrs", c->pxtr, c->npxtr);
	fprintf(f, "sites = [");
	for (i = 0; i < c->nsite; i++) {
		const struct xc_site *s = &c->site[i];

		fprintf(f, "%s\n    'name=%s", i ? "," : "", s->name);
		print_key(f, &s->key);
		for (j = 0; j < s->neid; j++) {
			char	iid[16] = "";

			if (s->iid[j] != 0)	/* "[IID]", site_eid_iid() */
				snprintf(iid, sizeof(iid), "[%u]", s->iid[j]);
			fprintf(f, ",eid=%s%s", iid, ipprefix_fmt(&s->eid[j],
			    buf, sizeof(buf)));
		}
		fprintf(f, ",more_specifics=%s", s->more_specifics ? "yes" :
		    "no");
		if (s->max_registrations != XC_DEF_SITE_MAX_REGS)
			fprintf(f, ",max_registrations=%u",
			    s->max_registrations);
		if (s->max_more_specifics != XC_DEF_SITE_MAX_MORE_SPECIFICS)
			fprintf(f, ",max_more_specifics=%u",
			    s->max_more_specifics);
		fprintf(f, "'");
	}
	fprintf(f, " ]\n");
	fprintf(f, "control_socket = \"%s\"\n", c->control_socket);
	if (c->state_dir[0] != '\0')
		fprintf(f, "state_dir = \"%s\"\n", c->state_dir);
	if (c->ms_max_registrations != XC_DEF_MS_MAX_REGS)
		fprintf(f, "ms_max_registrations = %u\n",
		    c->ms_max_registrations);
	if (!c->move_consent)
		fprintf(f, "move_consent = no\n");
	fprintf(f, "register_interval = %u\n", c->register_interval);
	if (c->registration_timeout != 180)
		fprintf(f, "registration_timeout = %u\n",
		    c->registration_timeout);
	fprintf(f, "register_retry = %u\n", c->register_retry);
	fprintf(f, "map_request_retry = %u\n", c->map_request_retry);
	fprintf(f, "map_request_retry_max = %u\n", c->map_request_retry_max);
	fprintf(f, "map_request_retries = %u\n", c->map_request_retries);
	fprintf(f, "rate_limit = %u\n", c->rate_limit);
	fprintf(f, "negative_ttl = %u\n", c->negative_ttl);
	/* issue 15: printed when not the default (older goldens hold) */
	if (c->map_cache_ttl_max != 1440)
		fprintf(f, "map_cache_ttl_max = %u\n", c->map_cache_ttl_max);
	if (c->map_reply_min_plen4 != 16)
		fprintf(f, "map_reply_min_plen4 = %u\n",
		    c->map_reply_min_plen4);
	if (c->map_reply_min_plen6 != 32)
		fprintf(f, "map_reply_min_plen6 = %u\n",
		    c->map_reply_min_plen6);
	if (c->xtr_id_set) {
		fprintf(f, "xtr_id = \"");
		for (i = 0; i < LISP_XTR_ID_LEN; i++)
			fprintf(f, "%02x", c->xtr_id[i]);
		fprintf(f, "\"\n");
	}
	fprintf(f, "site_id = %llu\n", (unsigned long long)c->site_id);
	if (c->subscribe)
		fprintf(f, "subscribe = yes\n");
	fprintf(f, "lisp_sec = %s\n", xc_lisp_sec_name(c->lisp_sec));
	if (c->lisp_sec_key[0] != '\0')
		fprintf(f, "lisp_sec_key = \"%s\"\n", c->lisp_sec_key);
	fprintf(f, "mobility_notify = %s\n", c->mobility_notify ? "yes" : "no");
	fprintf(f, "away_entries = %s\n", c->away_entries ? "yes" : "no");
	if (c->api_tcp_set) {
		char	a[IPADDR_STRLEN];

		ipaddr_fmt(&c->api_tcp_addr, a, sizeof(a));
		fprintf(f, c->api_tcp_addr.af == AF_INET6 ?
		    "api_tcp = \"[%s]:%u\"\n" : "api_tcp = \"%s:%u\"\n", a,
		    c->api_tcp_port);
		fprintf(f, "api_token_file = \"%s\"\n", c->api_token_file);
	}
	if (c->user_set)
		fprintf(f, "user = \"%s\"\n", c->user);
	if (c->control_socket_group[0] != '\0')
		fprintf(f, "control_socket_group = \"%s\"\n",
		    c->control_socket_group);

	dp_conf_print(f, &c->dp);
}

/*
 * Issue 16, finding 4: the token that api_tcp requires, one line of
 * api_token_file, read by root before xtrd drops its privileges (and by
 * xtrd -n).  The file may not be world-readable nor a weak token:
 * `head -c 32 /dev/urandom | base64 > /etc/xen/xtrd.token`.
 */
int
xc_load_token(const char *path, struct xtr_conf *c, FILE *errf)
{
	struct cfg_parser	cp = { path, 0, errf };
	struct cfg_line		l;
	struct stat		st;
	char			buf[XC_MAX_KEY];
	ssize_t			n;
	int			fd;

	if (!c->api_tcp_set)
		return 0;
	memset(&l, 0, sizeof(l));
	l.lineno = c->api_token_line;
	if ((fd = open(c->api_token_file, O_RDONLY | O_CLOEXEC |
	    O_NOFOLLOW)) == -1) {
		cfg_error(&cp, &l, c->api_token_file, "api_token_file: %s:",
		    strerror(errno));
		return cp.errors;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (st.st_mode & S_IRWXO) != 0) {
		close(fd);
		cfg_error(&cp, &l, c->api_token_file, "api_token_file must "
		    "be a regular file that others cannot read (chmod 0600):");
		return cp.errors;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		n = 0;
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	if ((size_t)n >= sizeof(buf) - 1 || xc_key_weak(buf)) {
		explicit_bzero(buf, sizeof(buf));
		cfg_error(&cp, &l, c->api_token_file, "api_token_file: the "
		    "token must be one line of 16 to 127 bytes with at least 8 "
		    "different characters (head -c 32 /dev/urandom | base64):");
		return cp.errors;
	}
	memcpy(c->api_token, buf, strlen(buf) + 1);
	explicit_bzero(buf, sizeof(buf));
	return 0;
}

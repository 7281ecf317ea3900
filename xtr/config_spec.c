/*
 * config_spec.c: the xtrd.conf keys whose list items are "a,k=v,k=v"
 * specs, and how `xtrd -nv` prints them back:
 *
 *   database = [ '10.1.0.0/24,priority=1,weight=100,ttl=1440' ]
 *   map_servers = [ '192.0.2.100,key=K,alg=hmac-sha256,key_id=0' ]
 *   sites = [ 'name=a,key=K,eid=10.1.0.0/16,more_specifics=yes' ]
 *
 * Setters and printers of config.c's key table (common/cfgkey.h); the
 * weak-key rule of the site keys (issue 16, finding 6) and `xtrd -n`'s
 * authentication summary live here with them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_spec.h"

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

static int
ic_err(struct cfg_key_ctx *x, const char *tok, const char *msg)
{
	return cfg_error(x->cp, x->l, tok, "%s", msg);
}

int
xc_set_database(struct cfg_key_ctx *ic, void *conf, const char *v)
{
	struct xtr_conf		*c = conf;
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

int
xc_set_map_server(struct cfg_key_ctx *ic, void *conf, const char *v)
{
	struct xtr_conf		*c = conf;
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
site_part(struct cfg_key_ctx *ic, struct xc_site *s, char *part)
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

int
xc_set_site(struct cfg_key_ctx *ic, void *conf, const char *v)
{
	struct xtr_conf	*c = conf;
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

/* --- printing: one item a line, as a person writes them ------------------- */

void
xc_print_database(FILE *f, const struct cfg_key *k, const void *conf)
{
	const struct xtr_conf	*c = conf;
	char			 buf[IPPREFIX_STRLEN];
	int			 i;

	fprintf(f, "%s = [", k->name);
	for (i = 0; i < c->ndb; i++)
		fprintf(f, "%s\n    '%s,priority=%u,weight=%u,ttl=%u'",
		    i ? "," : "", ipprefix_fmt(&c->db[i].eid, buf, sizeof(buf)),
		    c->db[i].priority, c->db[i].weight, c->db[i].ttl);
	fprintf(f, " ]\n");
}

void
xc_print_map_servers(FILE *f, const struct cfg_key *k, const void *conf)
{
	const struct xtr_conf	*c = conf;
	char			 buf[IPADDR_STRLEN];
	int			 i;

	fprintf(f, "%s = [", k->name);
	for (i = 0; i < c->nms; i++) {
		fprintf(f, "%s\n    '%s", i ? "," : "",
		    ipaddr_fmt(&c->ms[i].addr, buf, sizeof(buf)));
		print_key(f, &c->ms[i].key);
		fprintf(f, ",proxy_reply=%s,merge=%s'",
		    c->ms[i].proxy_reply ? "yes" : "no",
		    c->ms[i].merge ? "yes" : "no");
	}
	fprintf(f, " ]\n");
}

void
xc_print_sites(FILE *f, const struct cfg_key *k, const void *conf)
{
	const struct xtr_conf	*c = conf;
	char			 buf[IPPREFIX_STRLEN];
	int			 i, j;

	fprintf(f, "%s = [", k->name);
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
}

/*
 * config.c: xtrd.conf, see config.h: the key table (common/cfgkey.h) that
 * parses, defaults and prints every key, the setters of the few keys no
 * type of the table covers, the checks across keys, and the API token.
 * The "a,k=v" specs of database, map_servers and sites are in
 * config_spec.c, the data plane's keys in dp_conf.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "config_spec.h"

#define DEF_SOCKET	"/run/xtrd/xtrd.sock"
#define DEF_USER	"xtrd"

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

/* --- the keys no type of the table covers ------------------------------ */

static int
k_xtr_id(struct cfg_key_ctx *x, void *conf, const char *v)
{
	struct xtr_conf	*c = conf;
	int		 i;

	if (strlen(v) != 2 * LISP_XTR_ID_LEN)
		return cfg_error(x->cp, x->l, v, "xtr_id must be 32 hex "
		    "digits, not");
	for (i = 0; i < LISP_XTR_ID_LEN; i++) {
		char		 h[3] = { v[2 * i], v[2 * i + 1], 0 };
		char		*end;
		unsigned long	 b = strtoul(h, &end, 16);

		if (*end != '\0' || h[0] == '+' || h[0] == '-' ||
		    h[0] == ' ')
			return cfg_error(x->cp, x->l, v, "xtr_id must be 32 "
			    "hex digits, not");
		c->xtr_id[i] = (uint8_t)b;
	}
	return 0;
}

static void
p_xtr_id(FILE *f, const struct cfg_key *k, const void *conf)
{
	const struct xtr_conf	*c = conf;
	int			 i;

	fprintf(f, "%s = \"", k->name);
	for (i = 0; i < LISP_XTR_ID_LEN; i++)
		fprintf(f, "%02x", c->xtr_id[i]);
	fprintf(f, "\"\n");
}

static int
k_site_id(struct cfg_key_ctx *x, void *conf, const char *v)
{
	char			*end;
	unsigned long long	 n;

	errno = 0;
	if (*v < '0' || *v > '9' ||
	    (n = strtoull(v, &end, 10), errno != 0 || *end != '\0'))
		return cfg_error(x->cp, x->l, v, "bad site_id");
	((struct xtr_conf *)conf)->site_id = n;
	return 0;
}

static void
p_site_id(FILE *f, const struct cfg_key *k, const void *conf)
{
	fprintf(f, "%s = %llu\n", k->name,
	    (unsigned long long)((const struct xtr_conf *)conf)->site_id);
}

/* RFC 9301 §5.3: "Map-Requests MUST be rate limited to 1 per second per
 * EID-Prefix": rate_limit paces them (retransmissions included), so no
 * value under 1000 ms */
static int
k_rate_limit(struct cfg_key_ctx *x, void *conf, const char *v)
{
	unsigned long	 n;

	if (cfg_uint(v, 0, 60000, &n) == 0 && n < 1000)
		return cfg_error(x->cp, x->l, v, "rate_limit must be at least "
		    "1000 ms (RFC 9301 §5.3: one Map-Request per second per "
		    "EID-Prefix), not");
	return cfg_key_set_type(x, conf, v);
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
api_tcp_err(struct cfg_key_ctx *x, const char *v)
{
	return cfg_error(x->cp, x->l, v, "api_tcp must be ADDR:PORT, not");
}

static int
k_api_tcp(struct cfg_key_ctx *x, void *conf, const char *v)
{
	struct xtr_conf	*c = conf;
	char		 buf[IPADDR_STRLEN + 8], *colon, *host = buf;
	unsigned long	 port;

	if (strlen(v) >= sizeof(buf))
		return api_tcp_err(x, v);
	strcpy(buf, v);
	if ((colon = strrchr(buf, ':')) == NULL)
		return api_tcp_err(x, v);
	*colon++ = '\0';
	if (buf[0] == '[') {
		size_t n = strlen(buf);

		if (n < 2 || buf[n - 1] != ']')
			return api_tcp_err(x, v);
		buf[n - 1] = '\0';
		host++;
	}
	if (ipaddr_parse(host, &c->api_tcp_addr) == -1 ||
	    (c->api_tcp_addr.af == AF_INET6 && host == buf) ||
	    cfg_uint(colon, 1, 65535, &port) == -1)
		return api_tcp_err(x, v);
	/* issue 16, finding 4: the API speaks plain HTTP and can add any
	 * EID to what we register: never on an address others reach (use
	 * ssh -L from elsewhere) */
	if (!is_loopback(&c->api_tcp_addr))
		return cfg_error(x->cp, x->l, v, "api_tcp must be a loopback "
		    "address (127.0.0.0/8 or ::1: the API has no TLS), not");
	c->api_tcp_port = (uint16_t)port;
	c->api_tcp_set = true;
	return 0;
}

static void
p_api_tcp(FILE *f, const struct cfg_key *k, const void *conf)
{
	const struct xtr_conf	*c = conf;
	char			 a[IPADDR_STRLEN];

	ipaddr_fmt(&c->api_tcp_addr, a, sizeof(a));
	fprintf(f, c->api_tcp_addr.af == AF_INET6 ? "%s = \"[%s]:%u\"\n" :
	    "%s = \"%s:%u\"\n", k->name, a, c->api_tcp_port);
}

/* --- the keys ------------------------------------------------------------- */

static const char *const role_names[] = { "xtr", "ms", "both", NULL };
static const int role_values[] = { ROLE_XTR, ROLE_MS, ROLE_XTR | ROLE_MS };
static const char *const lisp_sec_names[] = { "required", "optional", "off",
	NULL };
static const int lisp_sec_values[] = { LISPSEC_REQUIRED, LISPSEC_OPTIONAL,
	LISPSEC_OFF };

#define X(f)		offsetof(struct xtr_conf, f)
#define XAT(f)		CK_AT(struct xtr_conf, f)
#define UINT(...)	CK_UINT_KEY(struct xtr_conf, __VA_ARGS__)
#define YESNO(n, f, d, sh, txt)						\
	CK_BOOL_KEY(struct xtr_conf, n, f, 0, d, sh, txt)
#define ADDRS(n, f, cnt, mx, w, txt)					\
	{ .name = n, .type = CK_ADDRS, .flags = CK_LIST, .off = X(f),	\
	  .count = XAT(cnt), .max = mx, .what = w, .show = CK_ALWAYS,	\
	  .doc = txt }
#define SPECS(n, setter, printer, txt)					\
	{ .name = n, .type = CK_CUSTOM, .flags = CK_LIST, .set = setter,	\
	  .print = printer, .show = CK_ALWAYS, .doc = txt }

/* In the order `xtrd -nv` prints them. */
static const struct cfg_key xc_keys[] = {
	{ .name = "role", .type = CK_ENUM, .flags = CK_QUOTE, .off = X(roles),
	  .names = role_names, .values = role_values, .def = ROLE_XTR,
	  .show = CK_ALWAYS, .doc = "xtr, ms (Map-Server/Map-Resolver) or both" },
	ADDRS("rlocs", rloc, nrloc, XC_MAX_RLOC, "RLOC",
	    "this xTR's own RLOCs"),
	SPECS("database", xc_set_database, xc_print_database,
	    "the EID-prefixes this ETR registers: 'EID,priority=,weight=,ttl='"),
	SPECS("map_servers", xc_set_map_server, xc_print_map_servers,
	    "where the ETR registers: 'ADDR,key=,alg=,key_id=,proxy_reply=,"
	    "merge='"),
	ADDRS("map_resolvers", mr, nmr, XC_MAX_MR, "map-resolver",
	    "where the ITR sends its Map-Requests"),
	ADDRS("proxy_itrs", pxtr, npxtr, XC_MAX_PXTR, "proxy-ITR",
	    "PITRs that are sent SMRs and may encapsulate to us"),
	SPECS("sites", xc_set_site, xc_print_sites,
	    "the Map-Server's sites: 'name=,key=,eid=,more_specifics=,"
	    "max_registrations=,max_more_specifics='"),
	{ .name = "control_socket", .type = CK_PATH, .off = X(control_socket),
	  .size = XC_PATH_MAX, .sdef = DEF_SOCKET, .show = CK_ALWAYS,
	  .doc = "the API's unix socket" },
	/* the longest name inside: "/ms.journal.new" */
	{ .name = "state_dir", .type = CK_PATH, .off = X(state_dir),
	  .size = XC_PATH_MAX, .min = 16, .show = CK_NONDEF,
	  .doc = "where the nonce floor and the Map-Server's journal are kept" },
	UINT("ms_max_registrations", ms_max_registrations, 1, 10000000,
	    XC_DEF_MS_MAX_REGS, CK_NONDEF,
	    "Map-Server: registrations of all sites at most"),
	/* MS: an EID another xTR holds moves only with its consent (its
	 * release, its withdrawal) or once it stopped refreshing */
	YESNO("move_consent", move_consent, true, CK_NONDEF,
	    "Map-Server: a move needs the holder's consent"),
	/* RFC 9301 §8.2: every 60 s */
	UINT("register_interval", register_interval, 1, 3600, 60, CK_ALWAYS,
	    "seconds between Map-Registers"),
	/* RFC 9301 §8.2: "A Map-Server SHOULD time out and remove an ETR's
	 * registration if it has not received a valid Map-Register message
	 * within the past three minutes." */
	UINT("registration_timeout", registration_timeout, 1, 86400, 180,
	    CK_NONDEF, "Map-Server: seconds a registration lives unrefreshed"),
	UINT("register_retry", register_retry, 10, 60000, 1000, CK_ALWAYS,
	    "ms to the first Map-Register retransmission"),
	UINT("map_request_retry", map_request_retry, 10, 60000, 1000,
	    CK_ALWAYS, "ms to the first Map-Request retransmission"),
	UINT("map_request_retry_max", map_request_retry_max, 10, 600000, 8000,
	    CK_ALWAYS, "ms: the retransmissions double up to this"),
	UINT("map_request_retries", map_request_retries, 0, 10, 3, CK_ALWAYS,
	    "Map-Request retransmissions"),
	/* RFC 9301 §5.3: 1 per second, at least (k_rate_limit) */
	{ .name = "rate_limit", .type = CK_UINT, .off = X(rate_limit),
	  .min = 1000, .max = 60000, .def = 1000, .set = k_rate_limit,
	  .show = CK_ALWAYS, .doc = "ms between Map-Requests for one EID" },
	/* RFC 9301 §8.3: 15 minutes */
	UINT("negative_ttl", negative_ttl, 0, 1440, 15, CK_ALWAYS,
	    "minutes of a negative Map-Reply"),
	/* a day, what our ETRs register; issue 15: printed when not the
	 * default (older goldens hold), likewise the two below */
	UINT("map_cache_ttl_max", map_cache_ttl_max, 1, 525600, 1440,
	    CK_NONDEF, "minutes a Map-Reply may be kept at most"),
	UINT("map_reply_min_plen4", map_reply_min_plen4, 0, 32, 16, CK_NONDEF,
	    "widest IPv4 record believed beyond the request (itr_scope.h)"),
	UINT("map_reply_min_plen6", map_reply_min_plen6, 0, 128, 32, CK_NONDEF,
	    "widest IPv6 record believed beyond the request"),
	{ .name = "xtr_id", .type = CK_CUSTOM, .set = k_xtr_id,
	  .print = p_xtr_id, .given = XAT(xtr_id_set), .show = CK_GIVEN,
	  .doc = "the xTR-ID, 32 hex digits (else kept in xtrd.state)" },
	{ .name = "site_id", .type = CK_CUSTOM, .set = k_site_id,
	  .print = p_site_id, .show = CK_ALWAYS,
	  .doc = "the Site-ID of our Map-Registers" },
	YESNO("subscribe", subscribe, false, CK_NONDEF,
	    "ITR: subscribe to mapping changes (RFC 9437)"),
	/* RFC 9303: optional, so that peers without LISP-SEC (issue 17's
	 * open-source xTR) keep working, while a reply that carries LISP-SEC
	 * is checked; with no lisp_sec_key nothing changes on the wire */
	{ .name = "lisp_sec", .type = CK_ENUM, .off = X(lisp_sec),
	  .names = lisp_sec_names, .values = lisp_sec_values,
	  .def = LISPSEC_OPTIONAL, .show = CK_ALWAYS,
	  .doc = "LISP-SEC (RFC 9303): required, optional or off" },
	/* RFC 9303 §6.5: the pre-shared secret of the ITRs and the
	 * Map-Resolver that wraps the ITR-OTK (Key ID 0) */
	{ .name = "lisp_sec_key", .type = CK_STR, .off = X(lisp_sec_key),
	  .size = XC_MAX_KEY, .show = CK_NONDEF,
	  .doc = "LISP-SEC key of the ITRs and the Map-Resolver" },
	/* draft-ietf-lisp-eid-mobility; no: the old site learns nothing */
	YESNO("mobility_notify", mobility_notify, true, CK_ALWAYS,
	    "Map-Server: Map-Notify the xTR an EID moved away from"),
	/* database/remove with moved_to, or a mobility Map-Notify */
	YESNO("away_entries", away_entries, true, CK_ALWAYS,
	    "xTR: redirect and SMR stragglers of an EID that moved"),
	{ .name = "api_tcp", .type = CK_CUSTOM, .set = k_api_tcp,
	  .print = p_api_tcp, .given = XAT(api_tcp_set), .show = CK_GIVEN,
	  .doc = "the API on TCP too, ADDR:PORT on loopback" },
	{ .name = "api_token_file", .type = CK_PATH, .off = X(api_token_file),
	  .size = XC_PATH_MAX, .line = XAT(api_token_line), .show = CK_NONDEF,
	  .doc = "api_tcp's bearer token, one line, mode 0600" },
	/* "" or "root": stay uid 0 */
	{ .name = "user", .type = CK_NAME, .flags = CK_EMPTY_OK, .off = X(user),
	  .size = sizeof(((struct xtr_conf *)0)->user), .what = "user",
	  .sdef = DEF_USER, .given = XAT(user_set), .line = XAT(user_line),
	  .show = CK_GIVEN, .doc = "who xtrd runs as once started" },
	/* the group that may use the control socket (migrated's), 0660 */
	{ .name = "control_socket_group", .type = CK_NAME,
	  .off = X(control_socket_group),
	  .size = sizeof(((struct xtr_conf *)0)->control_socket_group),
	  .what = "group", .line = XAT(group_line), .show = CK_NONDEF,
	  .doc = "the group that may use the control socket" },
};

static const struct cfg_key_table xc_tables[] = {
	{ xc_keys, CK_NKEYS(xc_keys), 0 },
	{ dp_conf_keys, DP_CONF_NKEYS, offsetof(struct xtr_conf, dp) },
};

const struct cfg_key *
xc_key_table(size_t *n)
{
	*n = CK_NKEYS(xc_keys);
	return xc_keys;
}

void
xc_defaults(struct xtr_conf *c)
{
	memset(c, 0, sizeof(*c));
	cfg_key_defaults(xc_keys, CK_NKEYS(xc_keys), c);
	dp_conf_defaults(&c->dp);
}

/* --- checks across keys -------------------------------------------------- */

/* RFC 9303 §6.5: the ITR/Map-Resolver secret MUST be independent of the
 * Map-Server/ETR ones (an ETR knowing it could forge the EID-AD). */
static void
lisp_sec_finish(struct cfg_parser *cp, struct cfg_key_parse *p)
{
	struct xtr_conf	*c = p->conf;
	const char	*k = c->lisp_sec_key;
	int		 i;

	if (c->lisp_sec == LISPSEC_REQUIRED && *k == '\0' &&
	    (((c->roles & ROLE_XTR) && c->nmr > 0) || (c->roles & ROLE_MS)))
		cfg_key_error(cp, p, "lisp_sec", "lisp_sec_key",
		    "lisp_sec = required needs");
	if (*k == '\0')
		return;
	for (i = 0; i < c->nms; i++)
		if (strcmp(c->ms[i].key.key, k) == 0)
			cfg_key_error(cp, p, "lisp_sec_key", "lisp_sec_key",
			    "must differ from every map_servers key:");
	for (i = 0; i < c->nsite; i++)
		if (strcmp(c->site[i].key.key, k) == 0)
			cfg_key_error(cp, p, "lisp_sec_key", "lisp_sec_key",
			    "must differ from every sites key:");
}

static int
xc_finish(struct cfg_parser *cp, struct cfg_key_parse *p)
{
	struct xtr_conf	*c = p->conf;
	int		 i, j, k;

	cfg_key_end(cp, p);
	if ((c->roles & ROLE_XTR) && c->nrloc == 0)
		cfg_key_error(cp, p, "role", "rlocs", "an xTR needs");
	if (!(c->roles & ROLE_XTR) && c->ndb > 0)
		cfg_key_error(cp, p, "database", "database",
		    "role has no xtr, so no");
	if (!(c->roles & ROLE_MS) && c->nsite > 0)
		cfg_key_error(cp, p, "sites", "sites", "role has no ms, so no");
	if ((c->roles & ROLE_MS) && c->nsite == 0)
		cfg_key_error(cp, p, "role", "sites", "a Map-Server needs");
	if (c->ndb > 0 && c->nms == 0)
		cfg_key_error(cp, p, "database", "map_servers",
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
						cfg_key_error(cp, p, "sites",
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
		cfg_key_error(cp, p, "api_tcp", "api_token_file", "api_tcp needs");
	if (c->api_token_file[0] != '\0' && !c->api_tcp_set)
		cfg_key_error(cp, p, "api_token_file", "api_tcp",
		    "api_token_file is for");
	lisp_sec_finish(cp, p);
	dp_conf_finish(cp, &c->dp);
	return cp->errors;
}

int
xc_load_text(const char *name, const char *text, size_t len,
    struct xtr_conf *c, FILE *errf)
{
	struct cfg_parser	cp = { name, 0, errf };
	struct cfg_key_parse	p;
	int			rc;

	xc_defaults(c);
	if (cfg_key_init(&p, xc_tables, 2, c, 0) == -1)
		return -1;
	cfg_read_text(&cp, text, len, cfg_key_line, &p);
	rc = xc_finish(&cp, &p);
	cfg_key_free(&p);
	return rc;
}

int
xc_load(const char *path, struct xtr_conf *c, FILE *errf)
{
	struct cfg_parser	cp = { path, 0, errf };
	struct cfg_key_parse	p;
	int			rc = -1;

	xc_defaults(c);
	if (cfg_key_init(&p, xc_tables, 2, c, 0) == -1)
		return -1;
	if (cfg_read_file(&cp, path, cfg_key_line, &p) != -1)
		rc = xc_finish(&cp, &p);
	cfg_key_free(&p);
	return rc;
}

/* `xtrd -nv`: every key as its table entry says, the data plane's after */
void
xc_print(FILE *f, const struct xtr_conf *c)
{
	cfg_key_print(f, xc_keys, CK_NKEYS(xc_keys), c);
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

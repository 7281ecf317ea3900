/* dp_conf.c: the data plane's xtrd.conf keys, see dp_conf.h. */
#include <string.h>

#include "dp_conf.h"
#include "mac.h"

#define DP_DEF_TUN	"lisp0"
/* RFC 9300 §5.3: outer IPv4 (20) + UDP (8) + LISP (8); IPv6 outer: 56 */
#define DP_OVERHEAD4	36

void
dp_conf_defaults(struct dp_conf *d)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->tun_name, sizeof(d->tun_name), "%s", DP_DEF_TUN);
	d->underlay_mtu = 1500;
	/* a 200 packets/s flow through one lost Map-Request: its
	 * retransmission goes 1 s later (rate_limit, RFC 9301 §5.3) */
	d->queue_prefix = 256;
	d->queue_total = 4096;
	d->away_timeout = 30;
	d->offload = true;
	d->decap_check = true;
	/* a 0.5 s blackout of a 1 Gb/s flow of 1500-byte packets is ~42000
	 * packets: the defaults keep a few seconds of a typical guest's
	 * traffic, the total a few such guests at once */
	d->hold_eid_packets = 4096;
	d->hold_eid_bytes = 4u << 20;
	d->hold_total_packets = 16384;
	d->hold_total_bytes = 16u << 20;
	d->hold_timeout = 30;
	d->hold_release_pps = 5000;
}

uint32_t
dp_conf_tun_mtu(const struct dp_conf *d)
{
	return d->tun_mtu ? d->tun_mtu : d->underlay_mtu - DP_OVERHEAD4;
}

static int
bad(struct cfg_parser *cp, const struct cfg_line *l, const char *tok,
    const char *msg)
{
	return cfg_error(cp, l, tok, "%s", msg);
}

static int
ifname(struct cfg_parser *cp, const struct cfg_line *l, const char *v,
    char *out)
{
	if (*v == '\0' || strlen(v) >= DP_IFNAMSIZ || strpbrk(v, "/ \t") ||
	    strcmp(v, ".") == 0 || strcmp(v, "..") == 0)
		return bad(cp, l, v, "bad interface name");
	strcpy(out, v);
	return 0;
}

static int
prefix(struct cfg_parser *cp, const struct cfg_line *l, const char *v,
    struct ipprefix *p, bool host_bits_ok)
{
	struct ipprefix	chk;
	char		buf[IPPREFIX_STRLEN], *slash;
	unsigned long	plen;

	if (host_bits_ok) {	/* an address with its subnet length */
		if (strlen(v) >= sizeof(buf))
			return bad(cp, l, v, "bad address/length");
		strcpy(buf, v);
		if ((slash = strchr(buf, '/')) == NULL)
			return bad(cp, l, v, "bad address/length");
		*slash++ = '\0';
		if (ipaddr_parse(buf, &p->addr) == -1 || cfg_uint(slash, 1,
		    (unsigned long)ipaddr_maxplen(p->addr.af), &plen) == -1)
			return bad(cp, l, v, "bad address/length");
		p->plen = (uint8_t)plen;
		return 0;
	}
	if (ipprefix_parse(v, p) == -1)
		return bad(cp, l, v, "bad prefix");
	chk = *p;
	ipprefix_mask(&chk);
	if (ipprefix_cmp(&chk, p) != 0)
		return bad(cp, l, v, "prefix has host bits");
	return 0;
}

static int
mac(struct cfg_parser *cp, const struct cfg_line *l, const char *v,
    uint8_t *m)
{
	if (mac_parse(v, m) == -1)
		return bad(cp, l, v, "bad MAC address");
	if (m[0] & 1)
		return bad(cp, l, v, "multicast MAC address");
	return 0;
}

static int
uint_key(struct cfg_parser *cp, const struct cfg_line *l, const char *v,
    unsigned long lo, unsigned long hi, uint32_t *out)
{
	unsigned long	x;

	if (cfg_uint(v, lo, hi, &x) == -1)
		return cfg_error(cp, l, v, "expected a number in [%lu, %lu], "
		    "not", lo, hi);
	*out = (uint32_t)x;
	return 0;
}

static int
boolean(struct cfg_parser *cp, const struct cfg_line *l, const char *v,
    bool *out)
{
	int	b;

	if (cfg_bool(v, &b) == -1)
		return bad(cp, l, v, "expected on or off, not");
	*out = b;
	return 0;
}

static int
k_list_prefix(struct cfg_parser *cp, const struct cfg_line *l, const char *v,
    struct ipprefix *arr, int *n, int max, bool host_bits_ok)
{
	struct ipprefix	p;
	int		i;

	if (prefix(cp, l, v, &p, host_bits_ok) == -1)
		return -1;
	for (i = 0; i < *n; i++)
		if (ipprefix_cmp(&arr[i], &p) == 0)
			return bad(cp, l, v, "duplicate prefix");
	if (*n == max)
		return bad(cp, l, v, "too many prefixes");
	arr[(*n)++] = p;
	return 0;
}

/* An address (a host prefix) or a prefix. */
static int
k_list_addr_or_prefix(struct cfg_parser *cp, const struct cfg_line *l,
    const char *v, struct ipprefix *arr, int *n, int max)
{
	struct ipaddr	a;
	int		i;

	if (strchr(v, '/') != NULL)
		return k_list_prefix(cp, l, v, arr, n, max, false);
	if (ipaddr_parse(v, &a) == -1)
		return bad(cp, l, v, "bad address or prefix");
	for (i = 0; i < *n; i++)
		if (arr[i].plen == ipaddr_maxplen(a.af) &&
		    ipaddr_cmp(&arr[i].addr, &a) == 0)
			return bad(cp, l, v, "duplicate address");
	if (*n == max)
		return bad(cp, l, v, "too many addresses");
	ipprefix_host(&a, &arr[(*n)++]);
	return 0;
}

int
dp_conf_key(struct cfg_parser *cp, const struct cfg_line *l,
    struct dp_conf *d, const char *key, const char *v)
{
	struct ipaddr	a;
	uint32_t	u = 0;
	int		i;

	if (strcmp(key, "data_plane") == 0)
		return boolean(cp, l, v, &d->enabled);
	if (strcmp(key, "tun_name") == 0) {
		d->tun_line = l->lineno;
		return ifname(cp, l, v, d->tun_name);
	}
	if (strcmp(key, "site_interface") == 0)
		return ifname(cp, l, v, d->site_if);
	if (strcmp(key, "underlay_mtu") == 0)
		return uint_key(cp, l, v, 1280, 65535, &d->underlay_mtu);
	if (strcmp(key, "tun_mtu") == 0)
		return uint_key(cp, l, v, 576, 65535, &d->tun_mtu);
	if (strcmp(key, "miss_queue_prefix") == 0)
		return uint_key(cp, l, v, 0, 65536, &d->queue_prefix);
	if (strcmp(key, "miss_queue_total") == 0)
		return uint_key(cp, l, v, 0, 1048576, &d->queue_total);
	if (strcmp(key, "away_timeout") == 0)
		return uint_key(cp, l, v, 1, 86400, &d->away_timeout);
	if (strcmp(key, "pxtr") == 0)
		return boolean(cp, l, v, &d->pxtr);
	if (strcmp(key, "hold_eid_packets") == 0)
		return uint_key(cp, l, v, 0, 1048576, &d->hold_eid_packets);
	if (strcmp(key, "hold_eid_bytes") == 0)
		return uint_key(cp, l, v, 0, 1u << 30, &d->hold_eid_bytes);
	if (strcmp(key, "hold_total_packets") == 0)
		return uint_key(cp, l, v, 0, 4194304, &d->hold_total_packets);
	if (strcmp(key, "hold_total_bytes") == 0)
		return uint_key(cp, l, v, 0, 1u << 31, &d->hold_total_bytes);
	if (strcmp(key, "hold_timeout") == 0)
		return uint_key(cp, l, v, 1, 3600, &d->hold_timeout);
	if (strcmp(key, "hold_release_pps") == 0)
		return uint_key(cp, l, v, 1, 10000000, &d->hold_release_pps);
	if (strcmp(key, "rt_priority") == 0)
		return uint_key(cp, l, v, 0, 99, &d->rt_priority);
	if (strcmp(key, "tun_offload") == 0)
		return boolean(cp, l, v, &d->offload);
	if (strcmp(key, "decap_check") == 0)
		return boolean(cp, l, v, &d->decap_check);
	if (strcmp(key, "public_internet") == 0)	/* RFC 9300 §4.1 */
		return boolean(cp, l, v, &d->public_internet);
	if (strcmp(key, "decap_peers") == 0)
		return k_list_addr_or_prefix(cp, l, v, d->peer, &d->npeer,
		    DP_MAX_PEERS);
	if (strcmp(key, "pxtr_allow") == 0)
		return k_list_addr_or_prefix(cp, l, v, d->pxtr_allow,
		    &d->npxtr_allow, DP_MAX_PEERS);
	if (strcmp(key, "instance_id") == 0) {
		/* RFC 9300 §5.3: 24-bit Instance ID */
		if (uint_key(cp, l, v, 0, 0xffffff, &u) == -1)
			return -1;
		d->iid = u;
		d->iid_set = true;
		return 0;
	}
	if (strcmp(key, "anycast_mac") == 0) {
		d->gw_mac_set = true;
		d->mac_line = l->lineno;
		return mac(cp, l, v, d->gw_mac);
	}
	if (strcmp(key, "eid_space") == 0)
		return k_list_prefix(cp, l, v, d->eid_space, &d->neid_space,
		    DP_MAX_EID_SPACE, false);
	if (strcmp(key, "anycast_gateway") == 0) {
		if (d->gw_line == 0)
			d->gw_line = l->lineno;
		if (strchr(v, '/') == NULL)
			return bad(cp, l, v, "anycast gateway needs the "
			    "subnet length, as in 10.1.0.1/24, not");
		return k_list_prefix(cp, l, v, d->gw, &d->ngw, DP_MAX_GW,
		    true);
	}
	if (strcmp(key, "proxy_etrs") == 0) {
		if (ipaddr_parse(v, &a) == -1)
			return bad(cp, l, v, "bad proxy-ETR address");
		for (i = 0; i < d->npetr; i++)
			if (ipaddr_cmp(&d->petr[i], &a) == 0)
				return bad(cp, l, v, "duplicate address");
		if (d->npetr == DP_MAX_PETR)
			return bad(cp, l, v, "too many addresses");
		d->petr[d->npetr++] = a;
		return 0;
	}
	return bad(cp, l, key, "unknown data-plane key");
}

int
dp_conf_finish(struct cfg_parser *cp, const struct dp_conf *d)
{
	struct cfg_line	l;
	int		before = cp->errors;

	memset(&l, 0, sizeof(l));
	if (!d->enabled)
		return 0;
	if (d->tun_mtu == 0 && d->underlay_mtu < 576 + DP_OVERHEAD4)
		cfg_error(cp, &l, "underlay_mtu", "too small for a TUN, see");
	l.lineno = d->gw_line;
	if (d->ngw > 0 && d->site_if[0] == '\0')
		cfg_error(cp, &l, "anycast_gateway", "needs site_interface:");
	l.lineno = d->mac_line;
	if (d->gw_mac_set && d->site_if[0] == '\0')
		cfg_error(cp, &l, "anycast_mac", "needs site_interface:");
	l.lineno = d->tun_line;
	if (strcmp(d->tun_name, d->site_if) == 0)
		cfg_error(cp, &l, d->tun_name, "TUN and site interface are "
		    "the same:");
	return cp->errors - before;
}

static void
print_prefixes(FILE *f, const char *key, const struct ipprefix *p, int n)
{
	char	buf[IPPREFIX_STRLEN];
	int	i;

	fprintf(f, "%s = [", key);
	for (i = 0; i < n; i++)
		fprintf(f, "%s '%s'", i ? "," : "", ipprefix_fmt(&p[i], buf,
		    sizeof(buf)));
	fprintf(f, " ]\n");
}

void
dp_conf_print(FILE *f, const struct dp_conf *d)
{
	char	buf[IPADDR_STRLEN], mbuf[MAC_STRLEN];
	int	i;

	if (!d->enabled)
		return;
	fprintf(f, "data_plane = \"on\"\n");
	fprintf(f, "tun_name = \"%s\"\n", d->tun_name);
	fprintf(f, "underlay_mtu = %u\n", d->underlay_mtu);
	if (d->tun_mtu != 0)
		fprintf(f, "tun_mtu = %u\n", d->tun_mtu);
	if (d->site_if[0] != '\0')
		fprintf(f, "site_interface = \"%s\"\n", d->site_if);
	print_prefixes(f, "eid_space", d->eid_space, d->neid_space);
	print_prefixes(f, "anycast_gateway", d->gw, d->ngw);
	if (d->gw_mac_set)
		fprintf(f, "anycast_mac = \"%s\"\n", mac_fmt(d->gw_mac, mbuf,
		    sizeof(mbuf)));
	fprintf(f, "miss_queue_prefix = %u\n", d->queue_prefix);
	fprintf(f, "miss_queue_total = %u\n", d->queue_total);
	fprintf(f, "away_timeout = %u\n", d->away_timeout);
	fprintf(f, "proxy_etrs = [");
	for (i = 0; i < d->npetr; i++)
		fprintf(f, "%s '%s'", i ? "," : "", ipaddr_fmt(&d->petr[i],
		    buf, sizeof(buf)));
	fprintf(f, " ]\n");
	fprintf(f, "pxtr = \"%s\"\n", d->pxtr ? "on" : "off");
	if (d->iid_set)
		fprintf(f, "instance_id = %u\n", d->iid);
	if (!d->offload)
		fprintf(f, "tun_offload = \"off\"\n");
	if (d->rt_priority != 0)
		fprintf(f, "rt_priority = %u\n", d->rt_priority);
	/* issue 15: printed when set (older goldens hold) */
	if (!d->decap_check)
		fprintf(f, "decap_check = \"off\"\n");
	if (d->public_internet)
		fprintf(f, "public_internet = \"on\"\n");
	if (d->npeer > 0)
		print_prefixes(f, "decap_peers", d->peer, d->npeer);
	if (d->npxtr_allow > 0)
		print_prefixes(f, "pxtr_allow", d->pxtr_allow, d->npxtr_allow);
	/* issue 18: printed when not the default (older goldens hold) */
	if (d->hold_eid_packets != 4096 || d->hold_eid_bytes != 4u << 20 ||
	    d->hold_total_packets != 16384 ||
	    d->hold_total_bytes != 16u << 20 || d->hold_timeout != 30 ||
	    d->hold_release_pps != 5000)
		fprintf(f, "hold_eid_packets = %u\nhold_eid_bytes = %u\n"
		    "hold_total_packets = %u\nhold_total_bytes = %u\n"
		    "hold_timeout = %u\nhold_release_pps = %u\n",
		    d->hold_eid_packets, d->hold_eid_bytes,
		    d->hold_total_packets, d->hold_total_bytes,
		    d->hold_timeout, d->hold_release_pps);
}

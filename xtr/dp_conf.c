/* dp_conf.c: the data plane's xtrd.conf keys, see dp_conf.h. */
#include <string.h>

#include "dp_conf.h"
#include "mac.h"

#define DP_DEF_TUN	"lisp0"
/* RFC 9300 §5.3: outer IPv4 (20) + UDP (8) + LISP (8); IPv6 outer: 56 */
#define DP_OVERHEAD4	36

#define D(f)		offsetof(struct dp_conf, f)
#define DAT(f)		CK_AT(struct dp_conf, f)
#define UINT(...)	CK_UINT_KEY(struct dp_conf, __VA_ARGS__)
#define ONOFF(n, f, d, sh, txt)						\
	CK_BOOL_KEY(struct dp_conf, n, f, CK_ONOFF, d, sh, txt)
#define PREFIXES(n, f, cnt, fl, mx, sh, txt)				\
	{ .name = n, .type = CK_PREFIXES, .flags = CK_LIST | (fl),	\
	  .off = D(f), .count = DAT(cnt), .max = mx, .show = sh, .doc = txt }
/* issue 18: the hold keys print together when one is not the default */
#define HOLD(n, f, lo, hi, d, txt)					\
	{ .name = n, .type = CK_UINT, .off = D(f), .min = lo, .max = hi,	\
	  .def = d, .show = CK_NONDEF, .group = 1, .doc = txt }

/* anycast_gateway: an address with its subnet length, host bits kept */
static int
k_anycast_gateway(struct cfg_key_ctx *x, void *obj, const char *v)
{
	if (strchr(v, '/') == NULL)
		return cfg_error(x->cp, x->l, v, "anycast gateway needs the "
		    "subnet length, as in 10.1.0.1/24, not");
	return cfg_key_set_type(x, obj, v);
}

static int
k_anycast_mac(struct cfg_key_ctx *x, void *obj, const char *v)
{
	struct dp_conf	*d = obj;

	d->gw_mac_set = true;	/* finish checks it has a site_interface */
	if (mac_parse(v, d->gw_mac) == -1)
		return cfg_error(x->cp, x->l, v, "bad MAC address");
	if (d->gw_mac[0] & 1)
		return cfg_error(x->cp, x->l, v, "multicast MAC address");
	return 0;
}

static void
p_anycast_mac(FILE *f, const struct cfg_key *k, const void *obj)
{
	char	buf[MAC_STRLEN];

	fprintf(f, "%s = \"%s\"\n", k->name,
	    mac_fmt(((const struct dp_conf *)obj)->gw_mac, buf, sizeof(buf)));
}

/* In the order `xtrd -nv` prints them. */
const struct cfg_key dp_conf_keys[DP_CONF_NKEYS] = {
	ONOFF("data_plane", enabled, false, CK_ALWAYS,
	    "on: xtrd forwards packets (TUN, encapsulation)"),
	{ .name = "tun_name", .type = CK_IFNAME, .off = D(tun_name),
	  .size = DP_IFNAMSIZ, .sdef = DP_DEF_TUN, .line = DAT(tun_line),
	  .show = CK_ALWAYS, .doc = "the TUN device xtrd creates" },
	UINT("underlay_mtu", underlay_mtu, 1280, 65535, 1500, CK_ALWAYS,
	    "MTU of the RLOC network"),
	UINT("tun_mtu", tun_mtu, 576, 65535, 0, CK_NONDEF,
	    "the TUN's MTU (default: underlay_mtu - 36)"),
	{ .name = "site_interface", .type = CK_IFNAME, .off = D(site_if),
	  .size = DP_IFNAMSIZ, .show = CK_NONDEF,
	  .doc = "where the local EIDs live (a bridge)" },
	PREFIXES("eid_space", eid_space, neid_space, 0, DP_MAX_EID_SPACE,
	    CK_ALWAYS, "EID prefixes routed into the TUN"),
	{ .name = "anycast_gateway", .type = CK_PREFIXES,
	  .flags = CK_LIST | CK_HOSTBITS, .set = k_anycast_gateway,
	  .off = D(gw), .count = DAT(ngw), .max = DP_MAX_GW,
	  .line = DAT(gw_line), .show = CK_ALWAYS,
	  .doc = "the guests' gateway on every host: address/length" },
	{ .name = "anycast_mac", .type = CK_CUSTOM, .set = k_anycast_mac,
	  .print = p_anycast_mac, .given = DAT(gw_mac_set),
	  .line = DAT(mac_line), .show = CK_GIVEN,
	  .doc = "the anycast gateway's MAC address" },
	/* a 200 packets/s flow through one lost Map-Request: its
	 * retransmission goes 1 s later (rate_limit, RFC 9301 §5.3) */
	UINT("miss_queue_prefix", queue_prefix, 0, 65536, 256, CK_ALWAYS,
	    "packets queued per EID miss"),
	UINT("miss_queue_total", queue_total, 0, 1048576, 4096, CK_ALWAYS,
	    "packets queued for misses in all"),
	UINT("away_timeout", away_timeout, 1, 86400, 30, CK_ALWAYS,
	    "seconds without traffic before an away entry expires"),
	{ .name = "proxy_etrs", .type = CK_ADDRS, .flags = CK_LIST,
	  .off = D(petr), .count = DAT(npetr), .max = DP_MAX_PETR,
	  .what = "proxy-ETR", .show = CK_ALWAYS,
	  .doc = "PETRs for destinations that are no EID" },
	ONOFF("pxtr", pxtr, false, CK_ALWAYS,
	    "PxTR: decapsulate for anyone"),
	/* RFC 9300 §5.3: 24-bit Instance ID */
	{ .name = "instance_id", .type = CK_UINT, .off = D(iid), .max = 0xffffff,
	  .given = DAT(iid_set), .show = CK_GIVEN,
	  .doc = "the Instance ID of our packets (RFC 9300 §5.3 I bit)" },
	ONOFF("tun_offload", offload, true, CK_NONDEF,
	    "TSO/GSO/GRO on the TUN and the UDP socket"),
	UINT("rt_priority", rt_priority, 0, 99, 0, CK_NONDEF,
	    "SCHED_RR priority of xtrd, 0: none"),
	/* issue 15 finding 5; printed when set (older goldens hold) */
	ONOFF("decap_check", decap_check, true, CK_NONDEF,
	    "decapsulate only from an RLOC of the inner source's mapping"),
	/* RFC 9300 §4.1 */
	ONOFF("public_internet", public_internet, false, CK_NONDEF,
	    "RLOCs on the public Internet: N L E V 0"),
	PREFIXES("decap_peers", peer, npeer, CK_ADDR_OK, DP_MAX_PEERS,
	    CK_NONDEF, "xTRs that may send any inner source (other Dom0s)"),
	PREFIXES("pxtr_allow", pxtr_allow, npxtr_allow, CK_ADDR_OK,
	    DP_MAX_PEERS, CK_NONDEF, "PxTR: the outer sources it serves"),
	/* a 0.5 s blackout of a 1 Gb/s flow of 1500-byte packets is ~42000
	 * packets: the defaults keep a few seconds of a typical guest's
	 * traffic, the total a few such guests at once */
	HOLD("hold_eid_packets", hold_eid_packets, 0, 1048576, 4096,
	    "packets held for one expected EID, 0: no holding"),
	HOLD("hold_eid_bytes", hold_eid_bytes, 0, 1u << 30, 4u << 20,
	    "bytes held for one expected EID"),
	HOLD("hold_total_packets", hold_total_packets, 0, 4194304, 16384,
	    "packets held in all"),
	HOLD("hold_total_bytes", hold_total_bytes, 0, 1u << 31, 16u << 20,
	    "bytes held in all"),
	HOLD("hold_timeout", hold_timeout, 1, 3600, 30,
	    "seconds an expectation not met keeps what it holds"),
	HOLD("hold_release_pps", hold_release_pps, 1, 10000000, 5000,
	    "packets a second released into the site"),
	/* the source check's queue (dp_queue.c): two Map-Request intervals
	 * (RFC 9301 §5.3: one a second) of a 16 Mb/s flow per source */
	UINT("verify_source_bytes", verify_source_bytes, 0, 1u << 30,
	    4u << 20, CK_NONDEF, "bytes held for one unverified source"),
	UINT("verify_total_bytes", verify_total_bytes, 0, 1u << 31,
	    16u << 20, CK_NONDEF, "bytes held for all unverified sources"),
};

void
dp_conf_defaults(struct dp_conf *d)
{
	memset(d, 0, sizeof(*d));
	cfg_key_defaults(dp_conf_keys, DP_CONF_NKEYS, d);
}

uint32_t
dp_conf_tun_mtu(const struct dp_conf *d)
{
	return d->tun_mtu ? d->tun_mtu : d->underlay_mtu - DP_OVERHEAD4;
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

void
dp_conf_print(FILE *f, const struct dp_conf *d)
{
	if (d->enabled)
		cfg_key_print(f, dp_conf_keys, DP_CONF_NKEYS, d);
}

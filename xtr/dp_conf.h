/*
 * dp_conf.h: the data plane's keys in xtrd.conf (all optional; without
 * `data_plane = "on"` xtrd is the control plane alone, as before):
 *
 *   data_plane = "on"                     # on | off (default off)
 *   tun_name = "lisp0"                    # the TUN device xtrd creates
 *   underlay_mtu = 1500                   # MTU of the RLOC network
 *   tun_mtu = 1464                        # default: underlay_mtu - 36
 *   site_interface = "xenbr0"             # where local EIDs live
 *   eid_space = [ '10.0.0.0/8', '2001:db8::/32' ]   # routed into the TUN
 *   anycast_gateway = [ '10.1.0.1/24', '2001:db8:a::1/64' ]
 *   anycast_mac = "00:00:5e:00:01:01"
 *   miss_queue_prefix = 256               # packets queued per EID miss
 *                                         # (the ~1 s a lost Map-Request
 *                                         # costs a 200 pps flow)
 *   miss_queue_total = 4096               # packets queued in all
 *   away_timeout = 30                     # s without traffic: away expires
 *   proxy_etrs = [ '192.0.2.50' ]         # PETR for non-EID destinations
 *   pxtr = "on"                           # PxTR: decapsulate for anyone
 *   instance_id = 0                       # RFC 9300 §5.3 I bit when set
 *   tun_offload = "on"                    # TSO/GSO/GRO (default on)
 *   rt_priority = 0                       # SCHED_RR 1-99 for xtrd; 0 off
 *   decap_check = "on"                    # decapsulate only from an RLOC
 *                                         # of the inner source's mapping,
 *                                         # a proxy_itrs or a decap_peers
 *   decap_peers = [ '192.0.2.2' ]         # xTRs that may send any inner
 *                                         # source (they redirect moved
 *                                         # EIDs to us: the other Dom0s)
 *   pxtr_allow = [ '192.0.2.0/24' ]       # PxTR: outer sources it proxies
 *                                         # for (default: any)
 *   hold_eid_packets = 4096               # an expected EID (POST
 *   hold_eid_bytes = 4194304              # /v1/expect): packets held per
 *   hold_total_packets = 16384            # EID and in all until it is
 *   hold_total_bytes = 16777216           # added (dp_hold.c); 0 packets:
 *                                         # holding off
 *   hold_timeout = 30                     # s: an expectation not met
 *                                         # drops what it holds
 *   hold_release_pps = 5000               # release pace into the site
 *   verify_source_bytes = 4194304         # decapsulated, held while the
 *   verify_total_bytes = 16777216         # inner source's mapping is
 *                                         # asked (dp_queue.c): per
 *                                         # source and in all
 *
 * Each key is one entry of dp_conf_keys[] (common/cfgkey.h), which
 * config.c parses with its own table as one file; the printer writes them
 * back only when the data plane is on, so configurations without it print
 * exactly as before.
 */
#ifndef XTR_DP_CONF_H
#define XTR_DP_CONF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "addr.h"
#include "cfgkey.h"

#define DP_MAX_EID_SPACE	32
#define DP_MAX_GW		16
#define DP_MAX_PETR		8
#define DP_MAX_PEERS		64
#define DP_IFNAMSIZ		16

struct dp_conf {
	bool		enabled;
	char		tun_name[DP_IFNAMSIZ];
	uint32_t	underlay_mtu;
	uint32_t	tun_mtu;		/* 0: underlay_mtu - 36 */
	char		site_if[DP_IFNAMSIZ];	/* "" none */
	int		neid_space;
	struct ipprefix	eid_space[DP_MAX_EID_SPACE];
	int		ngw;
	struct ipprefix	gw[DP_MAX_GW];		/* address/plen of subnet */
	bool		gw_mac_set;
	uint8_t		gw_mac[6];
	uint32_t	queue_prefix;
	uint32_t	queue_total;
	uint32_t	away_timeout;		/* s */
	int		npetr;
	struct ipaddr	petr[DP_MAX_PETR];
	bool		pxtr;
	bool		offload;		/* TUN TSO/csum + UDP GSO/GRO */
	int		gw_line, mac_line, tun_line;	/* for finish errors */
	bool		iid_set;
	uint32_t	iid;			/* 24 bits */
	uint32_t	rt_priority;		/* SCHED_RR; 0: not */
	bool		decap_check;		/* issue 15 finding 5 */
	bool		public_internet;	/* RFC 9300 §4.1: N L E V 0 */
	int		npeer;
	struct ipprefix	peer[DP_MAX_PEERS];	/* decap_peers */
	int		npxtr_allow;
	struct ipprefix	pxtr_allow[DP_MAX_PEERS];
	uint32_t	hold_eid_packets;	/* issue 18: dp_hold.c */
	uint32_t	hold_eid_bytes;
	uint32_t	hold_total_packets;
	uint32_t	hold_total_bytes;
	uint32_t	hold_timeout;		/* s */
	uint32_t	hold_release_pps;
	uint32_t	verify_source_bytes;	/* dp_queue.c: held per source */
	uint32_t	verify_total_bytes;	/* ... and for all sources */
};

/* The data plane's keys, over struct dp_conf. */
#define DP_CONF_NKEYS	28
extern const struct cfg_key dp_conf_keys[DP_CONF_NKEYS];

void	dp_conf_defaults(struct dp_conf *);
/* Checks across keys; returns the number of errors reported. */
int	dp_conf_finish(struct cfg_parser *, const struct dp_conf *);
void	dp_conf_print(FILE *, const struct dp_conf *);
/* The TUN MTU in effect. */
uint32_t dp_conf_tun_mtu(const struct dp_conf *);

#endif

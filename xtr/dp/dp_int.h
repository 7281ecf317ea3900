/*
 * dp_int.h: state shared by the data plane's one-job files (dp_*.c).
 * One instance, struct dp (below): every table and buffer of the data
 * plane is a member of it, allocated by dp_init() and reached from
 * struct xtrd (x->dp).  Every dp_*.c file takes it as an argument
 * (struct dp *d), as the counters (DPC(d, n)) and dp_drop()/dp_alert()
 * do, and dp_routes.c the part it keeps (struct dp_nl *, &d->nl); timers
 * and callbacks get it as their argument, dp.h's wrappers find it in
 * x->dp.  No global points at it (issue 14: no back doors).  Owned by
 * xtrd's poll loop: nothing is locked.
 */
#ifndef XTR_DP_INT_H
#define XTR_DP_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "addr.h"
#include "dp.h"
#include "dp_hold_ix.h"
#include "droplog.h"
#include "xtr/config.h"
#include "xtr/dp_conf.h"
#include "lisp.h"
#include "log.h"
#include "xtr/ratelim.h"
#include "xtr/timer.h"

#define DP_BATCH	64		/* packets per recvmmsg/sendmmsg */
#define DP_BUFSZ	65536		/* one packet, or one GSO/GRO batch */
#define DP_VNET_LEN	10		/* struct virtio_net_hdr */
#define DP_GSO_MAX	65000		/* UDP GSO send: payload bytes */
#define DP_GSO_SEGS	64		/* UDP GSO send: segments */
#define DP_UDP_OVH	(8 + LISP_DATA_HDR_LEN)	/* UDP + LISP */

#define DP_COUNTERS(X)							\
	X(tun_rx) X(tun_rx_bytes) X(encap_tx) X(encap_tx_bytes)		\
	X(udp_rx) X(decap_tx) X(decap_tx_bytes)				\
	X(miss) X(queued) X(queue_flushed) X(resolve_sent)		\
	X(away_reencap) X(away_smr) X(away_added) X(away_expired)	\
	X(away_smr_held) X(away_smr_timeout)				\
	X(petr_tx) X(lsb_probe) X(pmtu_icmp) X(pmtu_outer_frag)	\
	X(nd_proxy_na) X(garp_sent) X(arp_proxy_reply) X(proxy_self_ignored)	\
	X(drop_queue_full) X(drop_queue_timeout) X(drop_bad_inner)	\
	X(drop_bad_hdr) X(drop_iid) X(drop_no_rloc) X(drop_negative)	\
	X(drop_not_local) X(drop_tx_error) X(drop_tun_write)		\
	X(drop_loop) X(drop_ttl) X(drop_not_eid)		\
	X(src_held) X(src_verified) X(drop_src_spoofed)		\
	X(drop_src_unverified) X(drop_pxtr_acl) X(tso_rx) X(gso_tx) X(gro_rx) X(gro_tx) \
	X(hold_expected) X(held) X(hold_released) X(drop_hold_full)	\
	X(drop_hold_timeout) X(drop_hold_cancel) X(hold_returned)

enum dp_cnt {
#define DP_CNT_ENUM(n) DPC_##n,
	DP_COUNTERS(DP_CNT_ENUM)
#undef DP_CNT_ENUM
	DPC__COUNT
};

/* An inner IPv4/IPv6 packet, parsed (dp_pkt.c). */
struct dp_pkt {
	struct ipaddr	src, dst;
	size_t		len;		/* IP total length (<= buffer) */
	size_t		hlen;		/* IP header, IPv6 without ext hdrs */
	uint8_t		proto;		/* next header as found */
	uint8_t		ttl;
	bool		df;		/* IPv4 DF, always true for IPv6 */
	bool		frag;		/* a fragment: no ports */
	uint16_t	sport, dport;
	uint32_t	hash;		/* flow hash (5-tuple) */
};

/* virtio_net_hdr as the TUN reads and writes it (host byte order). */
struct dp_vnet {
	uint8_t		flags;
	uint8_t		gso_type;
	uint16_t	hdr_len;
	uint16_t	gso_size;
	uint16_t	csum_start;
	uint16_t	csum_offset;
};
#define DP_VNET_NEEDS_CSUM	1
#define DP_VNET_GSO_NONE	0
#define DP_VNET_GSO_TCPV4	1
#define DP_VNET_GSO_TCPV6	4
#define DP_VNET_GSO_UDP_L4	5

/* One TCP super-packet to cut (dp_gso.c). */
struct dp_tso {
	size_t		iphl, hl;	/* IP header, IP + TCP headers */
	size_t		mss, payload, nseg;
	int		v6;
};
int	dp_vnet_csum(uint8_t *, size_t, const struct dp_vnet *);
int	dp_tso_prepare(const struct dp_vnet *, const uint8_t *, size_t,
	    struct dp_tso *);
size_t	dp_tso_segment(const struct dp_tso *, const uint8_t *, size_t i,
	    uint8_t *out);

enum dp_pkt_err {
	DPP_OK = 0, DPP_SHORT, DPP_VERSION, DPP_HLEN, DPP_TOTLEN,
};
int	dp_pkt_parse(const uint8_t *, size_t, struct dp_pkt *);

struct xtrd;

/* dp_away.c: an EID that left, redirected to its new RLOCs */
#define DP_MAX_AWAY	1024
struct dp_away {
	bool		used;
	struct ipprefix	eid;
	int		nrloc;
	struct ipaddr	rloc[XC_MAX_RLOC];
	uint64_t	since_ms;
	uint64_t	last_ms;	/* last packet, or creation */
	uint64_t	packets;
	bool		confirmed;	/* the mapping system maps it there */
	uint64_t	smr_after_ms;	/* unconfirmed: SMR from then on */
};
struct dp_away_tab {
	struct dp_away	e[DP_MAX_AWAY];
	int		n;		/* highest used slot + 1 */
};

/* dp_encap.c: the encapsulated packets of one family, sent by one
 * sendmmsg() (dp_tx_flush) */
struct dp_txq {
	int			n;
	struct mmsghdr		m[DP_BATCH];
	struct iovec		iov[DP_BATCH][2];
	uint8_t			hdr[DP_BATCH][LISP_DATA_HDR_LEN];
	struct sockaddr_storage	to[DP_BATCH];
};

/* dp_gro.c: one flow being joined */
#define DP_GRO_SLOTS	8
#define DP_GRO_MAX	65535
struct dp_gro {
	bool		used;
	uint8_t		proto;		/* TCP or UDP */
	bool		closed;		/* PSH or short segment seen */
	int		v6;
	size_t		iphl, hl;	/* IP header, IP + TCP headers */
	size_t		mss;		/* first segment's payload */
	size_t		len;		/* bytes in buf */
	int		nseg;
	uint32_t	next_seq;
	uint8_t		buf[DP_GRO_MAX];
};
struct dp_gro_tab {
	struct dp_gro	g[DP_GRO_SLOTS];
	int		next;		/* slot to reuse next */
};

/* A paced release (dp_hold.c, dp_queue.c): a token bucket of pps
 * refilled on a DP_PACE_MS timer, so that what was held goes out at a
 * rate the receiver can take, not in one burst (issue 18). */
#define DP_PACE_MS	1	/* release timer period */
struct dp_pace {
	struct timer	 t;
	uint64_t	 last_ms;
	double		 tokens;
};

/* Starting: one token, now; false if already running (the timer's). */
static inline bool
dp_pace_start(struct dp_pace *p, uint64_t now)
{
	if (timer_armed(&p->t))
		return false;
	p->last_ms = now;
	p->tokens = 1;
	return true;
}

/* On each run: the tokens since the last, at most ~4 ms of the pace. */
static inline void
dp_pace_fill(struct dp_pace *p, double pps, uint64_t now)
{
	p->tokens += (double)(now - p->last_ms) * pps / 1000.0;
	if (p->tokens > pps / 250.0 + 1)
		p->tokens = pps / 250.0 + 1;
	p->last_ms = now;
}

/* One packet may go. */
static inline bool
dp_pace_take(struct dp_pace *p)
{
	if (p->tokens < 1)
		return false;
	p->tokens -= 1;
	return true;
}

/* dp_queue.c: slots in a hash by destination, and a free list: a packet
 * finds its queue without a scan of DPQ_MAX slots (issue 15 finding 9). */
#define DPQ_MAX		1024	/* destinations waiting at once */
#define DPQ_HASH	2048	/* power of two */
struct dp_qent;
struct dp_queue {
	struct dp_qent	*q;		/* DPQ_MAX slots, dp_queue_init */
	int		 bucket[DPQ_HASH];
	int		 freelist[DPQ_MAX], nfree;
	uint32_t	 total;		/* packets queued */
	int		 nverify;	/* slots held for a source */
	size_t		 verify_bytes;	/* held for them (with overhead) */
	struct tbucket	 verify_tb;	/* their Map-Requests */
	struct dp_pace	 pace;		/* held sources' release */
	struct dp_qent	*releasing;	/* its packet in dp_decap_verified */
};

/* dp_hold.c: packets held for an EID about to arrive (issue 18) */
#define DP_MAX_HOLD	HIX_MAX	/* EIDs expected at once */
struct dp_hpkt {
	struct dp_hpkt	*next;
	size_t		 len;
	uint8_t		 data[];
};

enum hold_state {
	H_EXPECTING,		/* the guest cannot take them yet */
	H_RELEASING,		/* into the site, paced */
	H_RETURNING,		/* aborted: back where the EID lives */
};

struct dp_hold {
	bool		 used;
	enum hold_state	 state;
	bool		 until_arrival;	/* migrated tells the arrival */
	bool		 arrived;	/* ... and has */
	bool		 added_seen;	/* dp-hold-added in the timeline */
	struct ipprefix	 eid;
	uint64_t	 since_ms, expires_ms, first_ms;
	uint64_t	 cancel_ms;	/* returning: mappings since count */
	uint64_t	 asked_ms;	/* returning: last Map-Request */
	uint32_t	 n;
	size_t		 bytes;
	uint64_t	 held, released, returned, dropped;
	struct dp_hpkt	*head, *tail;
};

struct dp_hold_tab {
	struct dp_hold	 e[DP_MAX_HOLD];
	struct hold_ix	 ix;		/* e[] by EID (dp_hold_ix.c) */
	int		 n;		/* highest used slot + 1: set by
					 * nhold_set (with holding) */
	uint32_t	 total_n;	/* packets held, all EIDs */
	size_t		 total_bytes;
	struct dp_pace	 pace;		/* release (pace_run) */
};

/* dp_routes.c: the rtnetlink socket and what we installed */
#define DP_MAX_ADDRS	32
struct mnl_socket;
struct dp_route;
struct dp_ifaddr {
	int		ifindex;
	struct ipprefix	p;
};
struct dp_nl {
	struct mnl_socket *nl;
	unsigned	 portid;
	uint32_t	 seq;
	struct dp_route	*routes;	/* DP_MAX_ROUTES, dp_nl_open */
	int		 nroutes;
	struct dp_ifaddr addrs[DP_MAX_ADDRS];
	int		 naddrs;
};

/* dp_proxy.c: the site interface's packet sockets */
struct dp_proxy {
	int		pfd;		/* NS in; NA, ARP out; -1 none */
	int		afd;		/* ARP requests in; -1 none */
	uint8_t		mac[6];		/* the anycast gateway's */
};

/* The receive buffers: each batch's packets are referenced by the
 * encapsulated copies until dp_tx_flush(), so each path has its own. */
struct dp_bufs {
	/* dp_tun_input: what the kernel routed into the TUN */
	uint8_t			tun[DP_BATCH][DP_BUFSZ + DP_VNET_LEN];
	/* dp_udp_input: UDP 4341 */
	uint8_t			udp[DP_BATCH][DP_BUFSZ];
	struct mmsghdr		m[DP_BATCH];
	struct iovec		iov[DP_BATCH];
	struct sockaddr_storage	from[DP_BATCH];
	union {
		char		b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr	align;
	}			ctl[DP_BATCH];
	/* dp_encap.c: TCP segments cut from a TUN super-packet, and the
	 * UDP GSO batch of their encapsulations */
	uint8_t			seg[2 * DP_BUFSZ];
	uint8_t			gso[DP_GSO_MAX + DP_BUFSZ];
};

struct dp {
	const struct dp_ops	*ops;	/* the backend (dp.h) */
	struct xtrd		*x;
	struct dp_upcalls	 up;	/* the control plane (dp.h) */
	const struct dp_conf	*c;
	int			 tun_fd;
	int			 tun_ifindex;
	int			 site_ifindex;	/* 0 none */
	uint32_t		 tun_mtu;
	int			 udp4, udp6;
	bool			 vnet;		/* TUN offloads on */
	bool			 udp_gso;	/* UDP_SEGMENT works */
	struct ipaddr		 rloc4, rloc6;
	uint32_t		 lsb;		/* our locator-status-bits */
	uint32_t		 rnd;		/* nonce generator state */
	uint64_t		 now_ms;	/* cached per batch */
	struct timer		 tick;
	uint64_t		 cnt[DPC__COUNT];
	struct droplog		 droplog[DPC__COUNT];	/* dp_drop: common/droplog.h */
	uint64_t		 logged_ms[DPC__COUNT];	/* dp_alert */
	struct dp_away_tab	 away;
	struct dp_txq		 txq4, txq6;
	struct dp_gro_tab	 gro;
	struct dp_queue		 queue;
	struct dp_nl		 nl;
	struct dp_proxy		 proxy;
	struct dp_bufs		*bufs;
	struct dp_hold_tab	 hold;
	bool			 holding;	/* dp_hold.c holds for an EID */
};


/* Count on the data plane d (a struct dp *). */
#define DPC(d, n)	((d)->cnt[DPC_##n]++)
#define DPC_ADD(d, n, v)	((d)->cnt[DPC_##n] += (v))
/* Count a drop and log it at debug level, once a second per reason. */
void	dp_drop(struct dp *, enum dp_cnt, const char *fmt, ...)
	    LOG_ATTR(3, 4);
/* The same for what an attack or a fault looks like: a warning, at most
 * one every 10 s per reason, with the count so far. */
void	dp_alert(struct dp *, enum dp_cnt, const char *fmt, ...)
	    LOG_ATTR(3, 4);

/* dp_tun.c */
int	dp_tun_open(const char *name, uint32_t mtu, bool offload,
	    int *ifindex, bool *vnet);
void	dp_tun_input(struct dp *);		/* drain the TUN: ITR */
int	dp_tun_write(struct dp *, const uint8_t *, size_t);
struct iovec;
int	dp_tun_writev(struct dp *, const struct iovec *, int);	/* 0 or -1 */

/* dp_encap.c: ITR */
/* Route one inner packet from the site: map-cache, queue, PETR. */
void	dp_itr_output(struct dp *, const uint8_t *, size_t,
	    const struct dp_pkt *, bool from_queue);
/* Encapsulate to rloc (batched: buffers must live until dp_tx_flush). */
int	dp_encap(struct dp *, const struct ipaddr *rloc, const uint8_t *,
	    size_t, const struct dp_pkt *);
void	dp_tx_flush(struct dp *);
/* A TCP super-packet from the TUN (offloads on). */
void	dp_itr_output_gso(struct dp *, const struct dp_vnet *,
	    const uint8_t *, size_t);
bool	dp_unicast(const struct ipaddr *);
int	dp_udp_open(struct dp *, int af, const struct ipaddr *bind_to);

/* dp_gro.c: ETR, TCP segments joined before the TUN */
void	dp_gro_deliver(struct dp *, const uint8_t *, const struct dp_pkt *);
void	dp_gro_flush(struct dp *);

/* dp_decap.c: ETR */
void	dp_udp_input(struct dp *, int fd);
/* A packet held until its inner source's mapping came (dp_queue.c):
 * checked again, then delivered, redirected, held once more (the mapping
 * installed may be the stale one) while held_ms is less than
 * DPQ_VERIFY_MS ago, or dropped. */
void	dp_decap_verified(struct dp *, uint8_t *, size_t,
	    const struct dp_pkt *, const struct ipaddr *outer,
	    uint64_t held_ms);

/* dp_queue.c: packets waiting for a Map-Reply */
int	dp_queue_init(struct dp *);
void	dp_queue_add(struct dp *, const uint8_t *, size_t,
	    const struct dp_pkt *);
/* Decapsulated from outer, its inner source not cached (or cached
 * without outer): hold it while the source's mapping is resolved
 * (dp_decap_verified once a mapping is installed); held_ms: when it was
 * first held, 0 for now. */
#define DPQ_VERIFY_MS	3000
void	dp_queue_verify(struct dp *, const uint8_t *, size_t,
	    const struct dp_pkt *, const struct ipaddr *outer,
	    uint64_t held_ms);
/* Passed the check: true if it joined its source's release in progress
 * (paced, in order) rather than overtake it. */
bool	dp_queue_behind(struct dp *, const uint8_t *, const struct dp_pkt *,
	    const struct ipaddr *outer);
void	dp_queue_flush(struct dp *, const struct ipprefix *installed);
void	dp_queue_tick(struct dp *);
void	dp_queue_free(struct dp *);

/* dp_away.c: EIDs that left, redirected to their new RLOCs */
struct dp_away *dp_away_find(struct dp *, const struct ipaddr *);
/* 1 if an entry is kept for eid (created or updated), 0 if not. */
int	dp_away_set(struct dp *, const struct ipprefix *, const struct ipaddr *,
	    int n, bool confirmed);
void	dp_away_del(struct dp *, const struct ipprefix *);
/* From our site: encapsulate pkt to the away entry's RLOCs. */
void	dp_away_forward(struct dp *, struct dp_away *, const uint8_t *, size_t,
	    const struct dp_pkt *);
/* Decapsulated from `from`: on to the entry's RLOCs (never back to from,
 * inner TTL decremented; drop_loop / drop_ttl), SMR from. */
void	dp_away_reencap(struct dp *, struct dp_away *, uint8_t *, size_t,
	    const struct dp_pkt *, const struct ipaddr *from);
/* Inner TTL / Hop Limit minus one (IPv4 checksum fixed); -1 at <= 1. */
int	dp_ttl_dec(uint8_t *, const struct dp_pkt *);
void	dp_away_tick(struct dp *);
void	dp_away_free(struct dp *);
int	dp_away_restore(struct dp *, const struct ipprefix *,
	    const struct ipaddr *, int n, uint64_t idle_ms);
int	dp_away_walk(struct dp *, int (*)(const struct dp_away_view *, void *),
	    void *);

/* dp_hold.c: packets for an EID about to arrive here (issue 18) */
void	dp_hold_init(struct dp *);
/* POST /v1/expect (dp.h, enum dp_expect_op). */
int	dp_hold_expect(struct dp *, const struct ipprefix *, enum dp_expect_op);
/* Decapsulated for pp->dst: true if held (or dropped: its hold full).
 * from_peer: sent by a decap_peers Dom0 (which expects it for us). */
bool	dp_hold_input(struct dp *, const uint8_t *, const struct dp_pkt *,
	    bool from_peer);
/* added is served here now: release what its EIDs hold, paced (those
 * expected until their arrival: once it came). */
void	dp_hold_release(struct dp *, const struct ipprefix *added);
/* A packet from the site with source src (only while d->holding): its
 * guest's first one is its arrival. */
void	dp_hold_sent(struct dp *, const struct ipaddr *src);
void	dp_hold_tick(struct dp *);
void	dp_hold_free(struct dp *);

/* dp_routes.c: rtnetlink (libmnl) */
int	dp_nl_open(struct dp_nl *);
void	dp_nl_close(struct dp_nl *);
/* Point prefix at ifindex (ours: replaced or created); 0 or -1. */
int	dp_route_set(struct dp_nl *, const struct ipprefix *, int ifindex);
int	dp_route_unset(struct dp_nl *, const struct ipprefix *);
bool	dp_route_host_via(struct dp_nl *, const struct ipaddr *, int ifindex);
void	dp_routes_flush(struct dp_nl *);	/* every route we added */
int	dp_addr_add(struct dp_nl *, int ifindex, const struct ipprefix *);
void	dp_addrs_flush(struct dp_nl *);
int	dp_link_set_mac(struct dp_nl *, int ifindex, const uint8_t *mac);
int	dp_neigh_use(struct dp_nl *, int ifindex, const struct ipaddr *);
int	dp_sysctl(const char *path, const char *val);

/* dp_proxy.c: anycast gateway, proxy ARP/ND */
int	dp_proxy_init(struct dp *);
int	dp_proxy_fd(struct dp *, int af);	/* AF_INET: ARP, AF_INET6: ND */
void	dp_proxy_input(struct dp *);
/* EID left */
void	dp_proxy_announce(struct dp *, const struct ipprefix *);
void	dp_proxy_fini(struct dp *);

/* dp_pmtu.c */
/* True if pkt fits toward an RLOC of family af; else answered (ICMP). */
bool	dp_pmtu_check(struct dp *, const uint8_t *, size_t,
	    const struct dp_pkt *, int af);

/* dp.c */
/* ETR: deliver here */
bool	dp_is_local(struct dp *, const struct ipaddr *);
uint32_t dp_nonce(struct dp *);

#endif

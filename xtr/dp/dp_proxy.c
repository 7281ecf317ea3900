/*
 * dp_proxy.c: the site side of a Dom0.  Every Dom0's site interface (the
 * bridge) presents the same anycast gateway addresses and MAC (from the
 * config), so a VM that lands in another datacenter keeps the gateway it
 * had resolved.  For addresses of the VM's subnet that are not here, the
 * xTR answers ARP requests and neighbour solicitations (RFC 4861 §7.2.8
 * proxy advertisements) itself, so the VM still reaches its old
 * neighbours, through LISP.  Never what a host says about its own
 * address: its gratuitous ARP (sender IP = target IP, RFC 5227 §2.3), an
 * ARP probe (sender 0.0.0.0, RFC 5227 §2.1.1) or a DAD solicitation (from
 * ::, RFC 4862 §5.4.3).  A guest that just arrived sends these before
 * its EID is served here, while its address still routes into the TUN;
 * the kernel's proxy_arp answered its gratuitous ARP with the gateway's
 * MAC (it checks only the route to the target), so it is off.  When an
 * EID leaves, a gratuitous ARP / unsolicited NA (RFC 4861 §7.2.6) points
 * the neighbours it left at the gateway.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "csum.h"
#include "cursor.h"
#include "dp_int.h"
#include "xtr/xtrd.h"


static void
sysctl_if(const char *dir, const char *ifname, const char *key,
    const char *val)
{
	char	path[128];

	snprintf(path, sizeof(path), "/proc/sys/net/%s/%s/%s", dir, ifname,
	    key);
	if (dp_sysctl(path, val) == -1)
		log_debug("sysctl %s: %s", path, strerror(errno));
}

static int
get_mac(const char *ifname, uint8_t *out)
{
	struct ifreq	ifr;
	int		s, r;

	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	r = ioctl(s, SIOCGIFHWADDR, &ifr);
	close(s);
	if (r == -1)
		return -1;
	memcpy(out, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}

/* A packet socket for ethertype proto on ifindex, what prog accepts
 * (frames received only: a socket of one ethertype sees no output). */
static int
open_filtered(int ifindex, uint16_t proto, struct sock_fprog *prog)
{
	struct sockaddr_ll	sll;
	int			fd;

	if ((fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    htons(proto))) == -1)
		return -1;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(proto);
	sll.sll_ifindex = ifindex;
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, prog,
	    sizeof(*prog)) == -1 || bind(fd, (struct sockaddr *)&sll,
	    sizeof(sll)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/* ICMPv6 Neighbor Solicitations only (ip6 nxt 58, type 135). */
static int
open_nd(int ifindex)
{
	static const struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETHERTYPE_IPV6, 0, 5),
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 14 + 6),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_ICMPV6, 0, 3),
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 14 + 40),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 135, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog	prog = { sizeof(code) / sizeof(code[0]),
				    (struct sock_filter *)(uintptr_t)code };

	return open_filtered(ifindex, ETH_P_IPV6, &prog);
}

/* ARP requests for IPv4 over Ethernet only (RFC 826: hrd 1, pro 0x0800,
 * hln 6, pln 4, op 1). */
static int
open_arp(int ifindex)
{
	static const struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETHERTYPE_ARP, 0, 9),
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 14),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARPHRD_ETHER, 0, 7),
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 14 + 2),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETHERTYPE_IP, 0, 5),
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 14 + 4),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x0604, 0, 3),
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 14 + 6),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARPOP_REQUEST, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog	prog = { sizeof(code) / sizeof(code[0]),
				    (struct sock_filter *)(uintptr_t)code };

	return open_filtered(ifindex, ETH_P_ARP, &prog);
}

int
dp_proxy_init(struct dp *d)
{
	const struct dp_conf	*c = d->c;
	int			 i, ifx;

	if (c->site_if[0] == '\0')
		return 0;
	if ((ifx = (int)if_nametoindex(c->site_if)) == 0) {
		log_warn("site interface %s", c->site_if);
		return -1;
	}
	d->site_ifindex = ifx;
	if (c->gw_mac_set && dp_link_set_mac(&d->nl, ifx, c->gw_mac) == -1)
		log_warn("%s: anycast MAC", c->site_if);
	for (i = 0; i < c->ngw; i++)
		dp_addr_add(&d->nl, ifx, &c->gw[i]);
	if (get_mac(c->site_if, d->proxy.mac) == -1)
		return -1;
	/* proxy ARP is ours (arp_input): the kernel's would answer a
	 * guest's gratuitous ARP for its own address with our MAC */
	sysctl_if("ipv4/conf", c->site_if, "proxy_arp", "0");
	/* A VM that just arrived is resolved within 100 ms of resuming, and
	 * what arrived for it meanwhile waits (4 MB) instead of being
	 * dropped: probe every 100 ms for 5 s. */
	sysctl_if("ipv4/neigh", c->site_if, "retrans_time_ms", "100");
	sysctl_if("ipv4/neigh", c->site_if, "mcast_solicit", "50");
	sysctl_if("ipv4/neigh", c->site_if, "unres_qlen_bytes", "4194304");
	sysctl_if("ipv6/neigh", c->site_if, "retrans_time_ms", "100");
	sysctl_if("ipv6/neigh", c->site_if, "mcast_solicit", "50");
	sysctl_if("ipv6/neigh", c->site_if, "unres_qlen_bytes", "4194304");
	if ((d->proxy.pfd = open_nd(ifx)) == -1)
		log_warn("%s: neighbour-discovery proxy", c->site_if);
	if ((d->proxy.afd = open_arp(ifx)) == -1)
		log_warn("%s: ARP proxy", c->site_if);
	return 0;
}

int
dp_proxy_fd(struct dp *d, int af)
{
	return af == AF_INET ? d->proxy.afd : d->proxy.pfd;
}

/* RFC 4861 §7.2.8: a proxy answers for addresses of the VM's subnet that
 * are not served here (elsewhere, or moved away). */
static bool
should_answer(struct dp *d, const struct ipaddr *t)
{
	const struct dp_conf	*c = d->c;
	bool			 in_subnet = false;
	int			 i;

	for (i = 0; i < c->ngw; i++) {
		struct ipprefix	net = c->gw[i];

		if (ipaddr_cmp(&c->gw[i].addr, t) == 0)
			return false;		/* the kernel answers */
		ipprefix_mask(&net);
		if (net.addr.af == t->af && ipprefix_contains_addr(&net, t))
			in_subnet = true;
	}
	if (!in_subnet)
		return false;
	/* as the kernel's proxy ARP: the route to it leaves through the TUN */
	return dp_away_find(d, t) != NULL ||
	    dp_route_host_via(&d->nl, t, d->tun_ifindex) ||
	    !d->up.is_local_eid(d->up.ctx, t);
}

static uint16_t
icmp6_csum(const uint8_t *ip6, const uint8_t *icmp, size_t len)
{
	return csum_fold(csum_add(csum_pseudo_ip(ip6, IPPROTO_ICMPV6,
	    (uint32_t)len), icmp, len));
}

/* Neighbor Advertisement for target, to dst_ip/dst_mac. */
static void
send_na(struct dp *d, const uint8_t *target, const uint8_t *dst_ip,
    const uint8_t *dst_mac, bool solicited)
{
	uint8_t			f[14 + 40 + 32];
	uint8_t			*ip = f + 14, *icmp = f + 54;
	struct sockaddr_ll	sll;

	memset(f, 0, sizeof(f));
	memcpy(f, dst_mac, 6);
	memcpy(f + 6, d->proxy.mac, 6);
	wr_be16(f + 12, ETHERTYPE_IPV6);
	ip[0] = 0x60;
	wr_be16(ip + 4, 32);
	ip[6] = IPPROTO_ICMPV6;
	ip[7] = 255;				/* RFC 4861 §7.1.2 */
	memcpy(ip + 8, target, 16);
	memcpy(ip + 24, dst_ip, 16);
	icmp[0] = 136;				/* Neighbor Advertisement */
	/* S when solicited; O so a neighbour that knew the VM's own MAC
	 * moves to the gateway's (RFC 4861 §7.2.8 allows it for moves) */
	icmp[4] = (uint8_t)((solicited ? 0x40 : 0) | 0x20);
	memcpy(icmp + 8, target, 16);
	icmp[24] = 2;				/* Target Link-Layer Address */
	icmp[25] = 1;
	memcpy(icmp + 26, d->proxy.mac, 6);
	wr_be16(icmp + 2, icmp6_csum(ip, icmp, 32));
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = d->site_ifindex;
	sll.sll_halen = 6;
	memcpy(sll.sll_addr, dst_mac, 6);
	if (sendto(d->proxy.pfd, f, sizeof(f), 0, (struct sockaddr *)&sll,
	    sizeof(sll)) > 0)
		DPC(d, nd_proxy_na);
}

/*
 * What a host says about its own address is never answered: an answer
 * claims the address for the gateway's MAC (a guest takes it for a
 * conflict, RFC 5227 §2.1.1, RFC 4862 §5.4.5).  unspec: the sender or
 * source is 0.0.0.0 / :: (a probe, DAD); the gateway's own addresses are
 * the kernel's to defend and never reach here (should_answer).
 */
static bool
own_address(struct dp *d, const struct ipaddr *src, const struct ipaddr *target)
{
	static const uint8_t	zero[16];

	if (memcmp(src->a, zero, ipaddr_len(src->af)) == 0 ||
	    ipaddr_cmp(src, target) == 0) {
		DPC(d, proxy_self_ignored);
		return true;
	}
	return false;
}

static void
nd_input(struct dp *d)
{
	uint8_t			f[1514];
	struct ipaddr		s, t;
	ssize_t			n;
	int			i;

	for (i = 0; i < 64; i++) {
		if ((n = recv(d->proxy.pfd, f, sizeof(f),
		    MSG_DONTWAIT)) <= 0)
			return;
		/* eth 14, IPv6 40, NS: type code csum reserved target */
		if (n < 14 + 40 + 24 || rd_be16(f + 12) != ETHERTYPE_IPV6 ||
		    f[14 + 6] != IPPROTO_ICMPV6 || f[14 + 7] != 255 ||
		    f[54] != 135 || f[55] != 0)
			continue;
		memset(&s, 0, sizeof(s));
		memset(&t, 0, sizeof(t));
		s.af = t.af = AF_INET6;
		memcpy(s.a, f + 14 + 8, 16);
		memcpy(t.a, f + 54 + 8, 16);
		/* RFC 4862 §5.4.3: a DAD NS (from ::) for an address that is
		 * not ours is answered by its owner alone */
		if (!should_answer(d, &t) || own_address(d, &s, &t))
			continue;
		send_na(d, t.a, s.a, f + 6, true);
	}
}

/* RFC 826 reply for target (an address we proxy) to the request's
 * sender sha/spa. */
static void
send_arp_reply(struct dp *d, const uint8_t *target, const uint8_t *sha,
    const uint8_t *spa)
{
	uint8_t			f[42];
	struct wbuf		w = wbuf_make(f, sizeof(f));
	struct sockaddr_ll	sll;
	int			errs = 0;

	errs += put_bytes(&w, sha, 6);
	errs += put_bytes(&w, d->proxy.mac, 6);
	errs += put_u16(&w, ETHERTYPE_ARP);
	errs += put_u16(&w, ARPHRD_ETHER);
	errs += put_u16(&w, ETHERTYPE_IP);
	errs += put_u8(&w, 6);
	errs += put_u8(&w, 4);
	errs += put_u16(&w, ARPOP_REPLY);
	errs += put_bytes(&w, d->proxy.mac, 6);
	errs += put_bytes(&w, target, 4);
	errs += put_bytes(&w, sha, 6);
	errs += put_bytes(&w, spa, 4);
	if (errs != 0 || !wbuf_ok(&w))
		return;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ARP);
	sll.sll_ifindex = d->site_ifindex;
	sll.sll_halen = 6;
	memcpy(sll.sll_addr, sha, 6);
	if (sendto(d->proxy.afd, f, w.len, 0, (struct sockaddr *)&sll,
	    sizeof(sll)) > 0)
		DPC(d, arp_proxy_reply);
}

/* Proxy ARP, as the kernel's proxy_arp answers (the target's route
 * leaves through the TUN: should_answer), less a host's own address. */
static void
arp_input(struct dp *d)
{
	uint8_t		f[1514], sha[6];
	struct cur	c;
	struct ipaddr	s, t;
	uint16_t	hrd, pro, op;
	uint8_t		hln, pln;
	ssize_t		n;
	int		i;

	for (i = 0; i < 64; i++) {
		if ((n = recv(d->proxy.afd, f, sizeof(f),
		    MSG_DONTWAIT)) <= 0)
			return;
		memset(&s, 0, sizeof(s));
		memset(&t, 0, sizeof(t));
		s.af = t.af = AF_INET;
		/* RFC 826: after the Ethernet header; the filter checked
		 * the fixed fields, the cursor the length */
		c = cur_make(f, (size_t)n);
		if (cur_skip(&c, 14) == -1 || cur_get_u16(&c, &hrd) == -1 ||
		    cur_get_u16(&c, &pro) == -1 || cur_get_u8(&c, &hln) == -1 ||
		    cur_get_u8(&c, &pln) == -1 || cur_get_u16(&c, &op) == -1 ||
		    cur_get_bytes(&c, sha, 6) == -1 ||
		    cur_get_bytes(&c, s.a, 4) == -1 || cur_skip(&c, 6) == -1 ||
		    cur_get_bytes(&c, t.a, 4) == -1)
			continue;
		if (hrd != ARPHRD_ETHER || pro != ETHERTYPE_IP || hln != 6 ||
		    pln != 4 || op != ARPOP_REQUEST)
			continue;
		/* RFC 5227 §2.1.1 probe (sender 0.0.0.0), §2.3 announcement
		 * (sender = target): the host's own address */
		if (!should_answer(d, &t) || own_address(d, &s, &t))
			continue;
		send_arp_reply(d, t.a, sha, s.a);
	}
}

void
dp_proxy_input(struct dp *d)
{
	if (d->proxy.pfd != -1)
		nd_input(d);
	if (d->proxy.afd != -1)
		arp_input(d);
}

static void
garp(struct dp *d, const struct ipaddr *a)
{
	uint8_t			f[42];
	struct sockaddr_ll	sll;

	memset(f, 0, sizeof(f));
	memset(f, 0xff, 6);
	memcpy(f + 6, d->proxy.mac, 6);
	wr_be16(f + 12, ETHERTYPE_ARP);
	wr_be16(f + 14, 1);			/* Ethernet */
	wr_be16(f + 16, ETHERTYPE_IP);
	f[18] = 6;
	f[19] = 4;
	wr_be16(f + 20, 1);			/* request, gratuitous */
	memcpy(f + 22, d->proxy.mac, 6);
	memcpy(f + 28, a->a, 4);
	memcpy(f + 38, a->a, 4);
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = d->site_ifindex;
	sll.sll_halen = 6;
	memset(sll.sll_addr, 0xff, 6);
	if (sendto(d->proxy.pfd, f, sizeof(f), 0, (struct sockaddr *)&sll,
	    sizeof(sll)) > 0)
		DPC(d, garp_sent);
}

void
dp_proxy_announce(struct dp *d, const struct ipprefix *eid)
{
	static const uint8_t	all_nodes[16] = { 0xff, 2, [15] = 1 };
	static const uint8_t	bcast6[6] = { 0x33, 0x33, 0, 0, 0, 1 };

	if (d->proxy.pfd == -1 ||
	    eid->plen != ipaddr_maxplen(eid->addr.af) ||
	    !should_answer(d, &eid->addr))
		return;
	if (eid->addr.af == AF_INET)
		garp(d, &eid->addr);
	else
		send_na(d, eid->addr.a, all_nodes, bcast6, false);
}

void
dp_proxy_fini(struct dp *d)
{
	if (d->proxy.pfd != -1)
		close(d->proxy.pfd);
	if (d->proxy.afd != -1)
		close(d->proxy.afd);
	d->proxy.pfd = d->proxy.afd = -1;
}

/*
 * dp_proxy.c: the site side of a Dom0.  Every Dom0's site interface (the
 * bridge) presents the same anycast gateway addresses and MAC (from the
 * config), so a VM that lands in another datacenter keeps the gateway it
 * had resolved.  For addresses of the VM's subnet that are not here, the
 * xTR answers ARP (the kernel's proxy_arp, which answers exactly when the
 * route to the target leaves through another interface: the TUN) and
 * neighbour solicitations (here: RFC 4861 §7.2.8 proxy advertisements),
 * so the VM still reaches its old neighbours, through LISP.  When an EID
 * leaves, a gratuitous ARP / unsolicited NA (RFC 4861 §7.2.6) points the
 * neighbours it left at the gateway.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cursor.h"
#include "dp_int.h"
#include "xtrd.h"

static int	pfd = -1;
static uint8_t	mac[6];

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

/* ICMPv6 Neighbor Solicitations only (ip6 nxt 58, type 135). */
static int
open_nd(int ifindex)
{
	static struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETHERTYPE_IPV6, 0, 5),
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 14 + 6),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_ICMPV6, 0, 3),
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 14 + 40),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 135, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog	prog = { sizeof(code) / sizeof(code[0]), code };
	struct sockaddr_ll	sll;
	int			fd;

	if ((fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    htons(ETH_P_IPV6))) == -1)
		return -1;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_IPV6);
	sll.sll_ifindex = ifindex;
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
	    sizeof(prog)) == -1 || bind(fd, (struct sockaddr *)&sll,
	    sizeof(sll)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

int
dp_proxy_init(void)
{
	const struct dp_conf	*c = dp_g->c;
	int			 i, ifx;

	if (c->site_if[0] == '\0')
		return 0;
	if ((ifx = (int)if_nametoindex(c->site_if)) == 0) {
		log_warn("site interface %s", c->site_if);
		return -1;
	}
	dp_g->site_ifindex = ifx;
	if (c->gw_mac_set && dp_link_set_mac(ifx, c->gw_mac) == -1)
		log_warn("%s: anycast MAC", c->site_if);
	for (i = 0; i < c->ngw; i++)
		dp_addr_add(ifx, &c->gw[i]);
	if (get_mac(c->site_if, mac) == -1)
		return -1;
	/* proxy ARP, answered at once (proxy_delay is 0.8 s by default) */
	sysctl_if("ipv4/conf", c->site_if, "proxy_arp", "1");
	sysctl_if("ipv4/neigh", c->site_if, "proxy_delay", "0");
	/* A VM that just arrived is resolved within 100 ms of resuming, and
	 * what arrived for it meanwhile waits (4 MB) instead of being
	 * dropped: probe every 100 ms for 5 s. */
	sysctl_if("ipv4/neigh", c->site_if, "retrans_time_ms", "100");
	sysctl_if("ipv4/neigh", c->site_if, "mcast_solicit", "50");
	sysctl_if("ipv4/neigh", c->site_if, "unres_qlen_bytes", "4194304");
	sysctl_if("ipv6/neigh", c->site_if, "retrans_time_ms", "100");
	sysctl_if("ipv6/neigh", c->site_if, "mcast_solicit", "50");
	sysctl_if("ipv6/neigh", c->site_if, "unres_qlen_bytes", "4194304");
	if ((pfd = open_nd(ifx)) == -1)
		log_warn("%s: neighbour-discovery proxy", c->site_if);
	return 0;
}

int
dp_proxy_fd(void)
{
	return pfd;
}

/* RFC 4861 §7.2.8: a proxy answers for addresses of the VM's subnet that
 * are not served here (elsewhere, or moved away). */
static bool
should_answer(const struct ipaddr *t)
{
	const struct dp_conf	*c = dp_g->c;
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
	return dp_away_find(t) != NULL ||
	    dp_route_host_via(t, dp_g->tun_ifindex) ||
	    etr_db_lookup(dp_g->x, t) == NULL;
}

static uint16_t
icmp6_csum(const uint8_t *ip6, const uint8_t *icmp, size_t len)
{
	uint32_t	s = 0;
	size_t		i;

	for (i = 8; i < 40; i += 2)		/* source and destination */
		s += rd_be16(ip6 + i);
	s += (uint32_t)len;
	s += IPPROTO_ICMPV6;
	for (i = 0; i + 1 < len; i += 2)
		s += rd_be16(icmp + i);
	if (len & 1)
		s += (uint32_t)icmp[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Neighbor Advertisement for target, to dst_ip/dst_mac. */
static void
send_na(const uint8_t *target, const uint8_t *dst_ip, const uint8_t *dst_mac,
    bool solicited)
{
	uint8_t			f[14 + 40 + 32];
	uint8_t			*ip = f + 14, *icmp = f + 54;
	struct sockaddr_ll	sll;

	memset(f, 0, sizeof(f));
	memcpy(f, dst_mac, 6);
	memcpy(f + 6, mac, 6);
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
	memcpy(icmp + 26, mac, 6);
	wr_be16(icmp + 2, icmp6_csum(ip, icmp, 32));
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = dp_g->site_ifindex;
	sll.sll_halen = 6;
	memcpy(sll.sll_addr, dst_mac, 6);
	if (sendto(pfd, f, sizeof(f), 0, (struct sockaddr *)&sll,
	    sizeof(sll)) > 0)
		DPC(nd_proxy_na);
}

void
dp_proxy_input(void)
{
	static const uint8_t	all_nodes[16] = { 0xff, 2, [15] = 1 };
	static const uint8_t	bcast6[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	uint8_t			f[1514];
	struct ipaddr		t;
	ssize_t			n;
	int			i;

	for (i = 0; i < 64; i++) {
		if ((n = recv(pfd, f, sizeof(f), MSG_DONTWAIT)) <= 0)
			return;
		/* eth 14, IPv6 40, NS: type code csum reserved target */
		if (n < 14 + 40 + 24 || rd_be16(f + 12) != ETHERTYPE_IPV6 ||
		    f[14 + 6] != IPPROTO_ICMPV6 || f[14 + 7] != 255 ||
		    f[54] != 135 || f[55] != 0)
			continue;
		memset(&t, 0, sizeof(t));
		t.af = AF_INET6;
		memcpy(t.a, f + 54 + 8, 16);
		if (!should_answer(&t))
			continue;
		if (memcmp(f + 14 + 8, (uint8_t[16]){ 0 }, 16) == 0)
			send_na(t.a, all_nodes, bcast6, false);	/* DAD */
		else
			send_na(t.a, f + 14 + 8, f + 6, true);
	}
}

static void
garp(const struct ipaddr *a)
{
	uint8_t			f[42];
	struct sockaddr_ll	sll;

	memset(f, 0, sizeof(f));
	memset(f, 0xff, 6);
	memcpy(f + 6, mac, 6);
	wr_be16(f + 12, ETHERTYPE_ARP);
	wr_be16(f + 14, 1);			/* Ethernet */
	wr_be16(f + 16, ETHERTYPE_IP);
	f[18] = 6;
	f[19] = 4;
	wr_be16(f + 20, 1);			/* request, gratuitous */
	memcpy(f + 22, mac, 6);
	memcpy(f + 28, a->a, 4);
	memcpy(f + 38, a->a, 4);
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = dp_g->site_ifindex;
	sll.sll_halen = 6;
	memset(sll.sll_addr, 0xff, 6);
	if (sendto(pfd, f, sizeof(f), 0, (struct sockaddr *)&sll,
	    sizeof(sll)) > 0)
		DPC(garp_sent);
}

void
dp_proxy_announce(const struct ipprefix *eid)
{
	static const uint8_t	all_nodes[16] = { 0xff, 2, [15] = 1 };
	static const uint8_t	bcast6[6] = { 0x33, 0x33, 0, 0, 0, 1 };

	if (pfd == -1 || eid->plen != ipaddr_maxplen(eid->addr.af) ||
	    !should_answer(&eid->addr))
		return;
	if (eid->addr.af == AF_INET)
		garp(&eid->addr);
	else
		send_na(eid->addr.a, all_nodes, bcast6, false);
}

void
dp_proxy_fini(void)
{
	if (pfd != -1)
		close(pfd);
	pfd = -1;
}

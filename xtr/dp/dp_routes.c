/*
 * dp_routes.c: what xtrd installs in the kernel over rtnetlink (libmnl)
 * and removes on exit: routes for the EID space into the TUN, a route per
 * local EID into the site interface (so a VM can leave its home subnet
 * while its neighbours stay), the anycast gateway addresses and MAC.
 * Every route is tagged with our protocol number (DP_RTPROT); one that
 * already exists and is not ours is left alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dp_int.h"

#define DP_RTPROT	0xf3	/* "xtrd" in `ip route` (proto 243) */
#define DP_MAX_ROUTES	4096

struct dp_route {
	struct ipprefix	p;
	int		ifindex;
};

int
dp_nl_open(struct dp_nl *dn)
{
	if ((dn->nl = mnl_socket_open(NETLINK_ROUTE)) == NULL)
		return -1;
	if (mnl_socket_bind(dn->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		mnl_socket_close(dn->nl);
		dn->nl = NULL;
		return -1;
	}
	dn->portid = mnl_socket_get_portid(dn->nl);
	dn->seq = (uint32_t)time(NULL);
	if ((dn->routes = calloc(DP_MAX_ROUTES, sizeof(*dn->routes))) == NULL)
		return -1;
	return 0;
}

void
dp_nl_close(struct dp_nl *dn)
{
	if (dn->nl != NULL)
		mnl_socket_close(dn->nl);
	dn->nl = NULL;
	free(dn->routes);
	dn->routes = NULL;
	dn->nroutes = 0;
}

/* Send one request and wait for its ack: 0, or -1 with errno. */
static int
nl_talk(struct dp_nl *dn, struct nlmsghdr *nlh)
{
	char		buf[MNL_SOCKET_BUFFER_SIZE];
	ssize_t		n;
	int		r;

	nlh->nlmsg_seq = ++dn->seq;
	nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(dn->nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	for (;;) {
		n = mnl_socket_recvfrom(dn->nl, buf, sizeof(buf));
		if (n == -1)
			return -1;
		r = mnl_cb_run(buf, (size_t)n, dn->seq, dn->portid, NULL, NULL);
		if (r == MNL_CB_ERROR)
			return -1;
		if (r == MNL_CB_STOP)
			return 0;
	}
}

static int
route_msg(struct dp_nl *dn, int type, unsigned flags, const struct ipprefix *p,
    int ifindex)
{
	char		 buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr	*nlh;
	struct rtmsg	*rtm;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (uint16_t)type;
	nlh->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | flags);
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = p->addr.af;
	rtm->rtm_dst_len = p->plen;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = DP_RTPROT;
	rtm->rtm_scope = RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put(nlh, RTA_DST, ipaddr_len(p->addr.af), p->addr.a);
	if (ifindex > 0)
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)ifindex);
	return nl_talk(dn, nlh);
}

static int
route_find(struct dp_nl *dn, const struct ipprefix *p)
{
	int		i;

	for (i = 0; i < dn->nroutes; i++)
		if (ipprefix_cmp(&dn->routes[i].p, p) == 0)
			return i;
	return -1;
}

int
dp_route_set(struct dp_nl *dn, const struct ipprefix *p, int ifindex)
{
	char		a[IPPREFIX_STRLEN];
	int		i;

	if (dn->nl == NULL || ifindex <= 0)
		return -1;
	ipprefix_fmt(p, a, sizeof(a));
	if ((i = route_find(dn, p)) >= 0) {
		if (dn->routes[i].ifindex == ifindex)
			return 0;
		if (route_msg(dn, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, p,
		    ifindex) == -1) {
			log_warn("route %s", a);
			return -1;
		}
		dn->routes[i].ifindex = ifindex;
		log_debug("route %s now dev %d", a, ifindex);
		return 0;
	}
	if (dn->nroutes == DP_MAX_ROUTES) {
		log_warnx("route %s: too many routes", a);
		return -1;
	}
	if (route_msg(dn, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, p,
	    ifindex) == -1) {
		if (errno == EEXIST)
			return 0;	/* someone else's: leave it */
		log_warn("route %s", a);
		return -1;
	}
	dn->routes[dn->nroutes].p = *p;
	dn->routes[dn->nroutes].ifindex = ifindex;
	dn->nroutes++;
	log_debug("route %s dev %d", a, ifindex);
	return 0;
}

/* addr has a host route of ours into ifindex (an EID that left). */
bool
dp_route_host_via(struct dp_nl *dn, const struct ipaddr *addr, int ifindex)
{
	struct ipprefix	p;
	int		i;

	ipprefix_host(addr, &p);
	return (i = route_find(dn, &p)) >= 0 &&
	    dn->routes[i].ifindex == ifindex;
}

int
dp_route_unset(struct dp_nl *dn, const struct ipprefix *p)
{
	int		i;

	if (dn->nl == NULL || (i = route_find(dn, p)) < 0)
		return 0;
	if (route_msg(dn, RTM_DELROUTE, 0, p, dn->routes[i].ifindex) == -1 &&
	    errno != ESRCH)
		log_warn("delete route");
	dn->routes[i] = dn->routes[--dn->nroutes];
	return 0;
}

void
dp_routes_flush(struct dp_nl *dn)
{
	while (dn->nl != NULL && dn->nroutes > 0)
		dp_route_unset(dn, &dn->routes[dn->nroutes - 1].p);
}

static int
addr_msg(struct dp_nl *dn, int type, unsigned flags, int ifindex,
    const struct ipprefix *p)
{
	char		  buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr	 *nlh;
	struct ifaddrmsg *ifa;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (uint16_t)type;
	nlh->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | flags);
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = p->addr.af;
	ifa->ifa_prefixlen = p->plen;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (unsigned)ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, ipaddr_len(p->addr.af), p->addr.a);
	mnl_attr_put(nlh, IFA_ADDRESS, ipaddr_len(p->addr.af), p->addr.a);
	/* no subnet route: the subnet's hosts may be anywhere; the same
	 * address on every Dom0, so no duplicate address detection */
	mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NOPREFIXROUTE | IFA_F_NODAD);
	return nl_talk(dn, nlh);
}

int
dp_addr_add(struct dp_nl *dn, int ifindex, const struct ipprefix *p)
{
	char		a[IPPREFIX_STRLEN];

	if (dn->nl == NULL || dn->naddrs == DP_MAX_ADDRS)
		return -1;
	if (addr_msg(dn, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, ifindex,
	    p) == -1) {
		if (errno == EEXIST)
			return 0;
		log_warn("address %s", ipprefix_fmt(p, a, sizeof(a)));
		return -1;
	}
	dn->addrs[dn->naddrs].ifindex = ifindex;
	dn->addrs[dn->naddrs].p = *p;
	dn->naddrs++;
	return 0;
}

void
dp_addrs_flush(struct dp_nl *dn)
{
	while (dn->nl != NULL && dn->naddrs > 0) {
		dn->naddrs--;
		addr_msg(dn, RTM_DELADDR, 0, dn->addrs[dn->naddrs].ifindex,
		    &dn->addrs[dn->naddrs].p);
	}
}

int
dp_link_set_mac(struct dp_nl *dn, int ifindex, const uint8_t *mac)
{
	char		  buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr	 *nlh;
	struct ifinfomsg *ifi;

	if (dn->nl == NULL)
		return -1;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	mnl_attr_put(nlh, IFLA_ADDRESS, 6, mac);
	return nl_talk(dn, nlh);
}

/*
 * Have the kernel resolve a's link-layer address on ifindex now (`ip neigh
 * replace A dev IF use`: NTF_USE starts resolution as a packet would).  It
 * probes with the site interface's settings (dp_proxy.c: every 100 ms for
 * 5 s) from the anycast gateway's address and MAC, so a guest that just
 * arrived and has not resolved its gateway yet (its first ARP went out
 * before its link was up here, and the next is a second away) learns it
 * from our request, and its queued packets leave at once.
 */
int
dp_neigh_use(struct dp_nl *dn, int ifindex, const struct ipaddr *a)
{
	char		 buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr	*nlh;
	struct ndmsg	*nd;

	if (dn->nl == NULL)
		return -1;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWNEIGH;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE;
	nd = mnl_nlmsg_put_extra_header(nlh, sizeof(*nd));
	nd->ndm_family = (uint8_t)a->af;
	nd->ndm_ifindex = ifindex;
	nd->ndm_state = NUD_NONE;
	nd->ndm_flags = NTF_USE;
	mnl_attr_put(nlh, NDA_DST, ipaddr_len(a->af), a->a);
	return nl_talk(dn, nlh);
}

int
dp_sysctl(const char *path, const char *val)
{
	int	fd, rc = 0;

	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
		return -1;
	if (write(fd, val, strlen(val)) != (ssize_t)strlen(val))
		rc = -1;
	close(fd);
	return rc;
}

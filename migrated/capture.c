/* capture.c: the port socket and the vif captures, see capture.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sys/socket.h>

#include <pcap/pcap.h>

#include "capture.h"
#include "counters.h"
#include "log.h"

struct cap {
	pcap_t		*p;	/* NULL: the port socket */
	int		 fd;
	char		 ifname[CONF_IFNAMSIZ];
	uint32_t	 domid, devid;
	struct mig	*m;
	int		 busy;	/* inside pcap_dispatch() */
	int		 dead;	/* closed while busy: freed after */
};

static struct cap	*caps[CAP_MAX];
static struct cap	*ports;	/* the port socket, also in caps[] */
uint64_t		 cap_last_ts_us;	/* CLOCK_REALTIME of the frame */
static int		 ncaps;

static uint64_t
now_real_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* CAP_ANNOUNCE_FILTER as a classic BPF program for an Ethernet socket. */
static int
announce_filter(int fd)
{
	struct bpf_program	 prog = { 0, NULL };
	struct sock_fprog	 fp;
	pcap_t			*dead;
	int			 r = -1;

	if ((dead = pcap_open_dead(DLT_EN10MB, CAP_SNAPLEN)) == NULL)
		return -1;
	if (pcap_compile(dead, &prog, CAP_ANNOUNCE_FILTER, 1,
	    PCAP_NETMASK_UNKNOWN) == 0) {
		/* struct bpf_insn is struct sock_filter, field for field */
		fp.len = (unsigned short)prog.bf_len;
		fp.filter = (struct sock_filter *)prog.bf_insns;
		r = setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fp,
		    sizeof(fp));
		pcap_freecode(&prog);
	} else
		errno = EINVAL;
	pcap_close(dead);
	return r;
}

int
cap_open_ports(struct mig *m)
{
	struct cap	*c;
	uint8_t		 junk[64];
	int		 fd, sz = CAP_PORT_RCVBUF;

	if (ports != NULL)
		return 0;
	if ((fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    htons(ETH_P_ALL))) == -1) {
		log_warn("port socket");
		return -1;
	}
	if (announce_filter(fd) == -1) {
		log_warn("port socket filter");
		close(fd);
		return -1;
	}
	/* whatever came in before the filter was attached */
	while (recv(fd, junk, sizeof(junk), MSG_TRUNC) >= 0)
		;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (ncaps >= CAP_MAX || (c = calloc(1, sizeof(*c))) == NULL) {
		close(fd);
		return -1;
	}
	c->fd = fd;
	c->m = m;
	snprintf(c->ifname, sizeof(c->ifname), "*");
	caps[ncaps++] = c;
	ports = c;
	log_info("capturing announcements on every port (AF_PACKET)");
	return 0;
}

int
cap_ports_open(void)
{
	return ports != NULL;
}

/* Frames on the port socket: charged to the vif they came in by. */
static void
ports_read(struct cap *c)
{
	struct sockaddr_ll	 sll;
	socklen_t		 slen;
	struct domain		*d;
	struct vif		*v;
	uint8_t			 buf[CAP_SNAPLEN];
	char			 ifname[IF_NAMESIZE];
	ssize_t			 n;
	int			 i;

	for (i = 0; i < 64; i++) {
		slen = sizeof(sll);
		n = recvfrom(c->fd, buf, sizeof(buf), MSG_TRUNC,
		    (struct sockaddr *)&sll, &slen);
		if (n == -1) {
			if (errno != EAGAIN && errno != EINTR) {
				log_warn("port socket");
				cnt_inc("capture_errors");
			}
			return;
		}
		/* leaving by a port, or not Ethernet: not a guest's */
		if (sll.sll_pkttype == PACKET_OUTGOING ||
		    sll.sll_hatype != ARPHRD_ETHER)
			continue;
		/* the bridge (the frame passed up), a NIC, anything but
		 * a vif of ours: not charged to anyone */
		if (if_indextoname((unsigned)sll.sll_ifindex, ifname) == NULL ||
		    (d = dom_find_ifname(&c->m->doms, ifname, &v)) == NULL)
			continue;
		cap_last_ts_us = now_real_us();
		mig_frame(c->m, v->ifname, d, v, 1, buf,
		    (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf));
		if (ports != c)
			return;		/* closed meanwhile */
	}
}

static struct cap *
cap_open(const char *ifname)
{
	char			 err[PCAP_ERRBUF_SIZE] = "";
	struct cap		*c;

	if (ncaps >= CAP_MAX) {
		cnt_drop("capture_table_full", "%s not captured", ifname);
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	snprintf(c->ifname, sizeof(c->ifname), "%s", ifname);
	if ((c->p = pcap_create(ifname, err)) == NULL)
		goto fail;
	if (pcap_set_snaplen(c->p, CAP_SNAPLEN) != 0 ||
	    pcap_set_promisc(c->p, 0) != 0 ||
	    pcap_set_immediate_mode(c->p, 1) != 0 ||
	    pcap_set_buffer_size(c->p, CAP_VIF_BUFFER) != 0)
		goto fail_p;
	if (pcap_activate(c->p) < 0)
		goto fail_p;
	/* Frames the guest sends come in by its vif. */
	if (pcap_setdirection(c->p, PCAP_D_IN) != 0)
		goto fail_p;
	if (pcap_datalink(c->p) != DLT_EN10MB) {
		snprintf(err, sizeof(err), "not Ethernet");
		goto fail;
	}
	if (pcap_setnonblock(c->p, 1, err) != 0)
		goto fail;
	if ((c->fd = pcap_get_selectable_fd(c->p)) == -1) {
		snprintf(err, sizeof(err), "no selectable fd");
		goto fail;
	}
	caps[ncaps++] = c;
	return c;
fail_p:
	snprintf(err, sizeof(err), "%s", pcap_geterr(c->p));
fail:
	cnt_drop("capture_open_failed", "capture on %s: %s", ifname, err);
	if (c->p != NULL)
		pcap_close(c->p);
	free(c);
	return NULL;
}

static void
cap_free(struct cap *c)
{
	if (c->p != NULL)
		pcap_close(c->p);
	else
		close(c->fd);
	free(c);
}

static void
cap_close(struct cap *c)
{
	int	i;

	for (i = 0; i < ncaps; i++)
		if (caps[i] == c) {
			caps[i] = caps[--ncaps];
			break;
		}
	if (c == ports)
		ports = NULL;
	if (c->busy) {
		c->dead = 1;
		pcap_breakloop(c->p);
		return;
	}
	cap_free(c);
}

void
mig_vif_capture(struct mig *m, struct domain *d, struct vif *v, int on)
{
	struct cap	*c;

	if (!on) {
		if (v->cap != NULL) {
			log_debug("stop capturing on %s", v->ifname);
			cap_close(v->cap);
		}
		v->cap = NULL;
		return;
	}
	if (v->cap != NULL)
		return;
	if ((c = cap_open(v->ifname)) == NULL) {
		cnt_inc("capture_vif_failed");
		return;
	}
	c->m = m;
	c->domid = d->domid;
	c->devid = v->devid;
	v->cap = c;
	log_debug("capturing every frame on %s until %s arrives", v->ifname,
	    d->name);
}

int
cap_pollfds(struct pollfd *pfd, struct cap **out, int max)
{
	int	i, n = 0;

	for (i = 0; i < ncaps && n < max; i++) {
		pfd[n].fd = caps[i]->fd;
		pfd[n].events = POLLIN;
		pfd[n].revents = 0;
		out[n++] = caps[i];
	}
	return n;
}

static void
on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct cap	*c = (struct cap *)user;
	struct domain	*d = NULL;
	struct vif	*v = NULL;

	if (c->dead)
		return;
	/* The port the frame came in by is the guest it is charged to. */
	d = dom_find(&c->m->doms, c->domid);
	v = d ? dom_vif(d, c->devid, 0) : NULL;
	if (v == NULL || v->cap != c)
		return;
	cap_last_ts_us = (uint64_t)h->ts.tv_sec * 1000000 +
	    (uint64_t)h->ts.tv_usec;
	/* announcements come by the port socket, when it is open */
	mig_frame(c->m, c->ifname, d, v, ports == NULL, bytes, h->caplen);
}

void
cap_dispatch(struct mig *m, struct cap *c)
{
	int	i, alive = 0, n;

	/* An earlier handler in this loop turn may have closed it. */
	for (i = 0; i < ncaps; i++)
		if (caps[i] == c)
			alive = 1;
	if (!alive)
		return;
	if (c->p == NULL) {
		ports_read(c);
		return;
	}
	c->busy = 1;
	n = pcap_dispatch(c->p, 64, on_packet, (u_char *)c);
	c->busy = 0;
	if (c->dead) {
		cap_free(c);
		return;
	}
	if (n == PCAP_ERROR) {
		log_warnx("capture on %s: %s", c->ifname, pcap_geterr(c->p));
		cnt_inc("capture_errors");
	}
}

void
cap_close_all(void)
{
	while (ncaps > 0)
		cap_close(caps[0]);
}

int
cap_count(void)
{
	return ncaps;
}

/* capture.c: the port socket and its kernel filter, see capture.h. */
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


static uint64_t
now_real_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* CAP_ANNOUNCE_FILTER as classic BPF for an Ethernet socket, once. */
static int
compile_announce(struct mig_capture *cp)
{
	struct bpf_program	 prog = { 0, NULL };
	pcap_t			*dead;
	int			 rc = -1;

	if ((dead = pcap_open_dead(DLT_EN10MB, CAP_SNAPLEN)) == NULL)
		return -1;
	if (pcap_compile(dead, &prog, CAP_ANNOUNCE_FILTER, 1,
	    PCAP_NETMASK_UNKNOWN) == 0) {
		/* struct bpf_insn is struct sock_filter, field for field */
		if ((cp->ann_insns = calloc(prog.bf_len,
		    sizeof(*cp->ann_insns))) != NULL) {
			memcpy(cp->ann_insns, prog.bf_insns,
			    prog.bf_len * sizeof(*cp->ann_insns));
			cp->ann_len = prog.bf_len;
			rc = 0;
		}
		pcap_freecode(&prog);
	}
	pcap_close(dead);
	return rc;
}

#define STMT(c, k)		((struct sock_filter){ (c), 0, 0, (k) })
#define JUMP(c, k, t, f)	((struct sock_filter){ (c), (t), (f), (k) })

/*
 * The filter: outgoing frames never; every frame in by a vif awaiting its
 * guest's arrival; announcements from anywhere.
 *   0    ld  pkttype
 *   1    jeq #PACKET_OUTGOING, 2, 3
 *   2    ret #0
 *   3    ld  ifindex
 *   4+i  jeq #ifindex[i], accept        (n of them)
 *   4+n  ja  +1
 *   5+n  ret #CAP_SNAPLEN               accept
 *   6+n  the announcement program
 */
void
cap_refilter(struct mig *m)
{
	struct mig_capture	*cp = &m->cap;
	struct sock_filter	*f;
	struct sock_fprog	 fp;
	unsigned		 idx[CAP_MAX_ALL];
	int			 i, k, n = 0, over = 0;

	if (cp->port_fd == -1)
		return;
	for (i = 0; i < m->doms.n; i++)
		for (k = 0; k < DOM_MAXVIF; k++) {
			struct vif *v = &m->doms.d[i]->vifs[k];

			if (!v->used || !v->cap_all)
				continue;
			if (n < CAP_MAX_ALL)
				idx[n++] = v->ifindex;
			else
				over++;
		}
	if (over > 0)
		mcnt_drop(&m->mcnt, "capture_table_full", "%d vifs awaiting "
		    "their first frame beyond %d: their announcements only",
		    over, CAP_MAX_ALL);
	if ((f = calloc((size_t)n + 6 + cp->ann_len, sizeof(*f))) == NULL) {
		log_warn("filter");
		return;
	}
	f[0] = STMT(BPF_LD | BPF_W | BPF_ABS, (uint32_t)(SKF_AD_OFF +
	    SKF_AD_PKTTYPE));
	f[1] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING, 0, 1);
	f[2] = STMT(BPF_RET | BPF_K, 0);
	f[3] = STMT(BPF_LD | BPF_W | BPF_ABS, (uint32_t)(SKF_AD_OFF +
	    SKF_AD_IFINDEX));
	for (i = 0; i < n; i++)
		f[4 + i] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, idx[i],
		    (uint8_t)(n - i), 0);
	f[4 + n] = STMT(BPF_JMP | BPF_JA, 1);
	f[5 + n] = STMT(BPF_RET | BPF_K, CAP_SNAPLEN);
	memcpy(f + 6 + n, cp->ann_insns, cp->ann_len * sizeof(*f));
	fp.len = (unsigned short)(n + 6 + (int)cp->ann_len);
	fp.filter = f;
	if (setsockopt(cp->port_fd, SOL_SOCKET, SO_ATTACH_FILTER, &fp,
	    sizeof(fp)) == -1) {
		mcnt_inc(&m->mcnt, "capture_errors");
		log_warn("port socket filter (%d vifs)", n);
	}
	free(f);
}

int
cap_open_ports(struct mig *m)
{
	struct mig_capture	*cp = &m->cap;
	uint8_t			 junk[64];
	int			 fd, sz = CAP_PORT_RCVBUF;

	if (cp->port_fd != -1)
		return 0;
	if (cp->ann_insns == NULL && compile_announce(cp) == -1) {
		log_warnx("cannot compile '%s'", CAP_ANNOUNCE_FILTER);
		return -1;
	}
	if ((fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    htons(ETH_P_ALL))) == -1) {
		log_warn("port socket");
		return -1;
	}
	cp->port_fd = fd;
	cap_refilter(m);
	/* whatever came in before the filter was attached */
	while (recv(fd, junk, sizeof(junk), MSG_TRUNC) >= 0)
		;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	log_info("capturing on every port (AF_PACKET): announcements, and "
	    "every frame of a vif until its guest arrives");
	return 0;
}

int
cap_ports_open(const struct mig *m)
{
	return m->cap.port_fd != -1;
}

int
cap_fd(const struct mig *m)
{
	return m->cap.port_fd;
}

/* Frames on the port socket: charged to the vif they came in by. */
void
cap_dispatch(struct mig *m)
{
	struct sockaddr_ll	 sll;
	socklen_t		 slen;
	struct domain		*d;
	struct vif		*v;
	uint8_t			 buf[CAP_SNAPLEN];
	char			 ifname[IF_NAMESIZE];
	ssize_t			 n;
	int			 i;

	for (i = 0; i < 64 && m->cap.port_fd != -1; i++) {
		slen = sizeof(sll);
		n = recvfrom(m->cap.port_fd, buf, sizeof(buf), MSG_TRUNC,
		    (struct sockaddr *)&sll, &slen);
		if (n == -1) {
			if (errno != EAGAIN && errno != EINTR) {
				log_warn("port socket");
				mcnt_inc(&m->mcnt, "capture_errors");
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
		    (d = dom_find_ifname(&m->doms, ifname, &v)) == NULL)
			continue;
		m->cap.last_ts_us = now_real_us();
		mig_frame(m, v->ifname, d, v, buf,
		    (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf));
	}
}

void
mig_vif_capture(struct mig *m, struct domain *d, struct vif *v, int on)
{
	unsigned	idx = 0;

	if (on && (idx = if_nametoindex(v->ifname)) == 0) {
		/* not there yet: mig_retry_captures() tries again */
		mcnt_inc(&m->mcnt, "capture_vif_failed");
		return;
	}
	if (!on == !v->cap_all && (!on || idx == v->ifindex))
		return;
	v->cap_all = on;
	v->ifindex = idx;
	if (on)
		log_debug("capturing every frame on %s (index %u) until %s "
		    "arrives", v->ifname, idx, d->name);
	else
		log_debug("only announcements from %s", v->ifname);
	cap_refilter(m);
}

void
cap_close_all(struct mig *m)
{
	struct mig_capture	*cp = &m->cap;

	if (cp->port_fd != -1)
		close(cp->port_fd);
	cp->port_fd = -1;
	free(cp->ann_insns);
	cp->ann_insns = NULL;
	cp->ann_len = 0;
}

/*
 * wanem.c: userspace WAN emulator for kernels without the netem qdisc.
 *
 * Forwards Ethernet frames between two interfaces over AF_PACKET, each
 * direction on its own: one-way delay with jitter, loss (random,
 * correlated or Gilbert-Elliott), corruption, duplication and a token
 * bucket rate limit with a bounded queue.  One ppoll() loop; frames wait
 * in a heap ordered by departure time on CLOCK_MONOTONIC, and a timerfd
 * (absolute deadline, 1 ns timer slack) wakes us when the first is due.
 * A frame's delay counts from the kernel's receive timestamp, not from
 * when we got to read it, so a late wake-up does not add to the delay.
 *
 * Usage: wanem [options] IF_A IF_B        (see usage() below)
 *        wanem --no-offload IF...         switch off TSO/GSO/GRO/tx-csum
 *
 * Big frames and offloads.  The sockets use PACKET_VNET_HDR, so the kernel
 * tells us about GSO super-frames (up to 64 KiB) and about checksums left
 * for the hardware (CHECKSUM_PARTIAL, which veth leaves as is): we complete
 * such a checksum in software before forwarding, so the receiver never sees
 * a half-made one, and we hand a GSO frame back to the kernel with its
 * header so it is cut into MTU segments on the way out.  That is always
 * correct, but a GSO frame is one unit for loss and is never corrupted, as
 * with netem on an egress qdisc.  For per-wire-packet impairment the
 * sender's offloads must be off: wanem switches off GRO on its own
 * interfaces, and `wanem --no-offload IF` (the SIOCETHTOOL ioctl, no
 * ethtool binary needed) does the same plus TSO/GSO/tx-csum on an endpoint;
 * tests/lib/harness/wan.sh runs it on both ends of a link.
 *
 * Counters per direction (received, forwarded, dropped-loss, dropped-queue,
 * dropped-tx, corrupted, duplicated, gso, truncated, how late frames left)
 * go to stderr on SIGUSR1 and at exit, and to --stats-file as JSON.  With
 * --seed the impairments are the same for the same sequence of frames.
 * --drop-log F names each frame dropped: one line "MONO_NS DIR WHY HEX",
 * WHY loss, queue or tx (or corrupt: forwarded with a bit flipped, which
 * the receiver's checksum will most likely drop), HEX its first
 * DROP_LOG_BYTES bytes from the Ethernet header, before any corruption
 * (bench/tools/wandrops.py decodes them), so that a stream's receiver can
 * tell the WAN's random loss from any other.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <net/if.h>
#include <netinet/in.h>
#include <linux/ethtool.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>
#include <linux/virtio_net.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "mono.h"

#define MAX_FRAME	65535		/* largest frame we accept */
#define VLAN_HLEN	4
#define DRAIN_BATCH	256		/* frames read per wake-up per socket */
#define HELD_MAX	(1u << 20)	/* hard caps on what one direction holds: */
#define HELD_BYTES	(256u << 20)	/* frames and bytes */
#define TX_RETRY_NS	20000ull	/* back-off when the tx path is full */
#define TX_TRIES	500		/* then the frame is dropped (~10 ms) */
#define NS_PER_MS	1000000.0
#define NS_PER_KM	5000.0		/* light in fibre: 5 us per km */
#define DROP_LOG_BYTES	128		/* Ethernet, IPv6, UDP, LISP, IPv6, UDP */

/* One frame in flight.  data[] holds the frame from the Ethernet header. */
struct pkt {
	uint64_t		t_send;	/* CLOCK_MONOTONIC ns */
	uint64_t		seq;	/* tie-break: FIFO among equal times */
	uint32_t		len;
	uint32_t		tries;
	struct virtio_net_hdr	vh;
	uint8_t			data[];
};

/* The knobs of one direction.  Probabilities are in [0,1]. */
struct knobs {
	double		delay_ns, jitter_ns, jitter_corr;
	double		loss, loss_corr;
	int		ge;		/* Gilbert-Elliott loss model on */
	double		ge_p, ge_r, ge_1h, ge_1k;
	double		corrupt, duplicate;
	double		rate_bps;	/* bit/s, 0 = unlimited */
	uint32_t	burst;		/* bytes */
	uint32_t	limit;		/* frames waiting for the rate limiter */
	int		reorder;	/* jitter may reorder */
};

struct counters {
	uint64_t	received, forwarded, dropped_loss, dropped_queue;
	uint64_t	dropped_tx, corrupted, duplicated, gso, truncated;
	uint64_t	bytes;
	uint64_t	late_sum, late_max;	/* ns sent after the due time */
};

struct dir {
	const char	*name;
	int		 in, out;	/* indexes into the socket table */
	struct knobs	 k;
	struct counters	 c;
	uint64_t	 rng;
	double		 jit_last, loss_last;
	int		 ge_bad;
	uint64_t	 tat;		/* token bucket: theoretical arrival */
	uint64_t	 last_send;	/* no-reorder clamp */
	uint64_t	*rq;		/* ring: when each queued frame leaves */
	uint32_t	 rq_head, rq_n;
	struct pkt	**heap;
	uint32_t	 nheap, cap;
	uint64_t	 seq, held_bytes;
};

struct port {
	const char	*ifname;
	int		 fd, ifindex;
};

static volatile sig_atomic_t	sig_quit, sig_stats;
static struct port		ports[2];
static struct dir		dirs[2];
static const char		*stats_file;
static FILE			*drop_log;
static const char		*drop_log_path;
static int			 rt_prio;
static uint8_t			rxbuf[MAX_FRAME + VLAN_HLEN];

static void
on_quit(int s)
{
	sig_quit = 1;
}

static void
on_usr1(int s)
{
	sig_stats = 1;
}

/* --- random numbers: splitmix64 seeding, xorshift64* stream ---------- */

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t	z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t
rnd64(struct dir *d)
{
	d->rng ^= d->rng >> 12;
	d->rng ^= d->rng << 25;
	d->rng ^= d->rng >> 27;
	return d->rng * 0x2545f4914f6cdd1dull;
}

/* Uniform in [0,1). */
static double
rnd01(struct dir *d)
{
	return (double)(rnd64(d) >> 11) * 0x1.0p-53;
}

/* Correlated uniform, as netem's get_crandom(): mix with the last value. */
static double
crnd01(struct dir *d, double corr, double *last)
{
	double	v = rnd01(d);

	if (corr > 0)
		v = (1 - corr) * v + corr * *last;
	*last = v;
	return v;
}

/* --- the departure heap ------------------------------------------------ */

static int
pkt_before(const struct pkt *a, const struct pkt *b)
{
	return a->t_send < b->t_send ||
	    (a->t_send == b->t_send && a->seq < b->seq);
}

static int
heap_push(struct dir *d, struct pkt *p)
{
	struct pkt	**nh;
	uint32_t	  i, up;

	if (d->held_bytes + p->len > HELD_BYTES)
		return -1;
	if (d->nheap == d->cap) {
		if (d->cap >= HELD_MAX)
			return -1;
		nh = reallocarray(d->heap, d->cap ? d->cap * 2 : 1024,
		    sizeof(*nh));
		if (nh == NULL)
			return -1;
		d->heap = nh;
		d->cap = d->cap ? d->cap * 2 : 1024;
	}
	p->seq = d->seq++;
	for (i = d->nheap++; i > 0; i = up) {
		up = (i - 1) / 2;
		if (!pkt_before(p, d->heap[up]))
			break;
		d->heap[i] = d->heap[up];
	}
	d->heap[i] = p;
	d->held_bytes += p->len;
	return 0;
}

static void
heap_pop(struct dir *d)
{
	struct pkt	*last = d->heap[--d->nheap];
	uint32_t	 i = 0, c;

	d->held_bytes -= d->heap[0]->len;
	for (;;) {
		c = 2 * i + 1;
		if (c >= d->nheap)
			break;
		if (c + 1 < d->nheap && pkt_before(d->heap[c + 1], d->heap[c]))
			c++;
		if (!pkt_before(d->heap[c], last))
			break;
		d->heap[i] = d->heap[c];
		i = c;
	}
	if (d->nheap > 0)
		d->heap[i] = last;
}

/* --- sockets and offloads ------------------------------------------------ */

static int
ethtool_set(int fd, const char *ifname, uint32_t cmd, uint32_t val)
{
	struct ethtool_value	ev = { .cmd = cmd, .data = val };
	struct ifreq		ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&ev;
	return ioctl(fd, SIOCETHTOOL, &ifr);
}

/*
 * Switch off the offloads that turn wire packets into super-frames or leave
 * checksums undone.  A feature the driver cannot change is not an error.
 */
static int
offloads_off(const char *ifname, int tx_too)
{
	static const struct { uint32_t cmd; const char *what; } rx[] = {
		{ ETHTOOL_SGRO, "gro" },
	}, tx[] = {
		{ ETHTOOL_STSO, "tso" }, { ETHTOOL_SGSO, "gso" },
		{ ETHTOOL_STXCSUM, "tx-checksum" },
	};
	size_t	i;
	int	fd, rc = 0;

	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		log_warn("socket");
		return -1;
	}
	for (i = 0; i < sizeof(rx) / sizeof(rx[0]); i++)
		if (ethtool_set(fd, ifname, rx[i].cmd, 0) == -1 &&
		    errno != EOPNOTSUPP)
			log_warn("%s: %s off", ifname, rx[i].what);
	for (i = 0; tx_too && i < sizeof(tx) / sizeof(tx[0]); i++)
		if (ethtool_set(fd, ifname, tx[i].cmd, 0) == -1 &&
		    errno != EOPNOTSUPP) {
			log_warn("%s: %s off", ifname, tx[i].what);
			rc = -1;
		}
	close(fd);
	return rc;
}

static int
port_open(struct port *pt)
{
	struct sockaddr_ll	sll;
	struct packet_mreq	mr;
	int			one = 1, big = 8 << 20, fd, r;

	if ((pt->ifindex = (int)if_nametoindex(pt->ifname)) == 0) {
		log_warn("interface %s", pt->ifname);
		return -1;
	}
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    htons(ETH_P_ALL));
	if (fd == -1) {
		log_warn("socket(AF_PACKET)");
		return -1;
	}
	if (setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
	    sizeof(one))) {
		log_warn("%s: setsockopt(SOL_PACKET)", pt->ifname);
		goto fail;
	}
	/* Best effort: root may exceed rmem_max/wmem_max. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)))
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big)))
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = pt->ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) == -1) {
		log_warn("%s: bind", pt->ifname);
		goto fail;
	}
	memset(&mr, 0, sizeof(mr));
	mr.mr_ifindex = pt->ifindex;
	mr.mr_type = PACKET_MR_PROMISC;
	r = setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr));
	if (r == -1) {
		log_warn("%s: promiscuous mode", pt->ifname);
		goto fail;
	}
	pt->fd = fd;
	return 0;
fail:
	close(fd);
	return -1;
}

/* --- frame handling -------------------------------------------------- */

static uint32_t
csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	size_t	i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/*
 * The sender left the L4 checksum to "hardware": the field holds the
 * pseudo-header sum.  Finish it as skb_checksum_help() does.
 */
static int
csum_complete(struct pkt *p)
{
	uint32_t	start = p->vh.csum_start, off = p->vh.csum_offset;
	uint16_t	c;

	if (start >= p->len || start + off + 2 > p->len)
		return -1;
	c = (uint16_t)~csum_add(0, p->data + start, p->len - start);
	if (c == 0)
		c = 0xffff;	/* RFC 768: 0 would mean "no checksum" */
	p->data[start + off] = (uint8_t)(c >> 8);
	p->data[start + off + 1] = (uint8_t)c;
	p->vh.flags &= (uint8_t)~VIRTIO_NET_HDR_F_NEEDS_CSUM;
	p->vh.csum_start = p->vh.csum_offset = 0;
	return 0;
}

/* Read one frame into rxbuf; put a VLAN tag the kernel stripped back. */
static ssize_t
frame_read(int fd, struct virtio_net_hdr *vh, int *trunc, uint64_t *t_rt)
{
	union {
		struct cmsghdr	 h;
		uint8_t		 b[CMSG_SPACE(sizeof(struct tpacket_auxdata)) +
				    CMSG_SPACE(sizeof(struct timespec))];
	} cb;
	struct timespec		 ts;
	struct iovec		 iov[2] = {
		{ vh, sizeof(*vh) },
		{ rxbuf + VLAN_HLEN, MAX_FRAME },
	};
	struct msghdr		 msg = {
		.msg_iov = iov, .msg_iovlen = 2,
		.msg_control = cb.b, .msg_controllen = sizeof(cb.b),
	};
	struct tpacket_auxdata	*aux;
	struct cmsghdr		*c;
	ssize_t			 n;
	uint8_t			*f = rxbuf + VLAN_HLEN;

	n = recvmsg(fd, &msg, MSG_TRUNC);
	if (n < 0)
		return -1;
	n -= (ssize_t)sizeof(*vh);
	*trunc = (msg.msg_flags & MSG_TRUNC) || n < ETH_HLEN;
	if (*trunc)
		return 0;
	*t_rt = 0;
	for (c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SCM_TIMESTAMPNS) {
			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			*t_rt = (uint64_t)ts.tv_sec * 1000000000u +
			    (uint64_t)ts.tv_nsec;
			continue;
		}
		if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA)
			continue;
		aux = (struct tpacket_auxdata *)CMSG_DATA(c);
		if (!(aux->tp_status & TP_STATUS_VLAN_VALID))
			continue;
		if (n + VLAN_HLEN > MAX_FRAME) {
			*trunc = 1;
			return 0;
		}
		/* 802.1Q: TPID then TCI between the MACs and the type. */
		memmove(rxbuf, f, 12);
		f = rxbuf;
		f[12] = (aux->tp_status & TP_STATUS_VLAN_TPID_VALID) ?
		    (uint8_t)(aux->tp_vlan_tpid >> 8) : 0x81;
		f[13] = (aux->tp_status & TP_STATUS_VLAN_TPID_VALID) ?
		    (uint8_t)aux->tp_vlan_tpid : 0x00;
		f[14] = (uint8_t)(aux->tp_vlan_tci >> 8);
		f[15] = (uint8_t)aux->tp_vlan_tci;
		n += VLAN_HLEN;
		if (vh->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
			vh->csum_start += VLAN_HLEN;
		if (vh->hdr_len)
			vh->hdr_len += VLAN_HLEN;
	}
	if (f != rxbuf)
		memmove(rxbuf, f, (size_t)n);
	return n;
}

static int
lose(struct dir *d)
{
	struct knobs	*k = &d->k;
	int		 lost;

	if (k->ge) {
		/* netem's loss_gilb_ell(): move, then lose in the new state. */
		if (!d->ge_bad) {
			if (rnd01(d) < k->ge_p)
				d->ge_bad = 1;
			lost = rnd01(d) < k->ge_1k;
		} else {
			if (rnd01(d) < k->ge_r)
				d->ge_bad = 0;
			lost = rnd01(d) < k->ge_1h;
		}
		return lost;
	}
	if (k->loss <= 0)
		return 0;
	return crnd01(d, k->loss_corr, &d->loss_last) < k->loss;
}

/* One line of --drop-log for a frame dropped in direction d. */
static void
drop_note(const struct dir *d, const char *why, const uint8_t *f, size_t n)
{
	static const char	 hex[] = "0123456789abcdef";
	char			 buf[2 * DROP_LOG_BYTES + 1];
	size_t			 i;

	if (drop_log == NULL)
		return;
	if (n > DROP_LOG_BYTES)
		n = DROP_LOG_BYTES;
	for (i = 0; i < n; i++) {
		buf[2 * i] = hex[f[i] >> 4];
		buf[2 * i + 1] = hex[f[i] & 15];
	}
	buf[2 * n] = '\0';
	fprintf(drop_log, "%" PRIu64 " %s %s %s\n", mono_ns(), d->name, why,
	    buf);
}

/* Flip one random bit past the Ethernet header. */
static void
corrupt(struct dir *d, struct pkt *p)
{
	uint64_t	bit;

	if (p->vh.gso_type != VIRTIO_NET_HDR_GSO_NONE || p->len <= ETH_HLEN)
		return;
	if ((p->vh.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) && csum_complete(p))
		return;
	p->vh.flags &= (uint8_t)~VIRTIO_NET_HDR_F_DATA_VALID;
	drop_note(d, "corrupt", p->data, p->len);	/* as it was */
	bit = rnd64(d) % ((uint64_t)(p->len - ETH_HLEN) * 8);
	p->data[ETH_HLEN + bit / 8] ^= (uint8_t)(1u << (bit % 8));
	d->c.corrupted++;
}

/* Bytes on the wire: a GSO frame leaves as several MTU frames. */
static uint64_t
wire_bytes(const struct pkt *p)
{
	uint32_t	hl = p->vh.hdr_len, payload, segs;

	if (p->vh.gso_type == VIRTIO_NET_HDR_GSO_NONE || p->vh.gso_size == 0 ||
	    hl == 0 || hl >= p->len)
		return p->len;
	payload = p->len - hl;
	segs = (payload + p->vh.gso_size - 1) / p->vh.gso_size;
	return (uint64_t)p->len + (uint64_t)(segs - 1) * hl;
}

/*
 * Token bucket as GCRA: the frame leaves the bottleneck at
 * max(now - burst, tat) + size/rate.  Frames still waiting there are
 * counted in a ring; more than `limit` of them and the frame is dropped.
 * Returns the time it leaves the bottleneck, or 0 when it is dropped.
 */
static uint64_t
shape(struct dir *d, const struct pkt *p, uint64_t now)
{
	struct knobs	*k = &d->k;
	uint64_t	 tx_ns, burst_ns, t, start;

	if (k->rate_bps <= 0)
		return now;
	while (d->rq_n > 0 && d->rq[d->rq_head] <= now) {
		d->rq_head = (d->rq_head + 1) % k->limit;
		d->rq_n--;
	}
	if (d->rq_n >= k->limit)
		return 0;
	tx_ns = (uint64_t)((double)wire_bytes(p) * 8e9 / k->rate_bps);
	burst_ns = (uint64_t)((double)k->burst * 8e9 / k->rate_bps);
	start = now > burst_ns ? now - burst_ns : 0;
	t = (d->tat > start ? d->tat : start) + tx_ns;
	d->tat = t;
	if (t < now)
		t = now;
	d->rq[(d->rq_head + d->rq_n) % k->limit] = t;
	d->rq_n++;
	return t;
}

static void
schedule(struct dir *d, struct pkt *p, uint64_t now)
{
	struct knobs	*k = &d->k;
	uint64_t	 t;
	double		 delay = k->delay_ns;

	if ((t = shape(d, p, now)) == 0) {
		d->c.dropped_queue++;
		drop_note(d, "queue", p->data, p->len);
		free(p);
		return;
	}
	if (k->jitter_ns > 0)
		delay += (2 * crnd01(d, k->jitter_corr, &d->jit_last) - 1) *
		    k->jitter_ns;
	if (delay > 0)
		t += (uint64_t)delay;
	if (!k->reorder) {
		if (t < d->last_send)
			t = d->last_send;
		d->last_send = t;
	}
	p->t_send = t;
	if (heap_push(d, p) == -1) {
		d->c.dropped_queue++;
		drop_note(d, "queue", p->data, p->len);
		free(p);
	}
}

static void
receive(struct dir *d, uint64_t now, size_t n, const struct virtio_net_hdr *vh)
{
	struct pkt	*p, *dup;

	d->c.received++;
	d->c.bytes += n;
	if (vh->gso_type != VIRTIO_NET_HDR_GSO_NONE)
		d->c.gso++;
	if (lose(d)) {
		d->c.dropped_loss++;
		drop_note(d, "loss", rxbuf, n);
		return;
	}
	if ((p = malloc(sizeof(*p) + n)) == NULL) {
		d->c.dropped_queue++;
		drop_note(d, "queue", rxbuf, n);
		return;
	}
	p->len = (uint32_t)n;
	p->tries = 0;
	p->vh = *vh;
	memcpy(p->data, rxbuf, n);
	if (d->k.duplicate > 0 && rnd01(d) < d->k.duplicate &&
	    (dup = malloc(sizeof(*p) + n)) != NULL) {
		memcpy(dup, p, sizeof(*p) + n);
		d->c.duplicated++;
		schedule(d, dup, now);
	}
	if (d->k.corrupt > 0 && rnd01(d) < d->k.corrupt)
		corrupt(d, p);
	schedule(d, p, now);
}

/*
 * Read what is waiting.  Receive timestamps are CLOCK_REALTIME: move them
 * to CLOCK_MONOTONIC, and trust none from the future or older than 1 s
 * (the wall clock stepped).
 */
static void
drain(struct dir *d)
{
	struct virtio_net_hdr	vh;
	struct timespec		rt;
	uint64_t		now, t, t_rt, off;
	ssize_t			n;
	int			i, trunc;

	clock_gettime(CLOCK_REALTIME, &rt);
	off = (uint64_t)rt.tv_sec * 1000000000u + (uint64_t)rt.tv_nsec -
	    mono_ns();
	for (i = 0; i < DRAIN_BATCH; i++) {
		n = frame_read(ports[d->in].fd, &vh, &trunc, &t_rt);
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn("%s: recvmsg", ports[d->in].ifname);
			return;
		}
		if (trunc) {
			d->c.truncated++;
			continue;
		}
		now = mono_ns();
		t = t_rt - off;
		if (t_rt == 0 || t > now || t + 1000000000u < now)
			t = now;
		receive(d, t, (size_t)n, &vh);
	}
}

/* Send every frame that is due.  Returns when the next one is due (or 0). */
static uint64_t
flush(struct dir *d, uint64_t now)
{
	struct iovec	 iov[2];
	struct pkt	*p;
	ssize_t		 r;

	while (d->nheap > 0 && (p = d->heap[0])->t_send <= now) {
		iov[0] = (struct iovec){ &p->vh, sizeof(p->vh) };
		iov[1] = (struct iovec){ p->data, p->len };
		r = writev(ports[d->out].fd, iov, 2);
		if (r < 0 && (errno == EAGAIN || errno == ENOBUFS) &&
		    ++p->tries < TX_TRIES) {
			/* Full tx path: keep the frame and its place. */
			return now + TX_RETRY_NS;
		}
		heap_pop(d);
		if (r < 0) {
			if (d->c.dropped_tx++ == 0)
				log_warn("%s: send", ports[d->out].ifname);
			drop_note(d, "tx", p->data, p->len);
		} else {
			d->c.forwarded++;
			d->c.late_sum += now - p->t_send;
			if (now - p->t_send > d->c.late_max)
				d->c.late_max = now - p->t_send;
		}
		free(p);
	}
	return d->nheap > 0 ? d->heap[0]->t_send : 0;
}

/* --- statistics ---------------------------------------------------------- */

#define COUNTERS(X) \
	X(received) X(forwarded) X(dropped_loss) X(dropped_queue) \
	X(dropped_tx) X(corrupted) X(duplicated) X(gso) X(truncated) X(bytes)

/* Mean lateness of the frames sent: timer and scheduling latency. */
static double
late_avg_us(const struct dir *d)
{
	return d->c.forwarded ?
	    (double)d->c.late_sum / (double)d->c.forwarded / 1e3 : 0.0;
}

static void
stats_log(void)
{
	const struct dir	*d;
	int			 i;

	for (i = 0; i < 2; i++) {
		d = &dirs[i];
		log_info("%s %s->%s: received %" PRIu64 " forwarded %" PRIu64
		    " dropped-loss %" PRIu64 " dropped-queue %" PRIu64
		    " dropped-tx %" PRIu64 " corrupted %" PRIu64
		    " duplicated %" PRIu64 " gso %" PRIu64 " truncated %" PRIu64
		    " queued %u late avg %.1f max %.1f us", d->name,
		    ports[d->in].ifname, ports[d->out].ifname, d->c.received,
		    d->c.forwarded, d->c.dropped_loss, d->c.dropped_queue,
		    d->c.dropped_tx, d->c.corrupted, d->c.duplicated, d->c.gso,
		    d->c.truncated, d->nheap, late_avg_us(d),
		    (double)d->c.late_max / 1e3);
	}
}

/* Write the JSON next to the target and rename: readers never see half. */
static int
stats_write(void)
{
	const struct dir	*d;
	char			 tmp[PATH_MAX];
	FILE			*f;
	int			 i, rc = -1;

	if (stats_file == NULL)
		return 0;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", stats_file) >= (int)sizeof(tmp))
		return -1;
	if ((f = fopen(tmp, "w")) == NULL)
		goto out;
	fputc('{', f);
	for (i = 0; i < 2; i++) {
		d = &dirs[i];
		fprintf(f, "%s\"%s\":{\"from\":\"%s\",\"to\":\"%s\"", i ? "," : "",
		    d->name, ports[d->in].ifname, ports[d->out].ifname);
#define X(n)	fprintf(f, ",\"" #n "\":%" PRIu64, d->c.n);
		COUNTERS(X)
#undef X
		fprintf(f, ",\"queued\":%u,\"late_avg_us\":%.1f,"
		    "\"late_max_us\":%.1f}", d->nheap, late_avg_us(d),
		    (double)d->c.late_max / 1e3);
	}
	fputs("}\n", f);
	if (fclose(f) != 0)
		goto out;
	rc = rename(tmp, stats_file);
out:
	if (rc == -1)
		log_warn("%s", stats_file);
	return rc;
}

/* --- options -------------------------------------------------------------- */

static __attribute__((__noreturn__)) void
usage(int code)
{
	fprintf(code ? stderr : stdout,
"usage: wanem [--seed N] [--stats-file F] [--drop-log F] [--rt PRIO] [knobs]\n"
"             IF_A IF_B\n"
"       wanem --no-offload IF...\n"
"--drop-log F writes \"MONO_NS DIR WHY HEX\" for each frame dropped (WHY\n"
"loss, queue or tx) or corrupted (corrupt); HEX: its first 128 bytes.\n"
"--rt PRIO runs under SCHED_FIFO, so other tasks do not delay wake-ups.\n"
"Knobs apply to both directions, or to those chosen by the last of\n"
"--a2b (IF_A -> IF_B), --b2a, --both:\n"
"  --delay MS            one-way delay in ms (decimals allowed)\n"
"  --km N                one-way delay of N km of fibre (5 us/km)\n"
"  --jitter MS[,CORR]    uniform +-MS, CORR %% correlation; no reordering\n"
"  --reorder             let jitter reorder frames\n"
"  --loss PCT[,CORR]     random loss, CORR %% correlation\n"
"  --loss-ge P[,R[,1-H[,1-K]]]  Gilbert-Elliott burst loss, in %%\n"
"  --corrupt PCT         flip one random bit past the Ethernet header\n"
"  --duplicate PCT       send a second copy\n"
"  --rate R              token bucket: R with unit bit, kbit, mbit, gbit\n"
"  --burst BYTES         token bucket size (default 1 ms of rate, >= 3028)\n"
"  --limit N             frames waiting for the rate limiter (default 1000)\n");
	exit(code);
}

static __attribute__((__noreturn__)) void
bad(const char *opt, const char *val, const char *want)
{
	fprintf(stderr, "wanem: %s: bad value '%s' (%s)\n", opt, val, want);
	exit(2);
}

/* A number with nothing after it, finite, in [lo, hi]: 0, else -1. */
static int
num_ok(const char *s, double lo, double hi, double *v)
{
	char	*end;

	errno = 0;
	*v = strtod(s, &end);
	if (end == s || *end != '\0' || errno || !isfinite(*v) || *v < lo ||
	    *v > hi)
		return -1;
	return 0;
}

static double
num(const char *opt, const char *s, double lo, double hi, const char *want)
{
	double	v;

	if (num_ok(s, lo, hi, &v) == -1)
		bad(opt, s, want);
	return v;
}

/* "A[,B[,...]]": up to max comma-separated numbers; returns how many. */
static int
nums(const char *opt, const char *arg, double *out, int max, double lo,
    double hi, const char *want)
{
	char	 buf[128], *tok, *save = NULL;
	int	 n = 0;

	if (snprintf(buf, sizeof(buf), "%s", arg) >= (int)sizeof(buf))
		bad(opt, arg, "too long");
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (n == max)
			bad(opt, arg, "too many fields");
		if (num_ok(tok, lo, hi, &out[n++]) == -1)
			bad(opt, arg, want);
	}
	if (n == 0 || arg[strlen(arg) - 1] == ',' || strstr(arg, ",,"))
		bad(opt, arg, want);
	return n;
}

static double
rate_parse(const char *opt, const char *arg)
{
	static const struct { const char *u; double mul; } units[] = {
		{ "gbit", 1e9 }, { "mbit", 1e6 }, { "kbit", 1e3 }, { "bit", 1 },
	};
	char	 buf[64];
	size_t	 i, n = strlen(arg), ul;
	double	 v;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		ul = strlen(units[i].u);
		if (n <= ul || strcasecmp(arg + n - ul, units[i].u) != 0)
			continue;
		if (n - ul >= sizeof(buf))
			break;
		memcpy(buf, arg, n - ul);
		buf[n - ul] = '\0';
		if (num_ok(buf, 1e-3, 1e6, &v) == -1)
			break;
		return v * units[i].mul;
	}
	bad(opt, arg, "a rate with unit bit, kbit, mbit or gbit, e.g. 10mbit");
}

static uint64_t
seed_parse(const char *arg)
{
	unsigned long long	 v;
	char			*end;

	errno = 0;
	v = strtoull(arg, &end, 0);
	if (arg[0] < '0' || arg[0] > '9' || *end != '\0' || errno)
		bad("--seed", arg, "an unsigned 64-bit integer");
	return v;
}

enum {
	O_A2B = 256, O_B2A, O_BOTH, O_DELAY, O_KM, O_JITTER, O_REORDER,
	O_LOSS, O_LOSSGE, O_CORRUPT, O_DUP, O_RATE, O_BURST, O_LIMIT, O_SEED,
	O_STATS, O_NOOFF, O_RT, O_DROPLOG,
};

static const struct option longopts[] = {
	{ "a2b", no_argument, NULL, O_A2B },
	{ "b2a", no_argument, NULL, O_B2A },
	{ "both", no_argument, NULL, O_BOTH },
	{ "delay", required_argument, NULL, O_DELAY },
	{ "km", required_argument, NULL, O_KM },
	{ "jitter", required_argument, NULL, O_JITTER },
	{ "reorder", no_argument, NULL, O_REORDER },
	{ "loss", required_argument, NULL, O_LOSS },
	{ "loss-ge", required_argument, NULL, O_LOSSGE },
	{ "corrupt", required_argument, NULL, O_CORRUPT },
	{ "duplicate", required_argument, NULL, O_DUP },
	{ "rate", required_argument, NULL, O_RATE },
	{ "burst", required_argument, NULL, O_BURST },
	{ "limit", required_argument, NULL, O_LIMIT },
	{ "seed", required_argument, NULL, O_SEED },
	{ "stats-file", required_argument, NULL, O_STATS },
	{ "drop-log", required_argument, NULL, O_DROPLOG },
	{ "no-offload", no_argument, NULL, O_NOOFF },
	{ "rt", required_argument, NULL, O_RT },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* "--name" of an option, for error messages. */
static const char *
optname(int o)
{
	static char	 buf[32];
	size_t		 i;

	for (i = 0; longopts[i].name != NULL; i++)
		if (longopts[i].val == o)
			break;
	snprintf(buf, sizeof(buf), "--%s", longopts[i].name ?
	    longopts[i].name : "?");
	return buf;
}

/* Apply one knob to the chosen directions. */
static void
knob(int o, const char *opt, const char *arg, unsigned mask)
{
	double	 v[4] = { 0, 0, 0, 0 };
	int	 i, n;

	for (i = 0; i < 2; i++) {
		struct knobs *k = &dirs[i].k;

		if (!(mask & (1u << i)))
			continue;
		switch (o) {
		case O_DELAY:
			k->delay_ns = num(opt, arg, 0, 3.6e6, "ms, 0..3600000")
			    * NS_PER_MS;
			break;
		case O_KM:
			k->delay_ns = num(opt, arg, 0, 1e6, "km, 0..1000000")
			    * NS_PER_KM;
			break;
		case O_JITTER:
			n = nums(opt, arg, v, 2, 0, 3.6e6, "MS[,CORR%]");
			if (n == 2 && v[1] > 100)
				bad(opt, arg, "correlation is a percentage");
			k->jitter_ns = v[0] * NS_PER_MS;
			k->jitter_corr = v[1] / 100;
			break;
		case O_REORDER:
			k->reorder = 1;
			break;
		case O_LOSS:
			nums(opt, arg, v, 2, 0, 100, "PCT[,CORR%], 0..100");
			k->loss = v[0] / 100;
			k->loss_corr = v[1] / 100;
			k->ge = 0;
			break;
		case O_LOSSGE:
			n = nums(opt, arg, v, 4, 0, 100, "P[,R[,1-H[,1-K]]] in %");
			k->ge = 1;
			k->ge_p = v[0] / 100;
			k->ge_r = n > 1 ? v[1] / 100 : 1 - k->ge_p;
			k->ge_1h = n > 2 ? v[2] / 100 : 1;
			k->ge_1k = n > 3 ? v[3] / 100 : 0;
			break;
		case O_CORRUPT:
			k->corrupt = num(opt, arg, 0, 100, "PCT, 0..100") / 100;
			break;
		case O_DUP:
			k->duplicate = num(opt, arg, 0, 100, "PCT, 0..100") / 100;
			break;
		case O_RATE:
			k->rate_bps = rate_parse(opt, arg);
			break;
		case O_BURST:
			k->burst = (uint32_t)num(opt, arg, 64, 1 << 30,
			    "bytes, 64..2^30");
			break;
		case O_LIMIT:
			k->limit = (uint32_t)num(opt, arg, 1, HELD_MAX,
			    "frames, 1..1048576");
			if (strchr(arg, '.') != NULL)
				bad(opt, arg, "a whole number of frames");
			break;
		}
	}
}

static void
knobs_finish(void)
{
	struct knobs	*k;
	double		 ms;
	int		 i;

	for (i = 0; i < 2; i++) {
		k = &dirs[i].k;
		if (k->limit == 0)
			k->limit = 1000;
		if (k->rate_bps > 0 && k->burst == 0) {
			ms = k->rate_bps / 8 / 1000;
			k->burst = ms > 3028 ? (uint32_t)ms : 3028;
		}
		if (k->rate_bps > 0 &&
		    (dirs[i].rq = calloc(k->limit, sizeof(uint64_t))) == NULL)
			fatal("calloc");
	}
}

static int
parse_args(int argc, char **argv, uint64_t *seed, int *seeded)
{
	unsigned	 mask = 3;
	int		 o, nooff = 0;

	while ((o = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (o) {
		case 'h':
			usage(0);
		case O_A2B: mask = 1; break;
		case O_B2A: mask = 2; break;
		case O_BOTH: mask = 3; break;
		case O_SEED:
			*seed = seed_parse(optarg);
			*seeded = 1;
			break;
		case O_STATS:
			stats_file = optarg;
			break;
		case O_DROPLOG:
			drop_log_path = optarg;
			break;
		case O_RT:
			rt_prio = (int)num("--rt", optarg, 1, 99,
			    "a SCHED_FIFO priority, 1..99");
			if (strchr(optarg, '.') != NULL)
				bad("--rt", optarg, "a SCHED_FIFO priority, 1..99");
			break;
		case O_NOOFF:
			nooff = 1;
			break;
		case '?':
			fprintf(stderr, "see wanem --help\n");
			exit(2);
		default:
			knob(o, optname(o), optarg, mask);
		}
	}
	return nooff;
}

/* --- main loop ---------------------------------------------------------- */

static void
loop(const sigset_t *unblocked)
{
	struct pollfd		 pfd[3];
	struct itimerspec	 its;
	uint64_t		 now, next, armed = 0, t;
	int			 i, r, tfd;

	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (tfd == -1)
		fatal("timerfd_create");
	for (i = 0; i < 2; i++)
		pfd[i] = (struct pollfd){ .fd = ports[i].fd, .events = POLLIN };
	pfd[2] = (struct pollfd){ .fd = tfd, .events = POLLIN };
	while (!sig_quit) {
		if (sig_stats) {
			sig_stats = 0;
			stats_log();
			stats_write();
			if (drop_log != NULL)
				fflush(drop_log);
		}
		now = mono_ns();
		next = 0;
		for (i = 0; i < 2; i++)
			if ((t = flush(&dirs[i], now)) != 0 &&
			    (next == 0 || t < next))
				next = t;
		if (next != armed) {
			/* All zero disarms; an absolute time never drifts. */
			memset(&its, 0, sizeof(its));
			its.it_value.tv_sec = (time_t)(next / 1000000000u);
			its.it_value.tv_nsec = (long)(next % 1000000000u);
			if (timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its,
			    NULL) == -1)
				fatal("timerfd_settime");
			armed = next;
		}
		r = ppoll(pfd, 3, NULL, unblocked);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			fatal("ppoll");
		}
		if (pfd[2].revents & POLLIN) {
			(void)read(tfd, &t, sizeof(t));
			armed = 0;
		}
		for (i = 0; i < 2; i++) {
			if (pfd[i].revents & (POLLERR | POLLNVAL))
				fatalx("%s: socket error", ports[i].ifname);
			if (pfd[i].revents & POLLIN)
				drain(&dirs[i]);
		}
	}
	close(tfd);
}

int
main(int argc, char **argv)
{
	struct sigaction sa;
	struct pkt	*p;
	sigset_t	 block, old;
	uint64_t	 seed = 0, s;
	int		 seeded = 0, i, rc = 0;

	log_init(1, 0, "wanem");
	if (parse_args(argc, argv, &seed, &seeded)) {
		if (optind == argc)
			usage(2);
		for (i = optind; i < argc; i++)
			if (offloads_off(argv[i], 1) == -1)
				rc = 1;
		return rc;
	}
	if (argc - optind != 2)
		usage(2);
	knobs_finish();
	if (!seeded)
		seed = mono_ns() ^ ((uint64_t)getpid() << 32);
	s = seed;
	for (i = 0; i < 2; i++) {
		ports[i].ifname = argv[optind + i];
		dirs[i].name = i == 0 ? "a2b" : "b2a";
		dirs[i].in = i;
		dirs[i].out = 1 - i;
		if ((dirs[i].rng = splitmix64(&s)) == 0)
			dirs[i].rng = 1;
	}
	if (strcmp(ports[0].ifname, ports[1].ifname) == 0) {
		fprintf(stderr, "wanem: IF_A and IF_B are both '%s'\n",
		    ports[0].ifname);
		return 2;
	}
	/* Privileged things first. */
	for (i = 0; i < 2; i++) {
		if (port_open(&ports[i]) == -1)
			return 1;
		offloads_off(ports[i].ifname, 0);
	}
	/* Timers as tight as the kernel allows: default slack is 50 us. */
	(void)prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	if (rt_prio > 0 && sched_setscheduler(0, SCHED_FIFO,
	    &(struct sched_param){ .sched_priority = rt_prio }) == -1)
		log_warn("SCHED_FIFO %d, staying in SCHED_OTHER", rt_prio);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_quit;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &old);

	log_info("forwarding %s <-> %s, seed %" PRIu64, ports[0].ifname,
	    ports[1].ifname, seed);
	if (drop_log_path != NULL &&
	    (drop_log = fopen(drop_log_path, "w")) == NULL) {
		log_warn("%s", drop_log_path);
		return 1;
	}
	if (stats_write() == -1)
		return 1;
	loop(&old);
	stats_log();
	rc = stats_write() == -1 ? 1 : 0;
	if (drop_log != NULL && fclose(drop_log) != 0) {
		log_warn("%s", drop_log_path);
		rc = 1;
	}
	for (i = 0; i < 2; i++) {
		while (dirs[i].nheap > 0) {
			p = dirs[i].heap[0];
			heap_pop(&dirs[i]);
			free(p);
		}
		free(dirs[i].heap);
		free(dirs[i].rq);
		close(ports[i].fd);
	}
	return rc;
}

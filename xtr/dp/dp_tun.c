/*
 * dp_tun.c: the TUN device (IFF_TUN | IFF_NO_PI: bare IP packets).
 * Packets the kernel routes into it (EID space, see dp_routes.c) are the
 * ITR's input; decapsulated packets are written back into it and the
 * kernel delivers them into the site (host routes, site subnets).
 * Its MTU leaves room for the outer headers (dp_conf_tun_mtu()).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "dp_int.h"
#include "mono.h"

static int
link_up_mtu(const char *name, uint32_t mtu)
{
	struct ifreq	ifr;
	int		s, rc = -1;

	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_mtu = (int)mtu;
	if (ioctl(s, SIOCSIFMTU, &ifr) == -1) {
		log_warn("%s: MTU %u", name, mtu);
		goto out;
	}
	/* room for what arrives while the loop is busy: bursts wait in the
	 * TUN's queue instead of being dropped (default 500) */
	ifr.ifr_qlen = 8192;
	if (ioctl(s, SIOCSIFTXQLEN, &ifr) == -1)
		log_warn("%s: txqueuelen", name);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == -1)
		goto out;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) == -1)
		goto out;
	if (ioctl(s, SIOCGIFINDEX, &ifr) == -1)
		goto out;
	rc = ifr.ifr_ifindex;
out:
	close(s);
	return rc;
}

/* TSO and checksum offload (wireguard-go's tun_linux.go does the same):
 * the kernel may then hand us TCP super-packets; 0 or -1. */
static int
offloads(int fd)
{
	int	sz = DP_VNET_LEN;

	if (ioctl(fd, TUNSETVNETHDRSZ, &sz) == -1 ||
	    ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6) == -1)
		return -1;
	return 0;
}

int
dp_tun_open(const char *name, uint32_t mtu, bool offload, int *ifindex,
    bool *vnet)
{
	struct ifreq	ifr;
	int		fd, r;

	if ((fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC)) == -1)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI | (offload ? IFF_VNET_HDR : 0);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	*vnet = offload;
	if (offload && ((r = ioctl(fd, TUNSETIFF, &ifr)) == -1 ||
	    offloads(fd) == -1)) {
		log_warn("%s: TUN offloads, going without", name);
		close(fd);
		return dp_tun_open(name, mtu, false, ifindex, vnet);
	}
	if ((!offload && (r = ioctl(fd, TUNSETIFF, &ifr)) == -1) ||
	    (*ifindex = link_up_mtu(ifr.ifr_name, mtu)) == -1) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

int
dp_tun_writev(struct dp *d, const struct iovec *iov, int n)
{
	return writev(d->tun_fd, iov, n) == -1 ? -1 : 0;
}

int
dp_tun_write(struct dp *d, const uint8_t *p, size_t len)
{
	static const uint8_t	zero[DP_VNET_LEN];
	struct iovec		iov[2] = {
		{ (void *)(uintptr_t)zero, sizeof(zero) },
		{ (void *)(uintptr_t)p, len },
	};
	int			r;

	if (d->vnet)
		r = dp_tun_writev(d, iov, 2);
	else
		r = dp_tun_writev(d, iov + 1, 1);
	if (r == -1) {
		dp_drop(d, DPC_drop_tun_write, "TUN write: %s",
		    strerror(errno));
		return -1;
	}
	DPC(d, decap_tx);
	DPC_ADD(d, decap_tx_bytes, len);
	return 0;
}

static void
vnet_get(const uint8_t *b, struct dp_vnet *v)
{
	v->flags = b[0];
	v->gso_type = b[1];
	memcpy(&v->hdr_len, b + 2, 2);		/* host order (TUN) */
	memcpy(&v->gso_size, b + 4, 2);
	memcpy(&v->csum_start, b + 6, 2);
	memcpy(&v->csum_offset, b + 8, 2);
}

/* ITR: read what the kernel routed into the TUN, a batch at a time; the
 * encapsulated copies reference the buffers until dp_tx_flush(). */
void
dp_tun_input(struct dp *d)
{
	uint8_t	      (*buf)[DP_BUFSZ + DP_VNET_LEN] = d->bufs->tun;
	struct dp_pkt	pp;
	struct dp_vnet	vh;
	uint8_t		*p;
	ssize_t		n;
	int		i, rounds;

	d->now_ms = mono_ms();
	memset(&vh, 0, sizeof(vh));
	for (rounds = 0; rounds < 8; rounds++) {
		for (i = 0; i < DP_BATCH; i++) {
			n = read(d->tun_fd, buf[i], sizeof(buf[i]));
			if (n <= 0)
				break;
			p = buf[i];
			if (d->vnet) {
				if (n < DP_VNET_LEN)
					continue;
				vnet_get(p, &vh);
				p += DP_VNET_LEN;
				n -= DP_VNET_LEN;
			}
			DPC(d, tun_rx);
			DPC_ADD(d, tun_rx_bytes, (uint64_t)n);
			if (vh.gso_type != DP_VNET_GSO_NONE) {
				DPC(d, tso_rx);
				dp_itr_output_gso(d, &vh, p, (size_t)n);
				continue;
			}
			if (dp_vnet_csum(p, (size_t)n, &vh) == -1 ||
			    dp_pkt_parse(p, (size_t)n, &pp) != DPP_OK) {
				dp_drop(d, DPC_drop_bad_inner, "bad packet "
				    "from the TUN (%zd bytes)", n);
				continue;
			}
			dp_itr_output(d, p, pp.len, &pp, false);
		}
		dp_tx_flush(d);
		if (i < DP_BATCH)
			break;
	}
}

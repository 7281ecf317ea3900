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

int
dp_tun_open(const char *name, uint32_t mtu, int *ifindex)
{
	struct ifreq	ifr;
	int		fd, r;

	if ((fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC)) == -1)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if ((r = ioctl(fd, TUNSETIFF, &ifr)) == -1 ||
	    (*ifindex = link_up_mtu(ifr.ifr_name, mtu)) == -1) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

int
dp_tun_write(const uint8_t *p, size_t len)
{
	if (write(dp_g->tun_fd, p, len) == -1) {
		dp_drop(DPC_drop_tun_write, "TUN write: %s", strerror(errno));
		return -1;
	}
	DPC(decap_tx);
	DPC_ADD(decap_tx_bytes, len);
	return 0;
}

/* ITR: read what the kernel routed into the TUN, a batch at a time; the
 * encapsulated copies reference the buffers until dp_tx_flush(). */
void
dp_tun_input(void)
{
	static uint8_t	buf[DP_BATCH][DP_BUFSZ];
	struct dp_pkt	pp;
	ssize_t		n;
	int		i, rounds;

	dp_g->now_ms = mono_ms();
	for (rounds = 0; rounds < 8; rounds++) {
		for (i = 0; i < DP_BATCH; i++) {
			n = read(dp_g->tun_fd, buf[i], sizeof(buf[i]));
			if (n <= 0)
				break;
			DPC(tun_rx);
			DPC_ADD(tun_rx_bytes, (uint64_t)n);
			if (dp_pkt_parse(buf[i], (size_t)n, &pp) != DPP_OK) {
				dp_drop(DPC_drop_bad_inner, "bad packet from "
				    "the TUN (%zd bytes)", n);
				continue;
			}
			dp_itr_output(buf[i], pp.len, &pp, false);
		}
		dp_tx_flush();
		if (i < DP_BATCH)
			break;
	}
}

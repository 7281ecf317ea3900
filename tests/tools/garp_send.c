/*
 * garp_send: send what a guest sends when it lands somewhere, from a raw
 * AF_PACKET socket (tests and the bench only).
 *
 * Usage: garp_send -i IFACE -t TYPE [-a ADDR] [-m SRCMAC] [-M PAYLOADMAC]
 *                  [-c COUNT] [-w INTERVAL_MS]
 *   TYPE  garp        ARP request, sender IP = target IP = ADDR
 *         garp-reply  ARP reply to broadcast, sender IP = target IP = ADDR
 *         probe       ARP probe (RFC 5227 §2.1.1): request, sender IP
 *                     0.0.0.0, target IP = ADDR
 *         rarp        RARP request reverse (QEMU's announce), no address
 *         na          unsolicited neighbour advertisement for ADDR (IPv6)
 *                     with the target link-layer address option
 *         dad         duplicate address detection neighbour solicitation
 *                     for ADDR (RFC 4862 §5.4.2: from ::, to ADDR's
 *                     solicited-node multicast group, no option)
 *         ip          one IPv4 UDP datagram from ADDR (just "a frame")
 *   -m  Ethernet source (default: the interface's MAC)
 *   -M  MAC inside the payload (ARP sender / NA option; default: -m)
 * Prints the CLOCK_REALTIME time of each send (µs) on stdout.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netpacket/packet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void __attribute__((noreturn))
die(const char *m)
{
	perror(m);
	exit(1);
}

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: garp_send -i IFACE -t garp|garp-reply|probe|rarp|"
	    "na|dad|ip"
	    " [-a ADDR] [-m SRCMAC] [-M PAYLOADMAC] [-c COUNT] [-w MS]\n");
	exit(2);
}

static int
parse_mac(const char *s, uint8_t m[6])
{
	unsigned v[6];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4],
	    &v[5]) != 6)
		return -1;
	for (i = 0; i < 6; i++)
		m[i] = (uint8_t)v[i];
	return 0;
}

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t
csum(const uint8_t *p, size_t n, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* ICMPv6 checksum of the message at ip + 40 (RFC 4443 §2.3) */
static void
icmp6_csum(uint8_t *ip, size_t mlen)
{
	uint8_t ph[40];
	uint32_t s = 0;
	size_t i;

	memcpy(ph, ip + 8, 32);
	memset(ph + 32, 0, 8);
	ph[34] = (uint8_t)(mlen >> 8);
	ph[35] = (uint8_t)mlen;
	ph[39] = 58;
	for (i = 0; i < 40; i += 2)
		s += (uint32_t)ph[i] << 8 | ph[i + 1];
	put16(ip + 40 + 2, csum(ip + 40, mlen, s));
}

/* RFC 4862 §5.4.2: NS from the unspecified address to the target's
 * solicited-node group, no source link-layer address option */
static size_t
build_dad(uint8_t *f, const char *addr)
{
	uint8_t *ip = f + 14, *m = ip + 40, ip6[16];

	if (addr == NULL || inet_pton(AF_INET6, addr, ip6) != 1)
		usage();
	f[0] = 0x33; f[1] = 0x33; f[2] = 0xff;
	memcpy(f + 3, ip6 + 13, 3);
	put16(f + 12, 0x86dd);
	memset(ip, 0, 40 + 24);
	ip[0] = 0x60;
	put16(ip + 4, 24);
	ip[6] = 58;
	ip[7] = 255;
	ip[24] = 0xff; ip[25] = 0x02; ip[35] = 1; ip[36] = 0xff;
	memcpy(ip + 37, ip6 + 13, 3);
	m[0] = 135;
	memcpy(m + 8, ip6, 16);
	icmp6_csum(ip, 24);
	return 14 + 40 + 24;
}

static size_t
build(uint8_t *f, const char *type, const uint8_t src[6], const uint8_t pm[6],
    const char *addr)
{
	static const uint8_t bc[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t ip4[4] = { 0 }, ip6[16];
	size_t n;

	memcpy(f + 6, src, 6);
	if (strcmp(type, "dad") == 0)
		return build_dad(f, addr);
	if (strcmp(type, "na") == 0) {
		uint8_t *ip = f + 14, *m = ip + 40;
		static const uint8_t dst[6] = { 0x33, 0x33, 0, 0, 0, 1 };

		if (addr == NULL || inet_pton(AF_INET6, addr, ip6) != 1)
			usage();
		memcpy(f, dst, 6);
		put16(f + 12, 0x86dd);
		memset(ip, 0, 40 + 32);
		ip[0] = 0x60;
		put16(ip + 4, 32);
		ip[6] = 58;
		ip[7] = 255;
		/* from the link-local address derived from the MAC */
		ip[8] = 0xfe; ip[9] = 0x80;
		ip[16] = pm[0] ^ 2; ip[17] = pm[1]; ip[18] = pm[2];
		ip[19] = 0xff; ip[20] = 0xfe;
		ip[21] = pm[3]; ip[22] = pm[4]; ip[23] = pm[5];
		ip[24] = 0xff; ip[25] = 0x02; ip[39] = 1;
		m[0] = 136;
		m[4] = 0x20;	/* O */
		memcpy(m + 8, ip6, 16);
		m[24] = 2; m[25] = 1;
		memcpy(m + 26, pm, 6);
		icmp6_csum(ip, 32);
		return 14 + 40 + 32;
	}
	if (strcmp(type, "ip") == 0) {
		uint8_t *ip = f + 14;

		if (addr == NULL || inet_pton(AF_INET, addr, ip4) != 1)
			usage();
		memcpy(f, bc, 6);
		put16(f + 12, 0x0800);
		memset(ip, 0, 28);
		ip[0] = 0x45;
		put16(ip + 2, 28);
		ip[8] = 64;
		ip[9] = 17;
		memcpy(ip + 12, ip4, 4);
		memset(ip + 16, 0xff, 4);
		put16(ip + 10, csum(ip, 20, 0));
		put16(ip + 20, 9);
		put16(ip + 22, 9);
		put16(ip + 24, 8);
		return 14 + 28;
	}
	memcpy(f, bc, 6);
	if (strcmp(type, "rarp") == 0)
		put16(f + 12, 0x8035);
	else if (strcmp(type, "garp") == 0 || strcmp(type, "garp-reply") == 0 ||
	    strcmp(type, "probe") == 0) {
		put16(f + 12, 0x0806);
		if (addr == NULL || inet_pton(AF_INET, addr, ip4) != 1)
			usage();
	} else
		usage();
	n = 14;
	put16(f + n, 1);
	put16(f + n + 2, 0x0800);
	f[n + 4] = 6;
	f[n + 5] = 4;
	put16(f + n + 6, strcmp(type, "rarp") == 0 ? 3 :
	    strcmp(type, "garp-reply") == 0 ? 2 : 1);
	memcpy(f + n + 8, pm, 6);
	if (strcmp(type, "probe") != 0)		/* a probe's sender: 0.0.0.0 */
		memcpy(f + n + 14, ip4, 4);
	if (strcmp(type, "rarp") == 0)
		memcpy(f + n + 18, pm, 6);
	else if (strcmp(type, "garp-reply") == 0)
		memcpy(f + n + 18, bc, 6);
	else
		memset(f + n + 18, 0, 6);
	memcpy(f + n + 24, ip4, 4);
	memset(f + n + 28, 0, 60 - (n + 28));
	return 60;
}

int
main(int argc, char *argv[])
{
	const char *ifname = NULL, *type = NULL, *addr = NULL;
	uint8_t src[6], pm[6], f[128];
	int have_src = 0, have_pm = 0, count = 1, wait_ms = 0, ch, fd, i;
	struct sockaddr_ll sll;
	struct ifreq ifr;
	struct timespec ts;
	size_t len;

	while ((ch = getopt(argc, argv, "a:c:i:m:M:t:w:")) != -1) {
		switch (ch) {
		case 'a': addr = optarg; break;
		case 'c': count = atoi(optarg); break;
		case 'i': ifname = optarg; break;
		case 'm': if (parse_mac(optarg, src)) usage(); have_src = 1; break;
		case 'M': if (parse_mac(optarg, pm)) usage(); have_pm = 1; break;
		case 't': type = optarg; break;
		case 'w': wait_ms = atoi(optarg); break;
		default: usage();
		}
	}
	if (ifname == NULL || type == NULL || strlen(ifname) >= IFNAMSIZ)
		usage();
	if ((fd = socket(AF_PACKET, SOCK_RAW, 0)) == -1)
		die("socket");
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, ifname, strlen(ifname));
	if (ioctl(fd, SIOCGIFINDEX, &ifr) == -1)
		die(ifname);
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = ifr.ifr_ifindex;
	sll.sll_halen = 6;
	if (!have_src) {
		if (ioctl(fd, SIOCGIFHWADDR, &ifr) == -1)
			die("SIOCGIFHWADDR");
		memcpy(src, ifr.ifr_hwaddr.sa_data, 6);
	}
	if (!have_pm)
		memcpy(pm, src, 6);
	len = build(f, type, src, pm, addr);
	for (i = 0; i < count; i++) {
		if (i > 0 && wait_ms > 0)
			usleep((useconds_t)wait_ms * 1000);
		clock_gettime(CLOCK_REALTIME, &ts);
		if (sendto(fd, f, len, 0, (struct sockaddr *)&sll,
		    sizeof(sll)) == -1)
			die("sendto");
		printf("%lld.%06ld\n", (long long)ts.tv_sec, ts.tv_nsec / 1000);
	}
	fflush(stdout);
	return 0;
}

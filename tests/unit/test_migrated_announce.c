/* test_migrated_announce.c: gratuitous ARP, RARP, unsolicited NA and
 * malformed frames through migrated/announce.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "migrated/announce.h"
#include "cursor.h"

static const uint8_t vm_mac[6] = { 0x00, 0x16, 0x3e, 0x11, 0x22, 0x33 };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static size_t
eth(uint8_t *f, const uint8_t dst[6], const uint8_t src[6], uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	wr_be16(f + 12, type);
	return 14;
}

static size_t
arp(uint8_t *f, uint16_t ethertype, uint16_t op, const uint8_t sha[6],
    const char *spa, const uint8_t tha[6], const char *tpa)
{
	size_t	n = eth(f, bcast, vm_mac, ethertype);

	wr_be16(f + n, 1); wr_be16(f + n + 2, 0x0800);
	f[n + 4] = 6; f[n + 5] = 4;
	wr_be16(f + n + 6, op);
	memcpy(f + n + 8, sha, 6);
	inet_pton(AF_INET, spa, f + n + 14);
	memcpy(f + n + 18, tha, 6);
	inet_pton(AF_INET, tpa, f + n + 24);
	return n + 28;
}

static void
test_garp_request(void **state)
{
	uint8_t		 f[64] = { 0 }, zero[6] = { 0 };
	struct announce	 a;
	const char	*why;
	size_t		 n;

	(void)state;
	n = arp(f, 0x0806, 1, vm_mac, "192.0.2.5", zero, "192.0.2.5");
	assert_int_equal(announce_parse(f, n, &a, &why), 0);
	assert_int_equal(a.kind, ANN_GARP_REQUEST);
	assert_int_equal(a.addr.af, AF_INET);
	assert_memory_equal(a.addr.a, "\xc0\x00\x02\x05", 4);
	assert_memory_equal(a.eth_src, vm_mac, 6);
	assert_true(a.has_hw);
	assert_memory_equal(a.hw, vm_mac, 6);
	/* Ethernet padding to 60 bytes is fine. */
	assert_int_equal(announce_parse(f, 60, &a, &why), 0);
	assert_int_equal(a.kind, ANN_GARP_REQUEST);
}

static void
test_garp_reply(void **state)
{
	uint8_t		 f[64] = { 0 };
	struct announce	 a;
	const char	*why;
	size_t		 n;

	(void)state;
	/* arping -A: reply, target hw = broadcast, target ip = sender ip */
	n = arp(f, 0x0806, 2, vm_mac, "192.0.2.6", bcast, "192.0.2.6");
	assert_int_equal(announce_parse(f, n, &a, &why), 0);
	assert_int_equal(a.kind, ANN_GARP_REPLY);
	assert_memory_equal(a.addr.a, "\xc0\x00\x02\x06", 4);
}

static void
test_arp_not_gratuitous(void **state)
{
	uint8_t		 f[64] = { 0 }, zero[6] = { 0 };
	struct announce	 a;
	const char	*why;
	size_t		 n;

	(void)state;
	/* ordinary who-has */
	n = arp(f, 0x0806, 1, vm_mac, "192.0.2.5", zero, "192.0.2.1");
	assert_int_equal(announce_parse(f, n, &a, &why), 0);
	assert_int_equal(a.kind, ANN_FRAME);
	assert_memory_equal(a.eth_src, vm_mac, 6);
	/* RFC 5227 probe: sender IP 0 */
	n = arp(f, 0x0806, 1, vm_mac, "0.0.0.0", zero, "0.0.0.0");
	assert_int_equal(announce_parse(f, n, &a, &why), 0);
	assert_int_equal(a.kind, ANN_FRAME);
	/* bad opcode */
	n = arp(f, 0x0806, 9, vm_mac, "192.0.2.5", zero, "192.0.2.5");
	assert_int_equal(announce_parse(f, n, &a, &why), -1);
	assert_string_equal(why, "arp_bad_op");
}

static void
test_rarp(void **state)
{
	uint8_t		 f[64] = { 0 };
	struct announce	 a;
	const char	*why;
	size_t		 n;

	(void)state;
	/* QEMU qemu_announce_self: RARP request reverse, sha = tha = mac */
	n = arp(f, 0x8035, 3, vm_mac, "0.0.0.0", vm_mac, "0.0.0.0");
	assert_int_equal(announce_parse(f, n, &a, &why), 0);
	assert_int_equal(a.kind, ANN_RARP);
	assert_int_equal(a.addr.af, AF_UNSPEC);
	assert_memory_equal(a.hw, vm_mac, 6);
	n = arp(f, 0x8035, 1, vm_mac, "0.0.0.0", vm_mac, "0.0.0.0");
	assert_int_equal(announce_parse(f, n, &a, &why), -1);
	assert_string_equal(why, "rarp_bad_op");
}

static uint16_t
csum(const uint8_t *src, const uint8_t *dst, const uint8_t *m, size_t len)
{
	uint32_t	s = 0;
	size_t		i;

	for (i = 0; i < 16; i += 2)
		s += rd_be16(src + i) + rd_be16(dst + i);
	s += (uint32_t)len + 58;
	for (i = 0; i + 1 < len; i += 2)
		s += rd_be16(m + i);
	if (len & 1)
		s += (uint32_t)m[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* An NA from fe80::1 to ff02::1; flags word, target, optional TLLA. */
static size_t
na(uint8_t *f, uint32_t flags, const char *target, int tlla, uint8_t hlim)
{
	size_t	n = eth(f, bcast, vm_mac, 0x86dd);
	uint8_t	*ip = f + n, *m = ip + 40;
	size_t	mlen = 24 + (tlla ? 8 : 0);

	memset(ip, 0, 40);
	ip[0] = 0x60;
	wr_be16(ip + 4, (uint16_t)mlen);
	ip[6] = 58;
	ip[7] = hlim;
	inet_pton(AF_INET6, "fe80::216:3eff:fe11:2233", ip + 8);
	inet_pton(AF_INET6, "ff02::1", ip + 24);
	memset(m, 0, mlen);
	m[0] = 136;
	wr_be32(m + 4, flags);
	inet_pton(AF_INET6, target, m + 8);
	if (tlla) {
		m[24] = 2; m[25] = 1;
		memcpy(m + 26, vm_mac, 6);
	}
	wr_be16(m + 2, csum(ip + 8, ip + 24, m, mlen));
	return n + 40 + mlen;
}

static void
test_unsolicited_na(void **state)
{
	uint8_t		 f[128];
	struct announce	 a;
	const char	*why;
	size_t		 n;

	(void)state;
	n = na(f, 0x20000000, "2001:db8:1::5", 1, 255);	/* O flag */
	assert_int_equal(announce_parse(f, n, &a, &why), 0);
	assert_int_equal(a.kind, ANN_UNSOL_NA);
	assert_int_equal(a.addr.af, AF_INET6);
	assert_true(a.has_hw);
	assert_memory_equal(a.hw, vm_mac, 6);
	/* without the option */
	n = na(f, 0x20000000, "2001:db8:1::5", 0, 255);
	assert_int_equal(announce_parse(f, n, &a, &why), 0);
	assert_int_equal(a.kind, ANN_UNSOL_NA);
	assert_false(a.has_hw);
}

static void
test_na_invalid(void **state)
{
	uint8_t		 f[128];
	struct announce	 a;
	const char	*why;
	size_t		 n;

	(void)state;
	n = na(f, 0x20000000, "2001:db8:1::5", 1, 64);
	assert_int_equal(announce_parse(f, n, &a, &why), -1);
	assert_string_equal(why, "na_hop_limit");
	/* solicited to multicast */
	n = na(f, 0x60000000, "2001:db8:1::5", 1, 255);
	assert_int_equal(announce_parse(f, n, &a, &why), -1);
	assert_string_equal(why, "na_solicited_multicast");
	/* bad checksum */
	n = na(f, 0x20000000, "2001:db8:1::5", 1, 255);
	f[14 + 40 + 10] ^= 1;
	assert_int_equal(announce_parse(f, n, &a, &why), -1);
	assert_string_equal(why, "icmp6_bad_checksum");
	/* zero-length option (checksum fixed up after) */
	n = na(f, 0x20000000, "2001:db8:1::5", 1, 255);
	f[14 + 40 + 25] = 0;
	wr_be16(f + 14 + 40 + 2, 0);
	wr_be16(f + 14 + 40 + 2, csum(f + 14 + 8, f + 14 + 24, f + 14 + 40,
	    32));
	assert_int_equal(announce_parse(f, n, &a, &why), -1);
	assert_string_equal(why, "nd_opt_zero_len");
	/* payload length beyond the frame */
	n = na(f, 0x20000000, "2001:db8:1::5", 1, 255);
	wr_be16(f + 14 + 4, 200);
	assert_int_equal(announce_parse(f, n, &a, &why), -1);
	assert_string_equal(why, "ipv6_short");
}

static void
test_truncated(void **state)
{
	uint8_t		 f[128], zero[6] = { 0 };
	struct announce	 a;
	const char	*why;
	size_t		 n, i;

	(void)state;
	n = arp(f, 0x0806, 1, vm_mac, "192.0.2.5", zero, "192.0.2.5");
	for (i = 0; i < n; i++) {
		int r = announce_parse(f, i, &a, &why);
		if (i < 14) {
			assert_int_equal(r, -1);
			assert_string_equal(why, "eth_short");
		} else {
			assert_int_equal(r, -1);
			assert_string_equal(why, "arp_short");
		}
	}
	n = na(f, 0x20000000, "2001:db8:1::5", 1, 255);
	for (i = 14; i < n; i++)
		assert_int_equal(announce_parse(f, i, &a, &why), -1);
	/* multicast source */
	n = arp(f, 0x0806, 1, vm_mac, "192.0.2.5", zero, "192.0.2.5");
	f[6] = 0x01;
	assert_int_equal(announce_parse(f, n, &a, &why), -1);
	assert_string_equal(why, "eth_src_multicast");
	/* bad ARP header */
	n = arp(f, 0x0806, 1, vm_mac, "192.0.2.5", zero, "192.0.2.5");
	f[14 + 4] = 8;
	assert_int_equal(announce_parse(f, n, &a, &why), -1);
	assert_string_equal(why, "arp_bad_header");
}

static void
test_vlan_and_other(void **state)
{
	uint8_t		 f[128] = { 0 }, zero[6] = { 0 }, g[128];
	struct announce	 a;
	const char	*why;
	size_t		 n;

	(void)state;
	n = arp(f, 0x0806, 1, vm_mac, "192.0.2.5", zero, "192.0.2.5");
	memcpy(g, f, 12);
	wr_be16(g + 12, 0x8100);
	wr_be16(g + 14, 42);
	memcpy(g + 16, f + 12, n - 12);
	assert_int_equal(announce_parse(g, n + 4, &a, &why), 0);
	assert_int_equal(a.kind, ANN_GARP_REQUEST);
	assert_int_equal(a.vlan, 42);
	/* IPv4 frame: just a frame from that MAC */
	n = eth(f, bcast, vm_mac, 0x0800);
	assert_int_equal(announce_parse(f, n + 20, &a, &why), 0);
	assert_int_equal(a.kind, ANN_FRAME);
	assert_memory_equal(a.eth_src, vm_mac, 6);
}

static void
test_mac_text(void **state)
{
	uint8_t	m[6];
	char	buf[MAC_STRLEN];

	(void)state;
	assert_int_equal(mac_parse("00:16:3E:11:22:33", m), 0);
	assert_memory_equal(m, vm_mac, 6);
	assert_string_equal(mac_fmt(m, buf, sizeof(buf)), "00:16:3e:11:22:33");
	assert_int_equal(mac_parse("00:16:3e:11:22", m), -1);
	assert_int_equal(mac_parse("00:16:3e:11:22:3g", m), -1);
	assert_int_equal(mac_parse("00-16-3e-11-22-33", m), -1);
	assert_int_equal(mac_parse(" 0:16:3e:11:22:33", m), -1);
	assert_int_equal(mac_parse("", m), -1);
	assert_int_equal(mac_parse(NULL, m), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_garp_request),
		cmocka_unit_test(test_garp_reply),
		cmocka_unit_test(test_arp_not_gratuitous),
		cmocka_unit_test(test_rarp),
		cmocka_unit_test(test_unsolicited_na),
		cmocka_unit_test(test_na_invalid),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_vlan_and_other),
		cmocka_unit_test(test_mac_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

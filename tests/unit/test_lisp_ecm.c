/*
 * test_lisp_ecm.c: Encapsulated Control Message (RFC 9301 §5.8) with the
 * inner IPv4 (RFC 791) / IPv6 (RFC 8200) and UDP (RFC 768) headers,
 * against bytes written by hand; checksums computed independently.
 *
 * |Type=8 |S|D|R|N|            Reserved                           |
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lisp.h"

#define INNER	0x10, 0x00, 0x00, 0x01	/* 4 bytes standing for a message */

/* ECM; IPv4 192.0.2.10 -> 192.0.2.20, TTL 64, DF, header checksum
 * 0xb6ae; UDP 61000 -> 4342, length 12, checksum 0x6c77. */
static const uint8_t v4[] = {
	0x80, 0x00, 0x00, 0x00,
	0x45, 0x00, 0x00, 0x20, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb6, 0xae,
	192, 0, 2, 10, 192, 0, 2, 20,
	0xee, 0x48, 0x10, 0xf6, 0x00, 0x0c, 0x6c, 0x77,
	INNER
};

/* ECM; IPv6 2001:db8:a::10 -> 2001:db8:a::20, hop limit 64; UDP 61000 ->
 * 4342, length 12, checksum 0x94e0. */
static const uint8_t v6[] = {
	0x80, 0x00, 0x00, 0x00,
	0x60, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x11, 0x40,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x0a, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x0a, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x20,
	0xee, 0x48, 0x10, 0xf6, 0x00, 0x0c, 0x94, 0xe0,
	INNER
};

static struct lisp_ecm	got;

static void
decode_ok(const uint8_t *b, size_t len, struct lisp_ecm *e)
{
	enum lisp_err	why = LERR_OK;

	assert_int_equal(lisp_decode_ecm(b, len, e, &why), 0);
}

static void
encode_is(const struct lisp_ecm *e, const uint8_t *b, size_t len)
{
	uint8_t	out[256];

	assert_int_equal(lisp_encode_ecm(e, e->payload, e->payload_len, out,
	    sizeof(out)), (ssize_t)len);
	assert_memory_equal(out, b, len);
	assert_int_equal(lisp_encode_ecm(e, e->payload, e->payload_len, out,
	    len - 1), -1);
}

static void
refused(const uint8_t *b, size_t len, enum lisp_err reason)
{
	enum lisp_err	why = LERR_OK;

	assert_int_equal(lisp_decode_ecm(b, len, &got, &why), -1);
	assert_string_equal(lisp_err_name(why), lisp_err_name(reason));
}

/* RFC 1071 checksum, to re-seal a header a test has altered. */
static uint16_t
cksum(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t	i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void
reseal_ip4(uint8_t *b)
{
	uint16_t	c;

	b[14] = b[15] = 0;
	c = cksum(b + 4, 20, 0);
	b[14] = (uint8_t)(c >> 8);
	b[15] = (uint8_t)c;
}

static void
test_ipv4(void **state)
{
	(void)state;
	decode_ok(v4, sizeof(v4), &got);
	assert_int_equal(got.inner_src.af, AF_INET);
	assert_memory_equal(got.inner_src.a, v4 + 16, 4);
	assert_memory_equal(got.inner_dst.a, v4 + 20, 4);
	assert_int_equal(got.inner_sport, 61000);
	assert_int_equal(got.inner_dport, 4342);
	assert_int_equal(got.inner_ttl, 64);
	assert_int_equal(got.payload_len, 4);
	assert_ptr_equal(got.payload, v4 + 32);
	assert_false(got.security || got.ddt || got.e_bit || got.m_bit);
	encode_is(&got, v4, sizeof(v4));
}

static void
test_ipv6(void **state)
{
	(void)state;
	decode_ok(v6, sizeof(v6), &got);
	assert_int_equal(got.inner_src.af, AF_INET6);
	assert_memory_equal(got.inner_src.a, v6 + 12, 16);
	assert_memory_equal(got.inner_dst.a, v6 + 28, 16);
	assert_int_equal(got.inner_ttl, 64);
	assert_int_equal(got.payload_len, 4);
	encode_is(&got, v6, sizeof(v6));
}

static void
test_each_flag(void **state)
{
	static const struct {
		uint8_t	mask;
		size_t	field;
	} flags[] = {
		{ 0x04, offsetof(struct lisp_ecm, ddt) },
		{ 0x02, offsetof(struct lisp_ecm, e_bit) },
		{ 0x01, offsetof(struct lisp_ecm, m_bit) },
	};
	struct lisp_ecm	want;
	uint8_t		v[sizeof(v4)];
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		memcpy(v, v4, sizeof(v4));
		v[0] |= flags[i].mask;
		decode_ok(v, sizeof(v), &want);	/* for the payload pointer */
		decode_ok(v4, sizeof(v4), &got);
		got.payload = want.payload;
		*(bool *)((char *)&got + flags[i].field) = true;
		assert_memory_equal(&got, &want, sizeof(got));
		encode_is(&want, v, sizeof(v));
	}
}

/* S: LISP-SEC data precedes the inner header (RFC 9301 §5.8, RFC 9303
 * §6.1): an S bit without it is short, and the encoder wants the data
 * (test_lisp_sec.c has the ECM with it). */
static void
test_security_refused(void **state)
{
	uint8_t	v[sizeof(v4)], out[256];

	(void)state;
	memcpy(v, v4, sizeof(v4));
	v[0] |= 0x08;
	refused(v, sizeof(v), LERR_TRUNCATED);
	decode_ok(v4, sizeof(v4), &got);
	got.security = true;
	assert_int_equal(lisp_encode_ecm(&got, got.payload, got.payload_len,
	    out, sizeof(out)), -1);
}

static void
test_refusals(void **state)
{
	uint8_t	v[sizeof(v6) + 1];

	(void)state;
	memcpy(v, v4, sizeof(v4));
	v[0] = 0x10;
	refused(v, sizeof(v4), LERR_BAD_TYPE);

	memcpy(v, v4, sizeof(v4));
	v[15] ^= 1;				/* IPv4 header checksum */
	refused(v, sizeof(v4), LERR_BAD_INNER);

	memcpy(v, v4, sizeof(v4));
	v[31] ^= 1;				/* UDP checksum */
	refused(v, sizeof(v4), LERR_BAD_INNER);
	v[30] = v[31] = 0;			/* none: allowed over IPv4 */
	decode_ok(v, sizeof(v4), &got);

	memcpy(v, v6, sizeof(v6));
	v[50] = v[51] = 0;			/* none: not over IPv6 */
	refused(v, sizeof(v6), LERR_BAD_INNER);
	memcpy(v, v6, sizeof(v6));
	v[sizeof(v6) - 1] ^= 1;			/* payload altered */
	refused(v, sizeof(v6), LERR_BAD_INNER);
	memcpy(v, v6, sizeof(v6));
	v[10] = 6;				/* next header TCP */
	refused(v, sizeof(v6), LERR_BAD_INNER);

	memcpy(v, v4, sizeof(v4));
	v[13] = 6;				/* protocol TCP */
	reseal_ip4(v);
	refused(v, sizeof(v4), LERR_BAD_INNER);

	memcpy(v, v4, sizeof(v4));
	v[10] = 0x20;				/* MF: a fragment */
	reseal_ip4(v);
	refused(v, sizeof(v4), LERR_BAD_INNER);

	memcpy(v, v4, sizeof(v4));
	v[4] = 0x44;				/* IHL 4 */
	refused(v, sizeof(v4), LERR_BAD_INNER);
	v[4] = 0x55;				/* version 5 */
	refused(v, sizeof(v4), LERR_BAD_INNER);

	memcpy(v, v4, sizeof(v4));
	v[7] = 0x21;				/* total length + 1 */
	reseal_ip4(v);
	refused(v, sizeof(v4), LERR_TRUNCATED);
	v[7] = 0x1f;				/* total length - 1 */
	reseal_ip4(v);
	refused(v, sizeof(v4), LERR_TRAILING);
	v[7] = 0x13;				/* less than the header */
	reseal_ip4(v);
	refused(v, sizeof(v4), LERR_BAD_INNER);

	memcpy(v, v4, sizeof(v4));
	v[sizeof(v4)] = 0;			/* a byte after the packet */
	refused(v, sizeof(v4) + 1, LERR_TRAILING);
	memcpy(v, v6, sizeof(v6));
	v[sizeof(v6)] = 0;
	refused(v, sizeof(v6) + 1, LERR_TRAILING);
	refused(v6, sizeof(v6) - 1, LERR_TRUNCATED);
	refused(v4, sizeof(v4) - 1, LERR_TRUNCATED);

	memcpy(v, v4, sizeof(v4));
	v[29] = 0x0d;				/* UDP length + 1 */
	refused(v, sizeof(v4), LERR_BAD_INNER);

	refused(v4, 4, LERR_TRUNCATED);
	refused(v4, 31, LERR_TRUNCATED);
	refused(v6, 51, LERR_TRUNCATED);
}

/* An inner UDP checksum that comes out 0 is sent as 0xffff (RFC 768). */
static void
test_zero_checksum_sent_as_ffff(void **state)
{
	struct lisp_ecm	e;
	uint8_t		out[256], in[2];
	uint16_t	c;
	ssize_t		n;

	(void)state;
	decode_ok(v4, sizeof(v4), &e);
	/* choose a 2-byte payload that makes the sum come out 0xffff */
	memset(in, 0, sizeof(in));
	e.payload = in;
	e.payload_len = sizeof(in);
	n = lisp_encode_ecm(&e, in, sizeof(in), out, sizeof(out));
	assert_int_equal(n, 34);
	c = (uint16_t)(out[30] << 8 | out[31]);
	/* adding c to the payload word makes the true sum 0 */
	in[0] = (uint8_t)(c >> 8);
	in[1] = (uint8_t)c;
	n = lisp_encode_ecm(&e, in, sizeof(in), out, sizeof(out));
	assert_int_equal(n, 34);
	assert_int_equal(out[30], 0xff);
	assert_int_equal(out[31], 0xff);
	decode_ok(out, (size_t)n, &got);
}

static void
test_encode_range(void **state)
{
	struct lisp_ecm	e;
	uint8_t		out[256];

	(void)state;
	decode_ok(v4, sizeof(v4), &e);
	assert_int_equal(lisp_encode_ecm(&e, e.payload, 0, out, sizeof(out)),
	    -1);
	e.inner_dst.af = AF_INET6;
	assert_int_equal(lisp_encode_ecm(&e, e.payload, e.payload_len, out,
	    sizeof(out)), -1);
	e.inner_src.af = e.inner_dst.af = AF_UNSPEC;
	assert_int_equal(lisp_encode_ecm(&e, e.payload, e.payload_len, out,
	    sizeof(out)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_each_flag),
		cmocka_unit_test(test_security_refused),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_zero_checksum_sent_as_ffff),
		cmocka_unit_test(test_encode_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

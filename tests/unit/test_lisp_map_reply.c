/*
 * test_lisp_map_reply.c: Map-Reply and its EID/locator records (RFC 9301
 * §5.4) against bytes written by hand from the RFC diagram.
 *
 * |Type=2 |P|E|S|          Reserved               | Record Count  |
 * |                          Record TTL                           |
 * | Locator Count | EID mask-len  | ACT |A|      Reserved         |
 * | Rsvd  |  Map-Version Number   |       EID-Prefix-AFI          |
 * |    Priority   |    Weight     |  M Priority   |   M Weight    |
 * |        Unused Flags     |L|p|R|           Loc-AFI             |
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lisp.h"

/* offsets into base[] */
#define O_ACT	18	/* ACT|A byte of record 1 */
#define O_VER	20	/* Rsvd|Map-Version */
#define O_LOCF	33	/* low byte of the locator flags */
#define O_LCNT	16	/* Locator Count */
#define O_PLEN	17
#define O_EAFI	22	/* EID-Prefix-AFI */
#define O_LAFI	34	/* Loc-AFI */

static const uint8_t base[] = {
	0x20, 0x00, 0x00, 0x01,
	0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
	0x00, 0x00, 0x05, 0xa0,			/* TTL 1440 */
	0x01, 24, 0x00, 0x00,			/* 1 locator, /24 */
	0x00, 0x00, 0x00, 0x01, 192, 0, 2, 0,	/* version 0, 192.0.2.0 */
	0x01, 0x64, 0xff, 0x00,			/* pri 1, w 100, mp 255, mw 0 */
	0x00, 0x00, 0x00, 0x01, 203, 0, 113, 1,	/* no flags, 203.0.113.1 */
};

static struct lisp_map_reply	got, want;

static void
decode_ok(const uint8_t *b, size_t len, struct lisp_map_reply *m)
{
	enum lisp_err	why = LERR_OK;

	assert_int_equal(lisp_decode_map_reply(b, len, m, &why), 0);
}

static void
encode_is(const struct lisp_map_reply *m, const uint8_t *b, size_t len)
{
	uint8_t	out[512];

	assert_int_equal(lisp_encode_map_reply(m, out, sizeof(out)),
	    (ssize_t)len);
	assert_memory_equal(out, b, len);
	assert_int_equal(lisp_encode_map_reply(m, out, len - 1), -1);
}

static void
refused(const uint8_t *b, size_t len, enum lisp_err reason)
{
	enum lisp_err	why = LERR_OK;

	assert_int_equal(lisp_decode_map_reply(b, len, &got, &why), -1);
	assert_string_equal(lisp_err_name(why), lisp_err_name(reason));
}

static void
test_base(void **state)
{
	const struct lisp_record *r = &got.rec[0];

	(void)state;
	decode_ok(base, sizeof(base), &got);
	assert_true(got.nonce == 0x1122334455667788ull);
	assert_int_equal(got.nrec, 1);
	assert_int_equal(r->ttl, 1440);
	assert_int_equal(r->eid_plen, 24);
	assert_int_equal(r->action, 0);
	assert_false(r->authoritative);
	assert_int_equal(r->nloc, 1);
	assert_int_equal(r->loc[0].priority, 1);
	assert_int_equal(r->loc[0].weight, 100);
	assert_int_equal(r->loc[0].mpriority, 255);
	assert_int_equal(r->loc[0].mweight, 0);
	assert_memory_equal(r->loc[0].rloc.ip.a, base + 36, 4);
	encode_is(&got, base, sizeof(base));
}

static void
test_each_flag(void **state)
{
#define MR(f)	offsetof(struct lisp_map_reply, f)
	static const struct {
		const char	*name;
		size_t		 byte;
		uint8_t		 mask;
		size_t		 field;
	} flags[] = {
		{ "P", 0, 0x08, MR(probe) },
		{ "E", 0, 0x04, MR(echo_nonce) },
		{ "S", 0, 0x02, MR(security) },
		{ "record A", O_ACT, 0x10, MR(rec[0].authoritative) },
		{ "locator L", O_LOCF, 0x04, MR(rec[0].loc[0].local) },
		{ "locator p", O_LOCF, 0x02, MR(rec[0].loc[0].probed) },
		{ "locator R", O_LOCF, 0x01, MR(rec[0].loc[0].reachable) },
	};
#undef MR
	uint8_t	v[sizeof(base)];
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		memcpy(v, base, sizeof(base));
		v[flags[i].byte] |= flags[i].mask;
		decode_ok(base, sizeof(base), &want);
		*(bool *)((char *)&want + flags[i].field) = true;
		if (flags[i].field == offsetof(struct lisp_map_reply,
		    security))		/* RFC 9303 §6.2: AD after records */
			want.sec_ad_off = sizeof(base);
		decode_ok(v, sizeof(v), &got);
		if (memcmp(&got, &want, sizeof(got)) != 0)
			fail_msg("flag %s decoded wrong", flags[i].name);
		encode_is(&want, v, sizeof(v));
	}
}

/* ACT is the top 3 bits; Map-Version the low 12 bits of its word. */
static void
test_action_and_version(void **state)
{
	uint8_t	v[sizeof(base)];
	uint8_t	a;

	(void)state;
	for (a = 0; a < 8; a++) {
		memcpy(v, base, sizeof(base));
		v[O_ACT] = (uint8_t)(a << 5);
		decode_ok(v, sizeof(v), &got);
		assert_int_equal(got.rec[0].action, a);
		assert_false(got.rec[0].authoritative);
		encode_is(&got, v, sizeof(v));
	}
	memcpy(v, base, sizeof(base));
	v[O_VER] = 0x0a;
	v[O_VER + 1] = 0xbc;
	decode_ok(v, sizeof(v), &got);
	assert_int_equal(got.rec[0].map_version, 0xabc);
	encode_is(&got, v, sizeof(v));
	v[O_VER] = 0xfa;		/* Rsvd nibble: ignored */
	decode_ok(v, sizeof(v), &got);
	assert_int_equal(got.rec[0].map_version, 0xabc);
}

/* Negative Map-Reply (RFC 9301 §5.4): no locators, ACT Native-Forward. */
static void
test_negative(void **state)
{
	static const uint8_t v[] = {
		0x20, 0x00, 0x00, 0x01,
		0, 0, 0, 0, 0, 0, 0, 0x09,
		0x00, 0x00, 0x00, 0x0f, 0x00, 16, 0x20, 0x00,
		0x00, 0x00, 0x00, 0x01, 198, 18, 0, 0,
	};

	(void)state;
	decode_ok(v, sizeof(v), &got);
	assert_int_equal(got.rec[0].nloc, 0);
	assert_int_equal(got.rec[0].action, LISP_ACT_NATIVE_FWD);
	assert_int_equal(got.rec[0].ttl, 15);
	encode_is(&got, v, sizeof(v));
}

/* Two records, IPv6 EID and RLOC, IID-wrapped EID in the second. */
static void
test_two_records_v6(void **state)
{
	static const uint8_t v[] = {
		0x20, 0x00, 0x00, 0x02,
		0, 0, 0, 0, 0, 0, 0, 0x01,
		0x00, 0x00, 0x00, 0x01, 0x01, 64, 0x10, 0x00, 0x00, 0x01,
		0x00, 0x02, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x0a, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0,
		0x02, 0x32, 0xff, 0x00, 0x00, 0x01,
		0x00, 0x02, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0xff, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0x01,
		0x00, 0x00, 0x00, 0x02, 0x00, 32, 0x00, 0x00, 0x00, 0x00,
		0x40, 0x03, 0x00, 0x00, 0x02, 0x00, 0x00, 0x0a,
		0x00, 0x00, 0x00, 0x07, 0x00, 0x01, 192, 0, 2, 1,
	};

	(void)state;
	decode_ok(v, sizeof(v), &got);
	assert_int_equal(got.nrec, 2);
	assert_int_equal(got.rec[0].eid.ip.af, AF_INET6);
	assert_int_equal(got.rec[0].eid_plen, 64);
	assert_int_equal(got.rec[0].loc[0].rloc.ip.af, AF_INET6);
	assert_int_equal(got.rec[0].loc[0].weight, 0x32);
	assert_true(got.rec[1].eid.has_iid);
	assert_int_equal(got.rec[1].eid.iid, 7);
	encode_is(&got, v, sizeof(v));
}

static void
test_refusals(void **state)
{
	uint8_t	v[sizeof(base) + 1];

	(void)state;
	memcpy(v, base, sizeof(base));
	v[0] = 0x10;
	refused(v, sizeof(base), LERR_BAD_TYPE);
	v[0] = 0x20;
	v[3] = 0;
	refused(v, sizeof(base), LERR_NO_RECORDS);
	v[3] = LISP_MAX_RECORDS + 1;
	refused(v, sizeof(base), LERR_TOO_MANY_RECORDS);
	v[3] = 2;
	refused(v, sizeof(base), LERR_TRUNCATED);

	memcpy(v, base, sizeof(base));
	v[O_LCNT] = LISP_MAX_LOCATORS + 1;
	refused(v, sizeof(base), LERR_TOO_MANY_LOCATORS);
	v[O_LCNT] = 2;
	refused(v, sizeof(base), LERR_TRUNCATED);

	memcpy(v, base, sizeof(base));
	v[O_PLEN] = 33;
	refused(v, sizeof(base), LERR_BAD_PLEN);

	memcpy(v, base, sizeof(base));
	v[O_EAFI + 1] = 0;			/* EID AFI 0 */
	refused(v, sizeof(base), LERR_BAD_AFI);

	memcpy(v, base, sizeof(base));
	v[O_LAFI + 1] = 0;			/* Loc-AFI 0 */
	refused(v, sizeof(base), LERR_BAD_AFI);
	v[O_LAFI + 1] = 3;
	refused(v, sizeof(base), LERR_BAD_AFI);

	memcpy(v, base, sizeof(base));
	v[sizeof(base)] = 0xee;
	refused(v, sizeof(v), LERR_TRAILING);
	/* S: LISP-SEC data may follow the records (RFC 9303) */
	v[0] |= 0x02;
	decode_ok(v, sizeof(v), &got);
	assert_true(got.security);
}

static void
test_encode_range(void **state)
{
	uint8_t	out[512];

	(void)state;
	decode_ok(base, sizeof(base), &want);
	want.rec[0].action = 8;
	assert_int_equal(lisp_encode_map_reply(&want, out, sizeof(out)), -1);
	decode_ok(base, sizeof(base), &want);
	want.rec[0].map_version = 0x1000;
	assert_int_equal(lisp_encode_map_reply(&want, out, sizeof(out)), -1);
	decode_ok(base, sizeof(base), &want);
	want.rec[0].nloc = LISP_MAX_LOCATORS + 1;
	assert_int_equal(lisp_encode_map_reply(&want, out, sizeof(out)), -1);
	decode_ok(base, sizeof(base), &want);
	want.rec[0].loc[0].rloc.ip.af = AF_UNSPEC;
	assert_int_equal(lisp_encode_map_reply(&want, out, sizeof(out)), -1);
	decode_ok(base, sizeof(base), &want);
	want.nrec = 0;
	assert_int_equal(lisp_encode_map_reply(&want, out, sizeof(out)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base),
		cmocka_unit_test(test_each_flag),
		cmocka_unit_test(test_action_and_version),
		cmocka_unit_test(test_negative),
		cmocka_unit_test(test_two_records_v6),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_encode_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_lisp_map_request.c: Map-Request (RFC 9301 §5.2) against bytes
 * written by hand from the RFC diagram, one vector per flag, and every
 * refusal.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * |Type=1 |A|M|P|S|p|s|R|I|  Rsvd   |L|D|   IRC   | Record Count  |
 *
 * I (RFC 9437 §4, bit 11): a 128-bit xTR-ID and a 64-bit Site-ID follow
 * the last field; each EID record starts |N|  Reserved   | EID mask-len.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lisp.h"

/* Type 1, no flags, IRC 0, 1 record; nonce 01..08; Source-EID AFI 0;
 * ITR-RLOC 198.51.100.1; EID record 192.0.2.0/24. */
static const uint8_t base[] = {
	0x10, 0x00, 0x00, 0x01,
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	0x00, 0x00,
	0x00, 0x01, 198, 51, 100, 1,
	0x00, 24, 0x00, 0x01, 192, 0, 2, 0,
};

static struct lisp_map_request	got, want;

static void
decode_ok(const uint8_t *b, size_t len, struct lisp_map_request *m)
{
	enum lisp_err	why = LERR_OK;

	assert_int_equal(lisp_decode_map_request(b, len, m, &why), 0);
	assert_int_equal(why, LERR_OK);
}

static void
encode_is(const struct lisp_map_request *m, const uint8_t *b, size_t len)
{
	uint8_t	out[512];

	assert_int_equal(lisp_encode_map_request(m, out, sizeof(out)),
	    (ssize_t)len);
	assert_memory_equal(out, b, len);
	assert_int_equal(lisp_encode_map_request(m, out, len - 1), -1);
}

static void
refused(const uint8_t *b, size_t len, enum lisp_err reason)
{
	enum lisp_err	why = LERR_OK;

	assert_int_equal(lisp_decode_map_request(b, len, &got, &why), -1);
	assert_string_equal(lisp_err_name(why), lisp_err_name(reason));
}

static void
test_base(void **state)
{
	(void)state;
	decode_ok(base, sizeof(base), &got);
	assert_true(got.nonce == 0x0102030405060708ull);
	assert_int_equal(got.source_eid.ip.af, AF_UNSPEC);
	assert_int_equal(got.nitr, 1);
	assert_int_equal(got.itr_rloc[0].ip.af, AF_INET);
	assert_memory_equal(got.itr_rloc[0].ip.a, base + 16, 4);
	assert_int_equal(got.nrec, 1);
	assert_int_equal(got.rec[0].plen, 24);
	assert_memory_equal(got.rec[0].eid.ip.a, base + 24, 4);
	assert_false(got.auth || got.map_data || got.probe || got.smr ||
	    got.pitr || got.smr_invoked || got.l_bit || got.dont_map_reply);
	encode_is(&got, base, sizeof(base));
}

/* One vector per flag: exactly that bit set, exactly that field true. */
static void
test_each_flag(void **state)
{
	static const struct {
		const char	*name;
		size_t		 byte;
		uint8_t		 mask;
		size_t		 field;
	} flags[] = {
		{ "A", 0, 0x08, offsetof(struct lisp_map_request, auth) },
		{ "P", 0, 0x02, offsetof(struct lisp_map_request, probe) },
		{ "S", 0, 0x01, offsetof(struct lisp_map_request, smr) },
		{ "p", 1, 0x80, offsetof(struct lisp_map_request, pitr) },
		{ "s", 1, 0x40, offsetof(struct lisp_map_request, smr_invoked) },
		{ "L", 2, 0x40, offsetof(struct lisp_map_request, l_bit) },
		{ "D", 2, 0x20,
		    offsetof(struct lisp_map_request, dont_map_reply) },
	};
	uint8_t	v[sizeof(base)];
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		memcpy(v, base, sizeof(base));
		v[flags[i].byte] |= flags[i].mask;
		decode_ok(base, sizeof(base), &want);
		*(bool *)((char *)&want + flags[i].field) = true;
		decode_ok(v, sizeof(v), &got);
		if (memcmp(&got, &want, sizeof(got)) != 0)
			fail_msg("flag %s decoded wrong", flags[i].name);
		encode_is(&want, v, sizeof(v));
	}
}

/* Reserved bits (R, Rsvd, the record's 7 after N) are ignored on
 * receipt. */
static void
test_reserved_ignored(void **state)
{
	uint8_t	v[sizeof(base)];

	(void)state;
	memcpy(v, base, sizeof(base));
	v[1] |= 0x2f;		/* bit 10 (R) and 12-15 (Rsvd); not 11 (I) */
	v[2] |= 0x80;		/* bit 16 (Rsvd) */
	v[20] = 0x7f;		/* EID record Reserved, N clear */
	decode_ok(base, sizeof(base), &want);
	decode_ok(v, sizeof(v), &got);
	assert_memory_equal(&got, &want, sizeof(got));
}

/* IRC 1 (two ITR-RLOCs, the second IPv6), IID-wrapped Source-EID, two
 * records, and M with a Map-Reply record (RFC 9301 §5.2). */
static void
test_irc_and_map_reply_record(void **state)
{
	static const uint8_t v[] = {
		0x14, 0x00, 0x01, 0x02,		/* M, IRC 1, 2 records */
		0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7,
		0x40, 0x03, 0x00, 0x00, 0x02, 0x00, 0x00, 0x0a,
		0x00, 0x00, 0x00, 0x2a, 0x00, 0x01, 192, 0, 2, 10,
		0x00, 0x01, 198, 51, 100, 1,
		0x00, 0x02, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0x01,
		0x00, 32, 0x00, 0x01, 192, 0, 2, 20,
		0x00, 48, 0x00, 0x02, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x0a, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0,
		/* Map-Reply record: TTL 60, 1 locator, /32, A, version 5 */
		0x00, 0x00, 0x00, 0x3c, 0x01, 32, 0x10, 0x00, 0x00, 0x05,
		0x00, 0x01, 192, 0, 2, 10,
		0x01, 0x64, 0xff, 0x00, 0x00, 0x05, 0x00, 0x01, 203, 0, 113, 1,
	};

	(void)state;
	decode_ok(v, sizeof(v), &got);
	assert_true(got.map_data);
	assert_true(got.nonce == 0xf0f1f2f3f4f5f6f7ull);
	assert_true(got.source_eid.has_iid);
	assert_int_equal(got.source_eid.iid, 42);
	assert_int_equal(got.nitr, 2);
	assert_int_equal(got.itr_rloc[1].ip.af, AF_INET6);
	assert_int_equal(got.nrec, 2);
	assert_int_equal(got.rec[1].plen, 48);
	assert_int_equal(got.rec[1].eid.ip.af, AF_INET6);
	assert_int_equal(got.map_reply.ttl, 60);
	assert_true(got.map_reply.authoritative);
	assert_int_equal(got.map_reply.map_version, 5);
	assert_int_equal(got.map_reply.nloc, 1);
	assert_int_equal(got.map_reply.loc[0].priority, 1);
	assert_int_equal(got.map_reply.loc[0].weight, 100);
	assert_true(got.map_reply.loc[0].local);
	assert_false(got.map_reply.loc[0].probed);
	assert_true(got.map_reply.loc[0].reachable);
	encode_is(&got, v, sizeof(v));
}

/* RFC 9437 §4: I bit with xTR-ID and Site-ID after the records, N in
 * each record's Reserved byte. */
static const uint8_t pubsub[] = {
	0x10, 0x10, 0x00, 0x02,			/* I, IRC 0, 2 records */
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	0x00, 0x00,
	0x00, 0x01, 198, 51, 100, 1,
	0x80, 24, 0x00, 0x01, 192, 0, 2, 0,	/* N, 192.0.2.0/24 */
	0x00, 32, 0x00, 0x01, 192, 0, 2, 7,	/* no N, 192.0.2.7/32 */
	0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,	/* xTR-ID */
	0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x12, 0x34,	/* Site-ID */
};

static void
test_pubsub(void **state)
{
	uint8_t	v[sizeof(pubsub) + 64];
	size_t	i, n;

	(void)state;
	decode_ok(pubsub, sizeof(pubsub), &got);
	assert_true(got.subscribe);
	assert_int_equal(got.nrec, 2);
	assert_true(got.rec[0].notify);
	assert_false(got.rec[1].notify);
	assert_int_equal(got.rec[1].plen, 32);
	for (i = 0; i < LISP_XTR_ID_LEN; i++)
		assert_int_equal(got.xtr_id[i], 0xa0 + i);
	assert_true(got.site_id == 0x1234);
	assert_false(got.auth || got.map_data || got.probe || got.smr ||
	    got.pitr || got.smr_invoked || got.l_bit || got.dont_map_reply);
	encode_is(&got, pubsub, sizeof(pubsub));
	/* I announces the trailer: without it, truncated */
	refused(pubsub, sizeof(pubsub) - 24, LERR_TRUNCATED);
	refused(pubsub, sizeof(pubsub) - 1, LERR_TRUNCATED);
	/* the trailer without I is trailing garbage */
	memcpy(v, pubsub, sizeof(pubsub));
	v[1] = 0;
	refused(v, sizeof(pubsub), LERR_TRAILING);
	/* N without I decodes (the bit is the record's own) */
	decode_ok(v, sizeof(pubsub) - 24, &got);
	assert_false(got.subscribe);
	assert_true(got.rec[0].notify);
	/* with M, the trailer follows the Map-Reply record */
	decode_ok(pubsub, sizeof(pubsub), &want);
	want.map_data = true;
	want.map_reply.ttl = 60;
	want.map_reply.eid_plen = 32;
	want.map_reply.eid.ip.af = AF_INET;
	memcpy(want.map_reply.eid.ip.a, pubsub + 32, 4);
	n = (size_t)lisp_encode_map_request(&want, v, sizeof(v));
	assert_int_equal(n, sizeof(pubsub) + 16);
	assert_int_equal(v[0], 0x14);			/* M */
	assert_int_equal(v[1], 0x10);			/* I */
	assert_memory_equal(v + sizeof(pubsub) - 24 + 16,
	    pubsub + sizeof(pubsub) - 24, 24);		/* trailer last */
	decode_ok(v, n, &got);
	assert_memory_equal(&got, &want, sizeof(got));
}

static void
test_refusals(void **state)
{
	uint8_t	v[sizeof(base) + 1];

	(void)state;
	memcpy(v, base, sizeof(base));
	v[0] = 0x20;				/* Map-Reply type */
	refused(v, sizeof(base), LERR_BAD_TYPE);

	memcpy(v, base, sizeof(base));
	v[3] = 0;				/* Record Count 0 */
	refused(v, sizeof(base), LERR_NO_RECORDS);
	v[3] = LISP_MAX_RECORDS + 1;
	refused(v, sizeof(base), LERR_TOO_MANY_RECORDS);
	v[3] = 2;				/* one record is missing */
	refused(v, sizeof(base), LERR_TRUNCATED);

	memcpy(v, base, sizeof(base));
	v[2] = 1;		/* the second one is read from the record */
	refused(v, sizeof(base), LERR_BAD_AFI);
	refused(v, 20, LERR_TRUNCATED);		/* or is cut off */

	memcpy(v, base, sizeof(base));
	v[15] = 0x00;		/* ITR-RLOC AFI 0: then its bytes are a record */
	refused(v, sizeof(base), LERR_BAD_AFI);
	v[15] = 0x07;				/* unknown AFI */
	refused(v, sizeof(base), LERR_BAD_AFI);

	memcpy(v, base, sizeof(base));
	v[13] = 0x09;				/* unknown Source-EID AFI */
	refused(v, sizeof(base), LERR_BAD_AFI);

	memcpy(v, base, sizeof(base));
	v[21] = 33;				/* /33 for IPv4 */
	refused(v, sizeof(base), LERR_BAD_PLEN);
	v[21] = 32;
	v[23] = 0x00;				/* EID-prefix AFI 0 */
	refused(v, sizeof(base), LERR_BAD_AFI);

	memcpy(v, base, sizeof(base));
	v[0] |= 0x04;				/* M without a record */
	refused(v, sizeof(base), LERR_TRUNCATED);

	memcpy(v, base, sizeof(base));
	v[sizeof(base)] = 0;			/* one byte too many */
	refused(v, sizeof(v), LERR_TRAILING);

	refused(v, 0, LERR_TRUNCATED);
}

static void
test_encode_range(void **state)
{
	uint8_t	out[512];

	(void)state;
	decode_ok(base, sizeof(base), &want);
	want.nitr = 0;
	assert_int_equal(lisp_encode_map_request(&want, out, sizeof(out)), -1);
	want.nitr = LISP_MAX_ITR_RLOCS + 1;
	assert_int_equal(lisp_encode_map_request(&want, out, sizeof(out)), -1);
	decode_ok(base, sizeof(base), &want);
	want.nrec = 0;
	assert_int_equal(lisp_encode_map_request(&want, out, sizeof(out)), -1);
	decode_ok(base, sizeof(base), &want);
	want.rec[0].plen = 33;
	assert_int_equal(lisp_encode_map_request(&want, out, sizeof(out)), -1);
	decode_ok(base, sizeof(base), &want);
	want.itr_rloc[0].ip.af = AF_UNSPEC;
	assert_int_equal(lisp_encode_map_request(&want, out, sizeof(out)), -1);
}

/*
 * RFC 9437 §5: an unsubscription has "only one ITR-RLOC with AFI = 0";
 * decoded (AF_UNSPEC) and encoded back the same.  AFI 0 beside another
 * ITR-RLOC stays refused.  And RFC 9301 §5.2's 32 ITR-RLOCs (IRC 31).
 */
static void
test_unsubscribe_and_32_itr_rlocs(void **state)
{
	static const uint8_t unsub[] = {
		0x10, 0x10, 0x00, 0x01,		/* I bit, IRC 0, 1 record */
		0, 0, 0, 0, 0, 0, 0, 9,		/* nonce 9 */
		0x00, 0x00,			/* Source-EID AFI 0 */
		0x00, 0x00,			/* ITR-RLOC AFI 0 */
		0x80, 24, 0x00, 0x01, 192, 0, 2, 0,	/* N, 192.0.2.0/24 */
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
		0, 0, 0, 0, 0, 0, 0, 7,		/* Site-ID 7 */
	};
	uint8_t	out[1024], v[sizeof(unsub) + 6];
	ssize_t	n;
	int	i;

	(void)state;
	decode_ok(unsub, sizeof(unsub), &got);
	assert_true(got.subscribe);
	assert_int_equal(got.nitr, 1);
	assert_int_equal(got.itr_rloc[0].ip.af, AF_UNSPEC);
	assert_true(got.rec[0].notify);
	assert_int_equal(got.site_id, 7);
	encode_is(&got, unsub, sizeof(unsub));
	/* two ITR-RLOCs, the first of AFI 0: refused */
	memcpy(v, unsub, 16);
	v[2] = 0x01;
	v[16] = 0x00, v[17] = 0x01, v[18] = 192, v[19] = 0, v[20] = 2;
	v[21] = 1;
	memcpy(v + 22, unsub + 16, sizeof(unsub) - 16);
	refused(v, sizeof(v), LERR_BAD_AFI);
	/* 32 ITR-RLOCs */
	decode_ok(base, sizeof(base), &want);
	want.nitr = 32;
	for (i = 0; i < 32; i++) {
		want.itr_rloc[i].ip.af = AF_INET;
		want.itr_rloc[i].ip.a[0] = 192;
		want.itr_rloc[i].ip.a[3] = (uint8_t)i;
	}
	assert_true((n = lisp_encode_map_request(&want, out, sizeof(out))) > 0);
	assert_int_equal(out[2] & 0x1f, 31);		/* IRC 31 */
	decode_ok(out, (size_t)n, &got);
	assert_int_equal(got.nitr, 32);
	assert_int_equal(got.itr_rloc[31].ip.a[3], 31);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base),
		cmocka_unit_test(test_unsubscribe_and_32_itr_rlocs),
		cmocka_unit_test(test_each_flag),
		cmocka_unit_test(test_reserved_ignored),
		cmocka_unit_test(test_irc_and_map_reply_record),
		cmocka_unit_test(test_pubsub),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_encode_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

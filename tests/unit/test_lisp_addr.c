/*
 * test_lisp_addr.c: LISP addresses (RFC 9301 AFI 0/1/2, RFC 8060 §4.1
 * Instance-ID LCAF) against hand-written bytes, and every refusal.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lisp.h"

static int
dec(const uint8_t *b, size_t len, struct lisp_addr *a, enum lisp_err *why,
    size_t *left)
{
	struct cur	c = cur_make(b, len);
	int		r;

	*why = LERR_OK;
	r = lisp_decode_addr(&c, a, why);
	*left = cur_left(&c);
	return r;
}

static void
expect_encode(const struct lisp_addr *a, const uint8_t *want, size_t len)
{
	uint8_t		buf[64];
	struct wbuf	w = wbuf_make(buf, sizeof(buf));

	assert_int_equal(lisp_encode_addr(&w, a), 0);
	assert_true(wbuf_ok(&w));
	assert_int_equal(w.len, len);
	assert_memory_equal(buf, want, len);
	/* too small by one: refused, never written past */
	w = wbuf_make(buf, len - 1);
	assert_int_equal(lisp_encode_addr(&w, a), -1);
}

static void
test_afi0_v4_v6(void **state)
{
	static const uint8_t a0[] = { 0x00, 0x00 };
	static const uint8_t a4[] = { 0x00, 0x01, 192, 0, 2, 1 };
	static const uint8_t a6[] = { 0x00, 0x02, 0x20, 0x01, 0x0d, 0xb8,
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01 };
	struct lisp_addr	a;
	enum lisp_err		why;
	size_t			left;

	(void)state;
	assert_int_equal(dec(a0, sizeof(a0), &a, &why, &left), 0);
	assert_int_equal(a.ip.af, AF_UNSPEC);
	assert_false(a.has_iid);
	expect_encode(&a, a0, sizeof(a0));

	assert_int_equal(dec(a4, sizeof(a4), &a, &why, &left), 0);
	assert_int_equal(a.ip.af, AF_INET);
	assert_memory_equal(a.ip.a, a4 + 2, 4);
	assert_int_equal(left, 0);
	expect_encode(&a, a4, sizeof(a4));

	assert_int_equal(dec(a6, sizeof(a6), &a, &why, &left), 0);
	assert_int_equal(a.ip.af, AF_INET6);
	assert_memory_equal(a.ip.a, a6 + 2, 16);
	expect_encode(&a, a6, sizeof(a6));
}

/* RFC 8060 §4.1: AFI 16387, Rsvd1, Flags, Type 2, IID mask-len, Length,
 * Instance ID, AFI, address. */
static void
test_lcaf_iid(void **state)
{
	static const uint8_t v4[] = { 0x40, 0x03, 0x00, 0x00, 0x02, 0x18,
	    0x00, 0x0a, 0x00, 0x12, 0x34, 0x56, 0x00, 0x01, 192, 0, 2, 1 };
	static const uint8_t v6[] = { 0x40, 0x03, 0x00, 0x00, 0x02, 0x00,
	    0x00, 0x16, 0x00, 0x00, 0x00, 0x07, 0x00, 0x02, 0x20, 0x01, 0x0d,
	    0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02 };
	static const uint8_t none[] = { 0x40, 0x03, 0x00, 0x00, 0x02, 0x00,
	    0x00, 0x06, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00 };
	struct lisp_addr	a;
	enum lisp_err		why;
	size_t			left;

	(void)state;
	assert_int_equal(dec(v4, sizeof(v4), &a, &why, &left), 0);
	assert_true(a.has_iid);
	assert_int_equal(a.iid, 0x123456);
	assert_int_equal(a.iid_mask_len, 24);
	assert_int_equal(a.ip.af, AF_INET);
	assert_memory_equal(a.ip.a, v4 + 14, 4);
	expect_encode(&a, v4, sizeof(v4));

	assert_int_equal(dec(v6, sizeof(v6), &a, &why, &left), 0);
	assert_int_equal(a.iid, 7);
	assert_int_equal(a.ip.af, AF_INET6);
	expect_encode(&a, v6, sizeof(v6));

	assert_int_equal(dec(none, sizeof(none), &a, &why, &left), 0);
	assert_int_equal(a.ip.af, AF_UNSPEC);
	expect_encode(&a, none, sizeof(none));
}

static void
expect_refused(const uint8_t *b, size_t len, enum lisp_err want)
{
	struct lisp_addr	a;
	enum lisp_err		why;
	size_t			left;

	assert_int_equal(dec(b, len, &a, &why, &left), -1);
	assert_int_equal(why, want);
}

static void
test_refusals(void **state)
{
	static const uint8_t afi3[] = { 0x00, 0x03, 1, 2, 3, 4 };
	static const uint8_t short4[] = { 0x00, 0x01, 192, 0, 2 };
	static const uint8_t short6[] = { 0x00, 0x02, 0x20, 0x01 };
	/* Length 0x0b claims one byte more than there is */
	static const uint8_t overrun[] = { 0x40, 0x03, 0x00, 0x00, 0x02, 0x00,
	    0x00, 0x0b, 0x00, 0x00, 0x00, 0x07, 0x00, 0x01, 192, 0, 2, 1 };
	/* Length 8: the IPv4 address does not fit inside the LCAF */
	static const uint8_t inner_over[] = { 0x40, 0x03, 0x00, 0x00, 0x02,
	    0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x07, 0x00, 0x01, 192, 0, 2, 1 };
	/* Length 3: not even the Instance ID fits */
	static const uint8_t iid_over[] = { 0x40, 0x03, 0x00, 0x00, 0x02,
	    0x00, 0x00, 0x03, 0x00, 0x00, 0x00 };
	/* Length 0x0b with one byte of slack inside */
	static const uint8_t slack[] = { 0x40, 0x03, 0x00, 0x00, 0x02, 0x00,
	    0x00, 0x0b, 0x00, 0x00, 0x00, 0x07, 0x00, 0x01, 192, 0, 2, 1, 0 };
	/* LCAF type 1 (AFI list) */
	static const uint8_t type1[] = { 0x40, 0x03, 0x00, 0x00, 0x01, 0x00,
	    0x00, 0x06, 0x00, 0x01, 192, 0, 2, 1 };
	/* LCAF inside LCAF */
	static const uint8_t nested[] = { 0x40, 0x03, 0x00, 0x00, 0x02, 0x00,
	    0x00, 0x08, 0x00, 0x00, 0x00, 0x07, 0x40, 0x03, 0x00, 0x00 };
	/* unknown AFI inside the LCAF */
	static const uint8_t inner_afi[] = { 0x40, 0x03, 0x00, 0x00, 0x02,
	    0x00, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x07, 0x00, 0x05, 1, 2, 3, 4 };
	static const uint8_t lcaf_hdr_short[] = { 0x40, 0x03, 0x00, 0x00, 0x02 };

	(void)state;
	expect_refused(afi3, sizeof(afi3), LERR_BAD_AFI);
	expect_refused(short4, sizeof(short4), LERR_TRUNCATED);
	expect_refused(short6, sizeof(short6), LERR_TRUNCATED);
	expect_refused(afi3, 1, LERR_TRUNCATED);
	expect_refused(overrun, sizeof(overrun), LERR_LCAF_OVERRUN);
	expect_refused(inner_over, sizeof(inner_over), LERR_LCAF_OVERRUN);
	expect_refused(iid_over, sizeof(iid_over), LERR_LCAF_OVERRUN);
	expect_refused(slack, sizeof(slack), LERR_TRAILING);
	expect_refused(type1, sizeof(type1), LERR_LCAF_TYPE);
	expect_refused(nested, sizeof(nested), LERR_BAD_AFI);
	expect_refused(inner_afi, sizeof(inner_afi), LERR_BAD_AFI);
	expect_refused(lcaf_hdr_short, sizeof(lcaf_hdr_short), LERR_TRUNCATED);
}

static void
test_encode_range(void **state)
{
	struct lisp_addr	a;
	uint8_t			buf[64];
	struct wbuf		w = wbuf_make(buf, sizeof(buf));

	(void)state;
	memset(&a, 0, sizeof(a));
	a.ip.af = AF_INET;
	a.has_iid = true;
	a.iid = 0x1000000;		/* more than 24 bits */
	assert_int_equal(lisp_encode_addr(&w, &a), -1);
	memset(&a, 0, sizeof(a));
	a.ip.af = 99;
	w = wbuf_make(buf, sizeof(buf));
	assert_int_equal(lisp_encode_addr(&w, &a), -1);
	assert_false(wbuf_ok(&w));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_afi0_v4_v6),
		cmocka_unit_test(test_lcaf_iid),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_encode_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

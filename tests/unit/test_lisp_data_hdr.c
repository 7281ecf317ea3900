/*
 * test_lisp_data_hdr.c: the LISP data header (RFC 9300 §5.3) against
 * bytes written by hand from the RFC diagram, one vector per flag.
 *
 * |N|L|E|V|I|R|K|K|            Nonce/Map-Version                  |
 * |                 Instance ID/Locator-Status-Bits               |
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lisp.h"

static void
vector(const uint8_t b[8], const struct lisp_data_hdr *want)
{
	struct lisp_data_hdr	got;
	enum lisp_err		why = LERR_OK;
	uint8_t			out[8];

	assert_int_equal(lisp_decode_data_hdr(b, 8, &got, &why), 0);
	assert_memory_equal(&got, want, sizeof(got));
	assert_int_equal(lisp_encode_data_hdr(want, out, sizeof(out)), 8);
	assert_memory_equal(out, b, 8);
	assert_int_equal(lisp_encode_data_hdr(want, out, 7), -1);
}

static void
test_flags(void **state)
{
	static const uint8_t none[8] = { 0x00, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t n[8] = { 0x80, 0xab, 0xcd, 0xef, 0, 0, 0, 0 };
	static const uint8_t l[8] = { 0x40, 0, 0, 0, 0x80, 0, 0, 0x03 };
	static const uint8_t e[8] = { 0xa0, 0x12, 0x34, 0x56, 0, 0, 0, 0 };
	static const uint8_t v[8] = { 0x10, 0x32, 0x16, 0x54, 0, 0, 0, 0 };
	static const uint8_t i[8] = { 0x08, 0, 0, 0, 0x00, 0xbe, 0xef, 0 };
	static const uint8_t il[8] = { 0x48, 0, 0, 0, 0x12, 0x34, 0x56, 0x01 };
	struct lisp_data_hdr	d;

	(void)state;
	memset(&d, 0, sizeof(d));
	vector(none, &d);

	memset(&d, 0, sizeof(d));
	d.n = true;
	d.nonce = 0xabcdef;
	vector(n, &d);

	memset(&d, 0, sizeof(d));
	d.l = true;
	d.lsb = 0x80000003;
	vector(l, &d);

	memset(&d, 0, sizeof(d));
	d.n = d.e = true;
	d.nonce = 0x123456;
	vector(e, &d);

	memset(&d, 0, sizeof(d));
	d.v = true;
	d.src_map_version = 0x321;
	d.dst_map_version = 0x654;
	vector(v, &d);

	memset(&d, 0, sizeof(d));
	d.i = true;
	d.iid = 0xbeef;
	vector(i, &d);

	memset(&d, 0, sizeof(d));
	d.i = d.l = true;
	d.iid = 0x123456;
	d.lsb = 0x01;
	vector(il, &d);
}

static void
test_refusals(void **state)
{
	static const uint8_t nv[8] = { 0x90, 0, 0, 1, 0, 0, 0, 0 };
	struct lisp_data_hdr	d;
	enum lisp_err		why = LERR_OK;
	uint8_t			out[8];
	size_t			n;

	(void)state;
	/* RFC 9300 §5.3: N and V both set: read as a nonce, not dropped */
	assert_int_equal(lisp_decode_data_hdr(nv, 8, &d, &why), 0);
	assert_true(d.n);
	assert_false(d.v);
	assert_int_equal(d.nonce, 1);
	assert_int_equal(d.src_map_version, 0);
	assert_int_equal(d.dst_map_version, 0);
	for (n = 0; n < 8; n++) {
		why = LERR_OK;
		assert_int_equal(lisp_decode_data_hdr(nv, n, &d, &why), -1);
		assert_int_equal(why, LERR_TRUNCATED);
	}

	memset(&d, 0, sizeof(d));
	d.n = d.v = true;
	assert_int_equal(lisp_encode_data_hdr(&d, out, sizeof(out)), -1);
	memset(&d, 0, sizeof(d));
	d.n = true;
	d.nonce = 0x1000000;
	assert_int_equal(lisp_encode_data_hdr(&d, out, sizeof(out)), -1);
	memset(&d, 0, sizeof(d));
	d.v = true;
	d.src_map_version = 0x1000;
	assert_int_equal(lisp_encode_data_hdr(&d, out, sizeof(out)), -1);
	memset(&d, 0, sizeof(d));
	d.i = true;
	d.iid = 0x1000000;
	assert_int_equal(lisp_encode_data_hdr(&d, out, sizeof(out)), -1);
	memset(&d, 0, sizeof(d));
	d.i = true;
	d.lsb = 0x100;			/* only 8 LSBs with an IID */
	assert_int_equal(lisp_encode_data_hdr(&d, out, sizeof(out)), -1);
}

/* Reserved bits (R, K, K) and fields of absent flags are ignored. */
static void
test_ignored_bits(void **state)
{
	static const uint8_t b[8] = { 0x07, 0x11, 0x22, 0x33, 0, 0, 0, 9 };
	struct lisp_data_hdr	d;
	enum lisp_err		why = LERR_OK;

	(void)state;
	assert_int_equal(lisp_decode_data_hdr(b, 8, &d, &why), 0);
	assert_false(d.n || d.l || d.e || d.v || d.i);
	assert_int_equal(d.nonce, 0);
	assert_int_equal(d.lsb, 9);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_ignored_bits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

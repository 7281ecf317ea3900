/*
 * test_lisp_hkdf.c: lisp_hkdf() against RFC 5869 Appendix A (test cases
 * 1, 3 and 4, recomputed by tests/tools/lispsec_kat.py with Python's
 * hmac), and its argument checks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hkdf.h"

static const uint8_t salt13[] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
	0x0c
};
static const uint8_t info10[] = {
	0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9
};

/* RFC 5869 A.1: SHA-256, IKM 22 x 0x0b, L 42 */
static const uint8_t okm_a1[] = {
	0x3c, 0xb2, 0x5f, 0x25, 0xfa, 0xac, 0xd5, 0x7a, 0x90, 0x43, 0x4f, 0x64,
	0xd0, 0x36, 0x2f, 0x2a, 0x2d, 0x2d, 0x0a, 0x90, 0xcf, 0x1a, 0x5a, 0x4c,
	0x5d, 0xb0, 0x2d, 0x56, 0xec, 0xc4, 0xc5, 0xbf, 0x34, 0x00, 0x72, 0x08,
	0xd5, 0xb8, 0x87, 0x18, 0x58, 0x65
};
/* RFC 5869 A.3: SHA-256, IKM 22 x 0x0b, no salt, no info, L 42 */
static const uint8_t okm_a3[] = {
	0x8d, 0xa4, 0xe7, 0x75, 0xa5, 0x63, 0xc1, 0x8f, 0x71, 0x5f, 0x80, 0x2a,
	0x06, 0x3c, 0x5a, 0x31, 0xb8, 0xa1, 0x1f, 0x5c, 0x5e, 0xe1, 0x87, 0x9e,
	0xc3, 0x45, 0x4e, 0x5f, 0x3c, 0x73, 0x8d, 0x2d, 0x9d, 0x20, 0x13, 0x95,
	0xfa, 0xa4, 0xb6, 0x1a, 0x96, 0xc8
};
/* RFC 5869 A.4: SHA-1, IKM 11 x 0x0b, L 42 */
static const uint8_t okm_a4[] = {
	0x08, 0x5a, 0x01, 0xea, 0x1b, 0x10, 0xf3, 0x69, 0x33, 0x06, 0x8b, 0x56,
	0xef, 0xa5, 0xad, 0x81, 0xa4, 0xf1, 0x4b, 0x82, 0x2f, 0x5b, 0x09, 0x15,
	0x68, 0xa9, 0xcd, 0xd4, 0xf1, 0x55, 0xfd, 0xa2, 0xc2, 0x2e, 0x42, 0x24,
	0x78, 0xd3, 0x05, 0xf3, 0xf8, 0x96
};

static void
rfc5869_vectors(void **state)
{
	uint8_t	ikm[22], out[42];

	(void)state;
	memset(ikm, 0x0b, sizeof(ikm));
	assert_int_equal(lisp_hkdf(LISP_HKDF_SHA256, salt13, sizeof(salt13),
	    ikm, 22, info10, sizeof(info10), out, 42), 0);
	assert_memory_equal(out, okm_a1, 42);
	assert_int_equal(lisp_hkdf(LISP_HKDF_SHA256, NULL, 0, ikm, 22, NULL,
	    0, out, 42), 0);
	assert_memory_equal(out, okm_a3, 42);
	assert_int_equal(lisp_hkdf(LISP_HKDF_SHA1, salt13, sizeof(salt13),
	    ikm, 11, info10, sizeof(info10), out, 42), 0);
	assert_memory_equal(out, okm_a4, 42);
	/* a shorter output is a prefix of the longer one */
	assert_int_equal(lisp_hkdf(LISP_HKDF_SHA256, NULL, 0, ikm, 22, NULL,
	    0, out, 16), 0);
	assert_memory_equal(out, okm_a3, 16);
}

static void
bad_arguments(void **state)
{
	uint8_t	ikm[4] = { 1, 2, 3, 4 }, out[32];

	(void)state;
	assert_int_equal(lisp_hkdf(LISP_HKDF_SHA256, NULL, 0, ikm, 4, NULL, 0,
	    out, 0), -1);
	assert_int_equal(lisp_hkdf(LISP_HKDF_SHA256, NULL, 0, ikm, 4, NULL, 0,
	    NULL, 16), -1);
	assert_int_equal(lisp_hkdf(LISP_HKDF_SHA256, NULL, 3, ikm, 4, NULL, 0,
	    out, 16), -1);
	assert_int_equal(lisp_hkdf((enum lisp_hkdf_md)7, NULL, 0, ikm, 4,
	    NULL, 0, out, 16), -1);
	/* 255 * HashLen is the most HKDF-Expand gives (RFC 5869 §2.3) */
	{
		static uint8_t	big[255 * 20 + 1];

		assert_int_equal(lisp_hkdf(LISP_HKDF_SHA1, NULL, 0, ikm, 4,
		    NULL, 0, big, sizeof(big)), -1);
		assert_int_equal(lisp_hkdf(LISP_HKDF_SHA1, NULL, 0, ikm, 4,
		    NULL, 0, big, sizeof(big) - 1), 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc5869_vectors),
		cmocka_unit_test(bad_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_lisp_misc.c: error names, the type peek and nonces. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lisp.h"

static void
test_err_names(void **state)
{
	int	i, j;

	(void)state;
	for (i = 0; i < LERR__COUNT; i++) {
		assert_string_not_equal(lisp_err_name((enum lisp_err)i),
		    "unknown");
		for (j = 0; j < i; j++)
			assert_string_not_equal(lisp_err_name((enum lisp_err)i),
			    lisp_err_name((enum lisp_err)j));
	}
	assert_string_equal(lisp_err_name(LERR_TRUNCATED), "truncated");
	assert_string_equal(lisp_err_name(LERR__COUNT), "unknown");
}

static void
test_msg_type(void **state)
{
	static const uint8_t b[] = { 0x8f, 0x00 };

	(void)state;
	assert_int_equal(lisp_msg_type(b, sizeof(b)), LISP_ECM);
	assert_int_equal(lisp_msg_type(b, 0), -1);
	assert_int_equal(lisp_msg_type(NULL, 3), -1);
}

static void
test_nonce(void **state)
{
	uint64_t	a, b, c;

	(void)state;
	a = lisp_nonce();
	b = lisp_nonce();
	c = lisp_nonce();
	/* three equal 64-bit random values: never, in practice */
	assert_false(a == b && b == c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_err_names),
		cmocka_unit_test(test_msg_type),
		cmocka_unit_test(test_nonce),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

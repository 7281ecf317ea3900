/* test_cfgline.c: the config tokenizer and its error messages. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "cfgline.h"

static void
test_split_forms(void **state)
{
	struct cfg_parser	cp = { "t.conf", 0, NULL };
	struct cfg_line		l;

	(void)state;
	assert_int_equal(cfg_split(&cp, &l, 1, "rloc = [ '192.0.2.1', \"2001:db8::1\" ] # c"), 0);
	assert_int_equal(l.ntok, 7);
	assert_string_equal(l.tok[0], "rloc");
	assert_string_equal(l.tok[1], "=");
	assert_string_equal(l.tok[2], "[");
	assert_string_equal(l.tok[3], "192.0.2.1");
	assert_true(l.quoted[3]);
	assert_string_equal(l.tok[4], ",");
	assert_string_equal(l.tok[5], "2001:db8::1");
	assert_string_equal(l.tok[6], "]");
	assert_int_equal(cfg_split(&cp, &l, 2, "   # only a comment"), 0);
	assert_int_equal(l.ntok, 0);
	assert_int_equal(cfg_split(&cp, &l, 3, "key=\"a b#c\""), 0);
	assert_int_equal(l.ntok, 3);
	assert_string_equal(l.tok[2], "a b#c");
	assert_int_equal(cp.errors, 0);
}

static void
test_errors_quote_token(void **state)
{
	char			 out[256] = "";
	FILE			*f = fmemopen(out, sizeof(out), "w");
	struct cfg_parser	 cp = { "x.conf", 0, f };
	struct cfg_line		 l;

	(void)state;
	assert_int_equal(cfg_split(&cp, &l, 7, "key = 'open\n"), -1);
	fflush(f);
	assert_non_null(strstr(out, "x.conf:7: unterminated quote at 'open'\n"));
	assert_int_equal(cp.errors, 1);
	fclose(f);
}

static int
count_cb(struct cfg_parser *cp, struct cfg_line *l, void *arg)
{
	int *n = arg;

	(*n)++;
	if (strcmp(l->tok[0], "bad") == 0)
		return cfg_error(cp, l, l->tok[0], "unknown keyword");
	return 0;
}

static void
test_read_text(void **state)
{
	const char		 text[] = "a 1\n\n# x\nbad\nb 2";
	char			 out[256] = "";
	FILE			*f = fmemopen(out, sizeof(out), "w");
	struct cfg_parser	 cp = { "mem", 0, f };
	int			 n = 0;

	(void)state;
	assert_int_equal(cfg_read_text(&cp, text, strlen(text), count_cb, &n), 1);
	assert_int_equal(n, 3);
	fflush(f);
	assert_non_null(strstr(out, "mem:4: unknown keyword 'bad'"));
	fclose(f);
}

static void
test_numbers(void **state)
{
	unsigned long	v;
	int		b;

	(void)state;
	assert_int_equal(cfg_uint("255", 0, 255, &v), 0);
	assert_int_equal(v, 255);
	assert_int_equal(cfg_uint("256", 0, 255, &v), -1);
	assert_int_equal(cfg_uint("-1", 0, 255, &v), -1);
	assert_int_equal(cfg_uint("12a", 0, 255, &v), -1);
	assert_int_equal(cfg_uint("", 0, 255, &v), -1);
	assert_int_equal(cfg_bool("yes", &b), 0);
	assert_int_equal(b, 1);
	assert_int_equal(cfg_bool("off", &b), 0);
	assert_int_equal(b, 0);
	assert_int_equal(cfg_bool("maybe", &b), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_forms),
		cmocka_unit_test(test_errors_quote_token),
		cmocka_unit_test(test_read_text),
		cmocka_unit_test(test_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

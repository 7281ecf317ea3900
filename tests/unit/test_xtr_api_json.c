/* test_xtr_api_json.c: the control API's list-of-EIDs field
 * (get_prefix_list, xtr/api_json.c), as POST /v1/map-cache/prefetch reads
 * it; POST /v1/expect's operation (get_expect_op). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "xtr/api/api_int.h"

/* body -> get_prefix_list(o, "eids", p, max); the parse_body result */
static int
list_of(const char *body, struct ipprefix *p, int max, int *n, char *err,
    size_t errlen)
{
	static const char *const allowed[] = { "eids", NULL };
	struct req	 rq;
	json_object	*o;
	int		 rc;

	memset(&rq, 0, sizeof(rq));
	rq.body = strdup(body);
	rq.len = strlen(body);
	assert_non_null(rq.body);
	o = parse_body(&rq, allowed, err, errlen);
	free(rq.body);
	if (o == NULL)
		return -2;
	rc = get_prefix_list(o, "eids", p, max, n, err, errlen);
	json_object_put(o);
	return rc;
}

static void
test_good(void **state)
{
	struct ipprefix	 p[4], q;
	char		 err[160];
	int		 n = -1;

	(void)state;
	assert_int_equal(list_of("{\"eids\":[\"203.0.113.0/25\","
	    "\"198.51.100.7/32\",\"2001:db8::/48\"]}", p, 4, &n, err,
	    sizeof(err)), 0);
	assert_int_equal(n, 3);
	ipprefix_parse("203.0.113.0/25", &q);
	assert_int_equal(ipprefix_cmp(&p[0], &q), 0);
	ipprefix_parse("198.51.100.7/32", &q);
	assert_int_equal(ipprefix_cmp(&p[1], &q), 0);
	ipprefix_parse("2001:db8::/48", &q);
	assert_int_equal(ipprefix_cmp(&p[2], &q), 0);
	/* a bare address is its host prefix, as get_prefix takes it */
	assert_int_equal(list_of("{\"eids\":[\"198.51.100.7\"]}", p, 4, &n,
	    err, sizeof(err)), 0);
	assert_int_equal(n, 1);
	assert_int_equal(p[0].plen, 32);
	/* exactly max */
	assert_int_equal(list_of("{\"eids\":[\"10.0.0.1\",\"10.0.0.2\"]}", p,
	    2, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 2);
}

static void
bad(const char *body, int max, const char *want)
{
	struct ipprefix	 p[4];
	char		 err[160] = "";
	int		 n = -1;

	assert_int_equal(list_of(body, p, max, &n, err, sizeof(err)), -1);
	assert_int_equal(n, 0);
	if (strstr(err, want) == NULL)
		fail_msg("'%s': error '%s' lacks '%s'", body, err, want);
}

static void
test_bad(void **state)
{
	(void)state;
	bad("{}", 4, "must be an array");
	bad("{\"eids\":\"10.0.0.1\"}", 4, "must be an array");
	bad("{\"eids\":{}}", 4, "must be an array");
	bad("{\"eids\":null}", 4, "must be an array");
	bad("{\"eids\":[]}", 4, "1 to 4 EID prefixes, not 0");
	bad("{\"eids\":[\"10.0.0.1\",\"10.0.0.2\",\"10.0.0.3\"]}", 2,
	    "1 to 2 EID prefixes, not 3");
	/* the bad element is named by index and quoted */
	bad("{\"eids\":[\"10.0.0.1\",\"nonsense\"]}", 4,
	    "\"eids\"[1] is not an EID prefix 'nonsense'");
	bad("{\"eids\":[\"10.0.0.1\",null]}", 4,
	    "\"eids\"[1] is not an EID prefix 'null'");
	bad("{\"eids\":[5]}", 4, "\"eids\"[0] is not an EID prefix '5'");
	bad("{\"eids\":[[\"10.0.0.1\"]]}", 4, "\"eids\"[0] is not an EID");
	bad("{\"eids\":[\"10.0.0.0/33\"]}", 4, "\"eids\"[0] is not an EID");
	/* host bits set */
	bad("{\"eids\":[\"10.0.0.1/24\"]}", 4,
	    "\"eids\"[0] is not an EID prefix '10.0.0.1/24'");
	bad("{\"eids\":[\"2001:db8::1/32\"]}", 4, "is not an EID prefix");
}

static void
test_unknown_key(void **state)
{
	struct ipprefix	 p[1];
	char		 err[160];
	int		 n;

	(void)state;
	assert_int_equal(list_of("{\"eids\":[\"10.0.0.1\"],\"eid\":\"x\"}", p,
	    1, &n, err, sizeof(err)), -2);
	assert_non_null(strstr(err, "unknown field \"eid\""));
}

/* body -> get_expect_op (POST /v1/expect): op, or -1 (refused) */
static int
expect_of(const char *body, char *err, size_t errlen)
{
	static const char *const allowed[] = { "eids", "cancel", "until",
	    "arrived", NULL };
	enum dp_expect_op	 op = DPE_EXPECT;
	struct req		 rq;
	json_object		*o;
	int			 rc;

	memset(&rq, 0, sizeof(rq));
	rq.body = strdup(body);
	rq.len = strlen(body);
	assert_non_null(rq.body);
	o = parse_body(&rq, allowed, err, errlen);
	free(rq.body);
	assert_non_null(o);
	rc = get_expect_op(o, &op, err, errlen);
	json_object_put(o);
	return rc == -1 ? -1 : (int)op;
}

static void
test_expect_op(void **state)
{
	char	err[160];

	(void)state;
	assert_int_equal(expect_of("{\"eids\":[]}", err, sizeof(err)),
	    DPE_EXPECT);
	assert_int_equal(expect_of("{\"cancel\":false,\"until\":\"add\"}",
	    err, sizeof(err)), DPE_EXPECT);
	assert_int_equal(expect_of("{\"until\":\"arrival\"}", err,
	    sizeof(err)), DPE_UNTIL_ARRIVAL);
	assert_int_equal(expect_of("{\"cancel\":false,\"arrived\":true}", err,
	    sizeof(err)), DPE_ARRIVED);
	assert_int_equal(expect_of("{\"cancel\":true,\"arrived\":false}", err,
	    sizeof(err)), DPE_CANCEL);
	/* refused, with the reason */
	assert_int_equal(expect_of("{\"cancel\":true,\"arrived\":true}", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "at once"));
	assert_int_equal(expect_of("{\"arrived\":1}", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "true or false"));
	assert_int_equal(expect_of("{\"until\":\"later\"}", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "\"until\" must be"));
	assert_int_equal(expect_of("{\"until\":7}", err, sizeof(err)), -1);
	assert_int_equal(expect_of("{\"until\":\"arrival\",\"cancel\":true}",
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "with \"cancel\" or \"arrived\""));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_expect_op),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

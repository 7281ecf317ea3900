/* test_migrated_api.c: migrated's API request bodies (api_parse.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "migrated/api_parse.h"

static int
vif(const char *body, struct api_vif *v, struct api_err *e)
{
	return api_parse_vif(body, strlen(body), v, e);
}

static int
dep(const char *body, struct api_departure *d, struct api_err *e)
{
	return api_parse_departure(body, strlen(body), d, e);
}

static void
test_vif(void **state)
{
	struct api_vif	v;
	struct api_err	e;

	(void)state;
	assert_int_equal(vif("{\"action\":\"online\",\"domid\":3,\"devid\":1,"
	    "\"vif\":\"vif3.1\",\"bridge\":\"xenbr0\",\"mac\":"
	    "\"00:16:3e:00:00:05\"}", &v, &e), 0);
	assert_true(v.online);
	assert_int_equal(v.domid, 3);
	assert_int_equal(v.devid, 1);
	assert_string_equal(v.vif, "vif3.1");
	assert_string_equal(v.bridge, "xenbr0");
	assert_int_equal(v.mac[5], 5);
	assert_int_equal(vif("{\"action\":\"offline\",\"domid\":3,"
	    "\"devid\":0}", &v, &e), 0);
	assert_false(v.online);
}

static void
expect_vif_error(const char *body, const char *counter, const char *msg)
{
	struct api_vif	v;
	struct api_err	e;

	assert_int_equal(vif(body, &v, &e), -1);
	assert_string_equal(e.counter, counter);
	if (strstr(e.msg, msg) == NULL)
		fail_msg("want '%s' in '%s'", msg, e.msg);
}

static void
test_vif_errors(void **state)
{
	(void)state;
	expect_vif_error("", "api_bad_request", "empty body");
	expect_vif_error("{\"action\":", "api_bad_json", "not one JSON");
	expect_vif_error("[]", "api_bad_json", "not one JSON");
	expect_vif_error("{} {}", "api_bad_json", "not one JSON");
	expect_vif_error("{\"action\":\"online\",\"x\":1}", "api_bad_request",
	    "unknown field 'x'");
	expect_vif_error("{\"action\":\"up\",\"domid\":1,\"devid\":0}",
	    "api_bad_request", "online or offline");
	expect_vif_error("{\"action\":\"offline\",\"domid\":\"1\",\"devid\":0}",
	    "api_bad_request", "domid and devid");
	expect_vif_error("{\"action\":\"offline\",\"domid\":32752,\"devid\":0}",
	    "api_bad_request", "domid and devid");
	expect_vif_error("{\"action\":\"offline\",\"domid\":1,\"devid\":-1}",
	    "api_bad_request", "domid and devid");
	expect_vif_error("{\"action\":\"online\",\"domid\":1,\"devid\":0,"
	    "\"vif\":\"../etc\",\"bridge\":\"b\",\"mac\":\"00:16:3e:00:00:05\"}",
	    "api_bad_request", "bad vif name");
	expect_vif_error("{\"action\":\"online\",\"domid\":1,\"devid\":0,"
	    "\"vif\":\"v\",\"bridge\":\"a-very-long-bridge-name\",\"mac\":"
	    "\"00:16:3e:00:00:05\"}", "api_bad_request", "bad bridge");
	expect_vif_error("{\"action\":\"online\",\"domid\":1,\"devid\":0,"
	    "\"vif\":\"v\",\"bridge\":\"b\",\"mac\":\"00:16:3e:00:00\"}",
	    "api_bad_request", "bad mac");
}

static void
test_departure(void **state)
{
	struct api_departure	d;
	struct api_err		e;

	(void)state;
	assert_int_equal(dep("{\"domain\":\"web1\",\"dest_rlocs\":"
	    "[\"192.0.2.2\",\"2001:db8::2\"]}", &d, &e), 0);
	assert_string_equal(d.domain, "web1");
	assert_int_equal(d.nrlocs, 2);
	assert_int_equal(d.rlocs[1].af, AF_INET6);
	assert_int_equal(dep("{\"domain\":\"web1\",\"dest_rlocs\":[]}", &d,
	    &e), -1);
	assert_int_equal(dep("{\"domain\":\"web1\",\"dest_rlocs\":[\"a\",\"b\","
	    "\"c\",\"d\",\"e\"]}", &d, &e), -1);
	assert_int_equal(dep("{\"domain\":\"web1\",\"dest_rlocs\":[1]}", &d,
	    &e), -1);
	assert_int_equal(dep("{\"domain\":\"web1\",\"dest_rlocs\":"
	    "[\"192.0.2.300\"]}", &d, &e), -1);
	assert_string_equal(e.msg, "bad address in dest_rlocs");
	assert_int_equal(dep("{\"dest_rlocs\":[\"192.0.2.2\"]}", &d, &e), -1);
	assert_int_equal(dep("{\"domain\":\"w\",\"dest_rlocs\":[\"192.0.2.2\"],"
	    "\"via\":1}", &d, &e), -1);
	assert_string_equal(e.msg, "unknown field 'via'");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vif),
		cmocka_unit_test(test_vif_errors),
		cmocka_unit_test(test_departure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

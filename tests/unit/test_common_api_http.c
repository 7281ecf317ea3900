/* test_common_api_http.c: the control APIs' shared server glue
 * (common/api_http.c): body size limit, unknown fields, the socket. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "api_http.h"

static void
test_body_limit(void **state)
{
	char	*p = NULL;
	size_t	 len = 0;
	bool	 big = false;

	(void)state;
	assert_int_equal(api_body_append(&p, &len, &big, "{\"a\"", 4, 8), 0);
	assert_int_equal(api_body_append(&p, &len, &big, ":1}", 3, 8), 0);
	assert_false(big);
	assert_int_equal(len, 7);
	assert_string_equal(p, "{\"a\":1}");
	/* exactly max is fine, one byte more is too big, and stays so */
	assert_int_equal(api_body_append(&p, &len, &big, " ", 1, 8), 0);
	assert_false(big);
	assert_int_equal(api_body_append(&p, &len, &big, " ", 1, 8), 0);
	assert_true(big);
	assert_int_equal(len, 8);
	assert_int_equal(api_body_append(&p, &len, &big, "", 0, 8), 0);
	assert_true(big);
	assert_int_equal(len, 8);
	free(p);
}

static void
test_unknown_key(void **state)
{
	static const char *const allowed[] = { "eid", "ttl", NULL };
	static const char *const none[] = { NULL };
	json_object	*o;

	(void)state;
	o = json_tokener_parse("{\"eid\":\"10.0.0.0/8\",\"ttl\":5}");
	assert_non_null(o);
	assert_null(api_unknown_key(o, allowed));
	json_object_put(o);
	o = json_tokener_parse("{\"eid\":\"10.0.0.0/8\",\"tll\":5}");
	assert_string_equal(api_unknown_key(o, allowed), "tll");
	assert_string_equal(api_unknown_key(o, none), "eid");
	json_object_put(o);
	o = json_object_new_object();
	assert_null(api_unknown_key(o, none));
	json_object_put(o);
}

static void
test_listen_unix(void **state)
{
	char		 dir[] = "/tmp/test_api_http.XXXXXX", path[128];
	struct stat	 st;
	int		 fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sub/api.sock", dir);
	assert_int_equal(api_listen_unix(path, 0), -1);	/* no sub/ */
	fd = api_listen_unix(path, API_LISTEN_MKDIR | API_LISTEN_NONBLOCK);
	assert_true(fd >= 0);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
	/* a stale socket is replaced */
	fd = api_listen_unix(path, 0);
	assert_true(fd >= 0);
	assert_false(fcntl(fd, F_GETFL) & O_NONBLOCK);
	close(fd);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sub", dir);
	rmdir(path);
	rmdir(dir);
	memset(path, 'x', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	assert_int_equal(api_listen_unix(path, 0), -1);
}

/* api_json_object: one JSON object and nothing after it, as both daemons'
 * APIs require of a request body (xtrd's parse_body and migrated's
 * parse_object each had their own loop). */
static void
test_json_object(void **state)
{
	static const char	deep[] = "{\"a\":[[[[[[[[[[[[[[[[[[[["
				    "1]]]]]]]]]]]]]]]]]]]]}";
	struct json_object	*o;

	(void)state;
	o = api_json_object("{\"eid\":\"10.0.0.1/32\"}", 21, 0);
	assert_non_null(o);
	json_object_put(o);
	assert_null(api_json_object("{\"eid\":1} ", 11, 0));	/* trailing */
	assert_null(api_json_object("{\"eid\":1}{}", 12, 0));
	assert_null(api_json_object("[1,2]", 5, 0));		/* not an object */
	assert_null(api_json_object("\"x\"", 3, 0));
	assert_null(api_json_object("{\"eid\":", 7, 0));	/* cut short */
	assert_null(api_json_object("", 0, 0));
	assert_null(api_json_object(NULL, 0, 0));
	/* the depth limit is the caller's (migrated: 16) */
	assert_null(api_json_object(deep, strlen(deep), 16));
	o = api_json_object(deep, strlen(deep), 0);
	assert_non_null(o);
	json_object_put(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_body_limit),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_json_object),
		cmocka_unit_test(test_listen_unix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

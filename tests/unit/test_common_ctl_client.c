/* test_common_ctl_client.c: the CLIs' shared client (common/ctl_client.c)
 * against a one-shot HTTP server on a unix socket in a child process. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <curl/curl.h>

#include "ctl_client.h"

static char	dir[] = "/tmp/test_ctl_client.XXXXXX", sock[108], reqf[128];

/* Read one request (head, and the body by Content-Length) from fd. */
static size_t
read_request(int fd, char *buf, size_t cap)
{
	size_t	got = 0;
	ssize_t	n;
	char	*e, *cl;

	while (got < cap - 1 && (n = read(fd, buf + got, cap - 1 - got)) > 0) {
		got += (size_t)n;
		buf[got] = '\0';
		if ((e = strstr(buf, "\r\n\r\n")) == NULL)
			continue;
		cl = strstr(buf, "Content-Length: ");
		if (cl == NULL || (size_t)(e + 4 - buf) +
		    strtoul(cl + 16, NULL, 10) <= got)
			break;
	}
	return got;
}

/* Answer one request with status and body; the request goes to reqf. */
static pid_t
serve_once(int code, const char *body)
{
	struct sockaddr_un	sun;
	int			lfd, fd;
	pid_t			pid;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, sock, strlen(sock));
	unlink(sock);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(lfd >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(listen(lfd, 1), 0);
	if ((pid = fork()) == 0) {
		char	buf[4096];
		size_t	n;
		FILE	*f;

		if ((fd = accept(lfd, NULL, NULL)) == -1)
			_exit(1);
		n = read_request(fd, buf, sizeof(buf));
		if ((f = fopen(reqf, "w")) != NULL) {
			fwrite(buf, 1, n, f);
			fclose(f);
		}
		dprintf(fd, "HTTP/1.1 %d X\r\nContent-Type: application/json\r\n"
		    "Content-Length: %zu\r\nConnection: close\r\n\r\n%s", code,
		    strlen(body), body);
		close(fd);
		_exit(0);
	}
	close(lfd);
	return pid;
}

static void
wait_child(pid_t pid)
{
	int	st;

	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static char *
slurp(const char *path)
{
	static char	buf[4096];
	FILE		*f = fopen(path, "r");
	size_t		 n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* One request to a server answering code and answer; the HTTP status. */
static long
call_once(const char *host, int code, const char *answer, const char *method,
    const char *path, const char *body, json_object **o)
{
	struct ctl_conn	 cc = { "t", sock, host, 5000, NULL };
	pid_t		 pid = serve_once(code, answer);
	long		 status = ctl_call(&cc, method, path, body, o);

	wait_child(pid);
	return status;
}

static void
test_get(void **state)
{
	json_object	*o;

	(void)state;
	assert_int_equal(call_once("tdaemon", 200, "{\"xtrd\":\"up\",\"n\":3}",
	    "GET", "/v1/status", NULL, &o), 200);
	assert_non_null(o);
	assert_string_equal(ctl_str(o, "xtrd", "-"), "up");
	assert_string_equal(ctl_str(o, "n", "-"), "3");
	assert_string_equal(ctl_str(o, "none", "-"), "-");
	json_object_put(o);
	assert_non_null(strstr(slurp(reqf), "GET /v1/status HTTP/1.1\r\n"));
	assert_non_null(strstr(slurp(reqf), "Host: tdaemon\r\n"));
}

static void
test_post_error(void **state)
{
	json_object	*o;
	char		*r;

	(void)state;
	assert_int_equal(call_once("localhost", 400,
	    "{\"error\":\"unknown field \\\"x\\\"\"}", "POST", "/v1/smr",
	    "{\"x\":1}", &o), 400);
	assert_string_equal(ctl_str(o, "error", ""), "unknown field \"x\"");
	json_object_put(o);
	r = slurp(reqf);
	assert_non_null(strstr(r, "POST /v1/smr HTTP/1.1\r\n"));
	assert_non_null(strstr(r, "Content-Type: application/json\r\n"));
	assert_non_null(strstr(r, "\r\n\r\n{\"x\":1}"));
}

static void
test_not_json(void **state)
{
	json_object	*o;

	(void)state;
	assert_int_equal(call_once("localhost", 500, "oops", "GET", "/", NULL,
	    &o), 500);
	assert_null(o);
}

static void
test_no_daemon(void **state)
{
	struct ctl_conn	 cc = { "t", sock, "localhost", 5000, NULL };
	json_object	*o = (json_object *)1;

	(void)state;
	unlink(sock);
	assert_int_equal(ctl_call(&cc, "GET", "/v1/status", NULL, &o), 0);
	assert_null(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get),
		cmocka_unit_test(test_post_error),
		cmocka_unit_test(test_not_json),
		cmocka_unit_test(test_no_daemon),
	};
	int	rc;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(sock, sizeof(sock), "%s/s", dir);
	snprintf(reqf, sizeof(reqf), "%s/req.txt", dir);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	unlink(sock);
	unlink(reqf);
	rmdir(dir);
	return rc;
}

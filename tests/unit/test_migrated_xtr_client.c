/* test_migrated_xtr_client.c: migrated's non-blocking HTTP client against
 * a scripted server on a unix socket: answers, chunked bodies, xtrd down
 * (queue and retry), NORETRY failures, garbage answers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "migrated/xtr_client.h"
#include "mono.h"

static char	path[108];
static int	got_status;
static char	got_body[256];
static int	ncalls;

static void
cb(void *arg, int status, const char *body, size_t len)
{
	(void)arg;
	got_status = status;
	snprintf(got_body, sizeof(got_body), "%.*s", (int)len, body);
	ncalls++;
}

static int
listen_at(void)
{
	struct sockaddr_un	sun;
	int			fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(listen(fd, 4), 0);
	return fd;
}

/* Drive the client; when a connection arrives, read the request and
 * answer `reply`.  Stops when the callback ran or after ms. */
static void
drive(struct xtrc *c, int lfd, const char *reply, char *req, size_t reqlen,
    int ms)
{
	uint64_t	end = mono_ms() + (uint64_t)ms;
	int		start = ncalls;

	while (ncalls == start && mono_ms() < end) {
		struct pollfd	pfd[2];
		short		ev = 0;
		int		cfd, n = 0, t;

		t = xtrc_tick(c, mono_ms());
		if ((cfd = xtrc_pollfd(c, &ev)) != -1) {
			pfd[n].fd = cfd;
			pfd[n++].events = ev;
		}
		if (lfd != -1) {
			pfd[n].fd = lfd;
			pfd[n++].events = POLLIN;
		}
		poll(pfd, (nfds_t)n, t < 0 || t > 20 ? 20 : t);
		if (cfd != -1 && pfd[0].revents)
			xtrc_io(c, pfd[0].revents);
		if (lfd != -1 && pfd[n - 1].revents & POLLIN) {
			int	a = accept(lfd, NULL, NULL);
			size_t	got = 0;
			ssize_t	r;

			assert_true(a >= 0);
			while (got < reqlen - 1 &&
			    (r = read(a, req + got, reqlen - 1 - got)) > 0) {
				got += (size_t)r;
				req[got] = '\0';
				if (strstr(req, "\r\n\r\n") != NULL &&
				    (strstr(req, "Content-Length: 0") != NULL ||
				    strchr(strstr(req, "\r\n\r\n"), '}')))
					break;
			}
			assert_true(write(a, reply, strlen(reply)) ==
			    (ssize_t)strlen(reply));
			close(a);
		}
	}
}

static int
setup(void **state)
{
	(void)state;
	snprintf(path, sizeof(path), "/tmp/test_xtrc.%d.sock", (int)getpid());
	unlink(path);
	ncalls = 0;
	got_status = 0;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

static void
test_answer(void **state)
{
	struct xtrc	*c = xtrc_new(path);
	int		 lfd = listen_at();
	char		 req[1024] = "";

	(void)state;
	assert_int_equal(xtrc_request(c, "POST", "/v1/database/add",
	    "{\"eid\":\"198.51.100.5/32\"}", 0, cb, NULL), 0);
	assert_int_equal(xtrc_queued(c), 1);
	drive(c, lfd, "HTTP/1.1 200 OK\r\nContent-Length: 19\r\n"
	    "Connection: close\r\n\r\n{\"registering\":true}", req, sizeof(req),
	    2000);
	assert_int_equal(ncalls, 1);
	assert_int_equal(got_status, 200);
	assert_string_equal(got_body, "{\"registering\":true}");
	assert_non_null(strstr(req, "POST /v1/database/add HTTP/1.1\r\n"));
	assert_non_null(strstr(req, "Content-Length: 25\r\n"));
	assert_non_null(strstr(req, "\r\n\r\n{\"eid\":\"198.51.100.5/32\"}"));
	assert_true(xtrc_up(c));
	assert_int_equal(xtrc_queued(c), 0);
	assert_int_equal(xtrc_pollfd(c, &(short){0}), -1);
	xtrc_free(c);
	close(lfd);
}

static void
test_chunked_and_error(void **state)
{
	struct xtrc	*c = xtrc_new(path);
	int		 lfd = listen_at();
	char		 req[1024] = "";

	(void)state;
	xtrc_request(c, "GET", "/v1/status", NULL, 0, cb, NULL);
	drive(c, lfd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "3\r\n{\"a\r\n4\r\n\":1}\r\n0\r\n\r\n", req, sizeof(req), 2000);
	assert_int_equal(got_status, 200);
	assert_string_equal(got_body, "{\"a\":1}");
	xtrc_request(c, "POST", "/v1/smr", "{}", 0, cb, NULL);
	drive(c, lfd, "HTTP/1.1 400 Bad Request\r\n\r\n{\"error\":\"x\"}", req,
	    sizeof(req), 2000);
	assert_int_equal(got_status, 400);
	assert_string_equal(got_body, "{\"error\":\"x\"}");
	xtrc_free(c);
	close(lfd);
}

static void
test_down_then_up(void **state)
{
	struct xtrc	*c = xtrc_new(path);
	char		 req[1024] = "";
	int		 lfd;

	(void)state;
	/* nobody listens: the request stays queued, the client is down */
	xtrc_request(c, "POST", "/v1/database/add", "{}", 0, cb, NULL);
	drive(c, -1, "", req, sizeof(req), 100);
	assert_int_equal(ncalls, 0);
	assert_false(xtrc_up(c));
	assert_int_equal(xtrc_queued(c), 1);
	/* a NORETRY request behind it waits too, then xtrd comes back */
	lfd = listen_at();
	drive(c, lfd, "HTTP/1.1 200 OK\r\n\r\n{}", req, sizeof(req), 3000);
	assert_int_equal(ncalls, 1);
	assert_int_equal(got_status, 200);
	assert_true(xtrc_up(c));
	xtrc_free(c);
	close(lfd);
}

static void
test_noretry_and_garbage(void **state)
{
	struct xtrc	*c = xtrc_new(path);
	char		 req[1024] = "";
	int		 lfd;

	(void)state;
	xtrc_request(c, "GET", "/v1/status", NULL, XTRC_NORETRY, cb, NULL);
	drive(c, -1, "", req, sizeof(req), 500);
	assert_int_equal(ncalls, 1);
	assert_int_equal(got_status, -1);
	/* garbage answer: a transport failure, retried (retryable) */
	lfd = listen_at();
	xtrc_request(c, "GET", "/v1/database", NULL, 0, cb, NULL);
	drive(c, lfd, "SSH-2.0-nonsense\r\n", req, sizeof(req), 50);
	assert_int_equal(ncalls, 1);
	assert_false(xtrc_up(c));
	drive(c, lfd, "HTTP/1.1 200 OK\r\n\r\n[]", req, sizeof(req), 3000);
	assert_int_equal(ncalls, 2);
	assert_string_equal(got_body, "[]");
	/* dropped on free */
	xtrc_request(c, "GET", "/v1/database", NULL, 0, cb, NULL);
	xtrc_free(c);
	assert_int_equal(got_status, -2);
	close(lfd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_answer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chunked_and_error, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_down_then_up, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_noretry_and_garbage, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_udpsock.c: the one UDP socket opener (common/udpsock.c) of xtrd's
 * control and data planes: bound where asked, IPv6 sockets IPv6-only,
 * non-blocking only when asked, close-on-exec, and a failed bind leaves
 * no descriptor behind and keeps its errno. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "udpsock.h"

static void
test_v4_loopback(void **state)
{
	struct ipaddr		lo;
	struct sockaddr_in	sin;
	socklen_t		sl = sizeof(sin);
	int			fd, fl;

	(void)state;
	assert_int_equal(ipaddr_parse("127.0.0.1", &lo), 0);
	fd = udpsock_open(AF_INET, &lo, 0, UDPSOCK_NONBLOCK);
	assert_true(fd >= 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	assert_int_equal(sin.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	assert_true(ntohs(sin.sin_port) != 0);
	fl = fcntl(fd, F_GETFL);
	assert_true(fl & O_NONBLOCK);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
	fd = udpsock_open(AF_INET, NULL, 0, 0);
	assert_true(fd >= 0);
	assert_false(fcntl(fd, F_GETFL) & O_NONBLOCK);
	close(fd);
}

static void
test_v6_only(void **state)
{
	int		fd, v = 0;
	socklen_t	sl = sizeof(v);

	(void)state;
	if ((fd = udpsock_open(AF_INET6, NULL, 0, 0)) == -1)
		skip();		/* no IPv6 here */
	assert_int_equal(getsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v, &sl),
	    0);
	assert_int_equal(v, 1);
	close(fd);
}

static void
test_bind_fails_clean(void **state)
{
	struct ipaddr	away;
	int		before, after;

	(void)state;
	/* TEST-NET-1 is no address of this host */
	assert_int_equal(ipaddr_parse("192.0.2.77", &away), 0);
	before = dup(0);
	close(before);
	errno = 0;
	assert_int_equal(udpsock_open(AF_INET, &away, 0, 0), -1);
	assert_int_equal(errno, EADDRNOTAVAIL);
	after = dup(0);			/* the lowest free fd: none leaked */
	close(after);
	assert_int_equal(before, after);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v4_loopback),
		cmocka_unit_test(test_v6_only),
		cmocka_unit_test(test_bind_fails_clean),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_addr.c: address and prefix parsing, formatting and containment. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "addr.h"

static void
test_parse_format(void **state)
{
	struct ipprefix	p;
	char		buf[IPPREFIX_STRLEN];

	(void)state;
	assert_int_equal(ipprefix_parse("10.1.0.0/16", &p), 0);
	assert_int_equal(p.addr.af, AF_INET);
	assert_int_equal(p.plen, 16);
	assert_string_equal(ipprefix_fmt(&p, buf, sizeof(buf)), "10.1.0.0/16");
	assert_int_equal(ipprefix_parse("2001:db8::1", &p), 0);
	assert_int_equal(p.plen, 128);
	assert_string_equal(ipprefix_fmt(&p, buf, sizeof(buf)), "2001:db8::1/128");
	assert_int_equal(ipprefix_parse("0.0.0.0/0", &p), 0);
	assert_int_equal(p.plen, 0);
}

static void
test_parse_rejects(void **state)
{
	struct ipprefix	p;
	const char	*bad[] = { "", "10.0.0.0/", "10.0.0.0/33", "10.0.0.1/24",
	    "10.0.0.0/-1", "10.0.0.0/+8", "2001:db8::/129", "nonsense",
	    "10.0.0.0/8x", "1.2.3.4.5", "::1/1280000000000000000000" };
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(ipprefix_parse(bad[i], &p), -1);
}

static void
test_contains(void **state)
{
	struct ipprefix	net, host, v6;
	struct ipaddr	a;

	(void)state;
	ipprefix_parse("192.0.2.0/24", &net);
	ipprefix_parse("192.0.2.77", &host);
	ipprefix_parse("2001:db8::/32", &v6);
	assert_true(ipprefix_covers(&net, &host));
	assert_false(ipprefix_covers(&host, &net));
	assert_false(ipprefix_covers(&v6, &host));
	ipaddr_parse("192.0.3.1", &a);
	assert_false(ipprefix_contains_addr(&net, &a));
	ipaddr_parse("192.0.2.255", &a);
	assert_true(ipprefix_contains_addr(&net, &a));
	ipprefix_parse("192.0.2.128/25", &host);
	assert_true(ipprefix_covers(&net, &host));
	ipaddr_parse("192.0.2.127", &a);
	assert_false(ipprefix_contains_addr(&host, &a));
}

static void
test_mask_and_sockaddr(void **state)
{
	struct ipprefix		p;
	struct ipaddr		a, b;
	struct sockaddr_storage	ss;
	socklen_t		sl;
	uint16_t		port;

	(void)state;
	ipaddr_parse("2001:db8:ffff::1", &p.addr);
	p.plen = 36;
	ipprefix_mask(&p);
	ipaddr_parse("2001:db8:f000::", &a);
	assert_int_equal(ipaddr_cmp(&p.addr, &a), 0);
	assert_int_equal(ipaddr_to_sockaddr(&a, 4342, &ss, &sl), 0);
	assert_int_equal(ipaddr_from_sockaddr((struct sockaddr *)&ss, &b,
	    &port), 0);
	assert_int_equal(port, 4342);
	assert_int_equal(ipaddr_cmp(&a, &b), 0);
	memset(&b, 0, sizeof(b));
	assert_int_equal(ipaddr_to_sockaddr(&b, 1, &ss, &sl), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_format),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_contains),
		cmocka_unit_test(test_mask_and_sockaddr),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

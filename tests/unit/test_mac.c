/* test_mac.c: the one MAC text form of both daemons (common/mac.c): what
 * migrated took from xenstore and its API and xtrd's anycast_mac accept,
 * and what they print.  xtrd's sscanf accepted " 1:..." and "+1:..."
 * (%2x skips spaces and takes a sign); the shared parser does not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mac.h"

static void
test_parse_fmt(void **state)
{
	uint8_t	m[MAC_LEN], keep[MAC_LEN] = { 1, 2, 3, 4, 5, 6 };
	char	buf[MAC_STRLEN];

	(void)state;
	assert_int_equal(mac_parse("00:16:3E:11:22:33", m), 0);
	assert_memory_equal(m, "\x00\x16\x3e\x11\x22\x33", MAC_LEN);
	assert_string_equal(mac_fmt(m, buf, sizeof(buf)), "00:16:3e:11:22:33");
	assert_int_equal(mac_parse("ff:ff:ff:ff:ff:ff", m), 0);
	assert_string_equal(mac_fmt(m, buf, sizeof(buf)), "ff:ff:ff:ff:ff:ff");
	/* refused, and the output left alone */
	memcpy(m, keep, MAC_LEN);
	assert_int_equal(mac_parse("00:16:3e:11:22", m), -1);
	assert_int_equal(mac_parse("00:16:3e:11:22:3g", m), -1);
	assert_int_equal(mac_parse("00-16-3e-11-22-33", m), -1);
	assert_int_equal(mac_parse(" 0:16:3e:11:22:33", m), -1);
	assert_int_equal(mac_parse("+0:16:3e:11:22:33", m), -1);
	assert_int_equal(mac_parse("00:16:3e:11:22:33 ", m), -1);
	assert_int_equal(mac_parse("00:16:3e:11:22:333", m), -1);
	assert_int_equal(mac_parse("0x:16:3e:11:22:33", m), -1);
	assert_int_equal(mac_parse("", m), -1);
	assert_int_equal(mac_parse(NULL, m), -1);
	assert_memory_equal(m, keep, MAC_LEN);
}

static void
test_round_trip(void **state)
{
	uint8_t		m[MAC_LEN], back[MAC_LEN];
	char		buf[MAC_STRLEN];
	unsigned	i, b;

	(void)state;
	for (b = 0; b < 256; b++) {
		for (i = 0; i < MAC_LEN; i++)
			m[i] = (uint8_t)(b + 37 * i);
		assert_int_equal(mac_parse(mac_fmt(m, buf, sizeof(buf)), back),
		    0);
		assert_memory_equal(m, back, MAC_LEN);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_fmt),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

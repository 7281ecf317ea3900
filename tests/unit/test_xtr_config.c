/* test_xtr_config.c: xtrd.conf parsing, errors and the normalised
 * printer (xtr/config.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "xtr/config.h"

/* a site key long enough (issue 16, finding 6) */
#define K16	"k1-Zq3V9mXp7LtR2wK"

static struct xtr_conf	c, c2;
static char		errbuf[4096];

/* Parse text; errors go to errbuf; returns the error count. */
static int
load(const char *text)
{
	FILE	*f = fmemopen(errbuf, sizeof(errbuf), "w");
	int	 r;

	memset(errbuf, 0, sizeof(errbuf));
	r = xc_load_text("t.conf", text, strlen(text), &c, f);
	fclose(f);
	return r;
}

static void
test_full(void **state)
{
	char	a[IPADDR_STRLEN];

	(void)state;
	assert_int_equal(load(
	    "# an xTR\n"
	    "role = \"both\"\n"
	    "rlocs = [ '192.0.2.1', \"2001:db8::1\" ]\n"
	    "database = [ '10.1.0.0/24,priority=2,weight=50,ttl=10',\n"
	    "             'eid=2001:db8:a::/48' ,\n"
	    "           ]\n"
	    "map_servers = [ '192.0.2.100,key=" K16 ",alg=hmac-sha1,key_id=3,"
	    "proxy_reply=yes' ]\n"
	    "map_resolvers = '192.0.2.100'\n"
	    "proxy_itrs = [ '198.51.100.1', '2001:db8::50' ]\n"
	    "sites = [ 'name=s,key=" K16 ",eid=10.1.0.0/16,eid=2001:db8:a::/48,"
	    "more_specifics=yes' ]\n"
	    "control_socket = /tmp/x.sock\n"
	    "register_interval = 5\n"
	    "xtr_id = \"000102030405060708090a0b0c0d0e0f\"\n"
	    "site_id = 42\n"), 0);
	assert_string_equal(errbuf, "");
	assert_int_equal(c.roles, ROLE_XTR | ROLE_MS);
	assert_int_equal(c.nrloc, 2);
	assert_string_equal(ipaddr_fmt(&c.rloc[1], a, sizeof(a)), "2001:db8::1");
	assert_int_equal(c.ndb, 2);
	assert_int_equal(c.db[0].priority, 2);
	assert_int_equal(c.db[0].weight, 50);
	assert_int_equal(c.db[0].ttl, 10);
	assert_int_equal(c.db[1].eid.plen, 48);
	assert_int_equal(c.db[1].ttl, 1440);		/* default */
	assert_int_equal(c.nms, 1);
	assert_int_equal(c.ms[0].key.alg, LISP_AUTH_HMAC_SHA1);
	assert_int_equal(c.ms[0].key.key_id, 3);
	assert_true(c.ms[0].proxy_reply);
	assert_string_equal(c.ms[0].key.key, K16);
	assert_int_equal(c.nmr, 1);
	assert_int_equal(c.npxtr, 2);
	assert_int_equal(c.nsite, 1);
	assert_int_equal(c.site[0].neid, 2);
	assert_true(c.site[0].more_specifics);
	assert_int_equal(c.site[0].key.alg, LISP_AUTH_HMAC_SHA256);
	assert_string_equal(c.control_socket, "/tmp/x.sock");
	assert_int_equal(c.register_interval, 5);
	assert_true(c.xtr_id_set);
	assert_int_equal(c.xtr_id[15], 15);
	assert_int_equal(c.site_id, 42);
}

static void
test_roundtrip(void **state)
{
	char	*out = NULL, *out2 = NULL;
	size_t	 len = 0, len2 = 0;
	FILE	*f;

	(void)state;
	assert_int_equal(load(
	    "rlocs = [ '192.0.2.1' ]\n"
	    "database = [ '10.1.0.0/24', '10.1.0.5/32,ttl=1' ]\n"
	    "map_servers = [ '192.0.2.100,key=" K16 "' ]\n"), 0);
	f = open_memstream(&out, &len);
	xc_print(f, &c);
	fclose(f);
	assert_int_equal(xc_load_text("n.conf", out, len, &c2, stderr), 0);
	f = open_memstream(&out2, &len2);
	xc_print(f, &c2);
	fclose(f);
	assert_string_equal(out, out2);
	assert_non_null(strstr(out, "'10.1.0.5/32,priority=1,weight=100,ttl=1'"));
	free(out);
	free(out2);
}

struct bad {
	const char	*text;
	const char	*err;
};

static void
test_errors(void **state)
{
	static const struct bad bad[] = {
		{ "colour = 1\n", "t.conf:1: unknown key 'colour'" },
		{ "rlocs = [ '192.0.2.1' ]\nrlocs = [ '192.0.2.2' ]\n",
		  "t.conf:2: duplicate key 'rlocs'" },
		{ "rlocs = [ '192.0.2.300' ]\n",
		  "t.conf:1: bad RLOC address '192.0.2.300'" },
		{ "rlocs = [ '192.0.2.1' '192.0.2.2' ]\n",
		  "t.conf:1: missing ',' before '192.0.2.2'" },
		{ "rlocs = [ '192.0.2.1',, '192.0.2.2' ]\n",
		  "t.conf:1: empty list element at ','" },
		{ "rlocs = [ '192.0.2.1'\n",
		  "t.conf:1: list not closed with ']' for 'rlocs'" },
		{ "role = [ 'xtr' ]\n",
		  "t.conf:1: expected a single value for 'role'" },
		{ "role = router\n",
		  "t.conf:1: role must be xtr, ms or both, not 'router'" },
		{ "rlocs = [ '192.0.2.1' ]\n"
		  "map_servers = [ '192.0.2.9,key=" K16 "' ]\n"
		  "database = [ '10.1.0.1/24' ]\n",
		  "t.conf:3: bad database mapping at '10.1.0.1/24'" },
		{ "rlocs = [ '192.0.2.1' ]\n"
		  "map_servers = [ '192.0.2.9,key=" K16 "' ]\n"
		  "database = [ '10.1.0.0/24,weight=300' ]\n",
		  "t.conf:3: bad database mapping at 'weight=300'" },
		{ "rlocs = [ '192.0.2.1' ]\n"
		  "map_servers = [ '192.0.2.9,key=" K16 ",alg=md5' ]\n",
		  "t.conf:2: bad map-server option 'alg=md5'" },
		{ "rlocs = [ '192.0.2.1' ]\nmap_servers = [ '192.0.2.9' ]\n",
		  "t.conf:2: map-server without key '192.0.2.9'" },
		/* issue 16, finding 6: weak keys, named by address or site */
		{ "rlocs = [ '192.0.2.1' ]\n"
		  "map_servers = [ '192.0.2.9,key=example-key' ]\n",
		  "t.conf:2: map-server key shorter than 16 bytes or with fewer "
		  "than 8 different characters (make one with: openssl rand "
		  "-base64 32) for '192.0.2.9'" },
		{ "rlocs = [ '192.0.2.1' ]\n"
		  "map_servers = [ '192.0.2.9,key=abababababababababab' ]\n",
		  "t.conf:2: map-server key shorter than 16 bytes or with fewer "
		  "than 8 different characters (make one with: openssl rand "
		  "-base64 32) for '192.0.2.9'" },
		{ "role = ms\nsites = [ 'name=a,key=k,eid=10.0.0.0/8' ]\n",
		  "t.conf:2: site key shorter than 16 bytes or with fewer than 8 "
		  "different characters (make one with: openssl rand -base64 32) "
		  "for 'a'" },
		{ "role = ms\nsites = [ 'name=a,key=" K16 "' ]\n",
		  "t.conf:2: no eid for site 'a'" },
		{ "role = ms\nsites = [ 'name=a,key=" K16 ",eid=10.0.0.0/8,"
		  "colour=red' ]\n",
		  "t.conf:2: unknown site option 'colour=red'" },
		{ "role = xtr\n", "t.conf:1: an xTR needs 'rlocs'" },
		{ "role = ms\n", "t.conf:1: a Map-Server needs 'sites'" },
		{ "rlocs = [ '192.0.2.1' ]\nregister_interval = 0\n",
		  "t.conf:2: expected a number in [1, 3600], not '0'" },
		{ "rlocs = [ '192.0.2.1' ]\ncontrol_socket = relative\n",
		  "t.conf:2: control_socket must be an absolute path shorter "
		  "than 108 bytes, not 'relative'" },
		{ "rlocs = [ '192.0.2.1' ]\nxtr_id = 12\n",
		  "t.conf:2: xtr_id must be 32 hex digits, not '12'" },
		{ "rlocs = [ '192.0.2.1' ] ]\n",
		  "t.conf:1: unexpected after ']': ']'" },
		{ "rlocs '192.0.2.1'\n",
		  "t.conf:1: expected 'key = value' at '192.0.2.1'" },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int n = load(bad[i].text);

		if (n < 1 || strncmp(errbuf, bad[i].err,
		    strlen(bad[i].err)) != 0)
			fail_msg("case %zu: got %d errors: %s", i, n, errbuf);
	}
}

/* RFC 9303 LISP-SEC keys: default optional, no key */
static void
test_lisp_sec(void **state)
{
	(void)state;
	assert_int_equal(load("rlocs = [ '192.0.2.1' ]\n"), 0);
	assert_int_equal(c.lisp_sec, LISPSEC_OPTIONAL);
	assert_string_equal(c.lisp_sec_key, "");
	assert_int_equal(load("rlocs = [ '192.0.2.1' ]\n"
	    "map_resolvers = [ '192.0.2.100' ]\nlisp_sec = required\n"
	    "lisp_sec_key = \"mr\"\n"), 0);
	assert_int_equal(c.lisp_sec, LISPSEC_REQUIRED);
	assert_string_equal(c.lisp_sec_key, "mr");
	assert_int_equal(load("rlocs = [ '192.0.2.1' ]\nlisp_sec = off\n"), 0);
	assert_int_equal(c.lisp_sec, LISPSEC_OFF);
	assert_int_equal(load("rlocs = [ '192.0.2.1' ]\n"
	    "map_resolvers = [ '192.0.2.100' ]\nlisp_sec = required\n"), 1);
	assert_int_equal(load("rlocs = [ '192.0.2.1' ]\n"
	    "map_servers = [ '192.0.2.9,key=" K16 "' ]\n"
	    "lisp_sec_key = " K16 "\n"), 1);
	assert_int_equal(load("rlocs = [ '192.0.2.1' ]\nlisp_sec = yes\n"), 1);
}

static void
test_mapping_spec(void **state)
{
	struct xc_mapping	m;
	char			bad[64];

	(void)state;
	assert_int_equal(xc_parse_mapping("10.0.0.0/8,ttl=0", &m, bad,
	    sizeof(bad)), 0);
	assert_int_equal(m.ttl, 0);
	assert_int_equal(xc_parse_mapping("ttl=5", &m, bad, sizeof(bad)), -1);
	assert_int_equal(xc_parse_mapping("10.0.0.0/8,priority=", &m, bad,
	    sizeof(bad)), -1);
	assert_string_equal(bad, "priority=");
	assert_int_equal(xc_parse_mapping("", &m, bad, sizeof(bad)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_mapping_spec),
		cmocka_unit_test(test_lisp_sec),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

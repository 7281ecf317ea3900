/* test_migrated_config.c: migrated.conf parsing, errors that quote the
 * token (the messages of common/cfgkey.h, as xtrd.conf's), and the
 * normalised (-nv) output as a golden text. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "migrated/config.h"

static struct mig_conf	conf;

static int
parse(const char *text, char *err, size_t errlen)
{
	FILE	*f = fmemopen(err, errlen, "w");
	int	 n;

	memset(err, 0, errlen);
	n = conf_parse_text("t.conf", text, strlen(text), &conf, f);
	fclose(f);
	return n;
}

static void
test_full(void **state)
{
	char		 err[512], out[2048];
	FILE		*f;
	const char	*text =
	    "# migrated.conf\n"
	    "socket = \"/tmp/m.sock\"\n"
	    "xtrd_socket = '/tmp/x.sock'\n"
	    "hypervisor = xenstore\n"
	    "user = \"lisp-mig\"\n"
	    "priority = 2\n"
	    "weight=50\n"
	    "notify_wait_ms = 100\n"
	    "register_at = arrival\n"
	    "bridge xenbr0\n"
	    "bridge \"xenbr1\" dynamic = [ \"10.1.0.0/24\",'2001:db8:1::/64' ]\n"
	    "vm \"web1\" eids = [ \"192.0.2.5\", \"2001:db8::5/128\" ]\n"
	    "vm 6F1C3A4E-8D2B-4F0E-9C1A-0123456789AB eids = 192.0.2.6\n";
	const char	*golden =
	    "socket = \"/tmp/m.sock\"\n"
	    "xtrd_socket = \"/tmp/x.sock\"\n"
	    "hypervisor = xenstore\n"
	    "user = \"lisp-mig\"\n"
	    "priority = 2\nweight = 50\nttl = 1440\n"
	    "notify_wait_ms = 100\nheartbeat_ms = 1000\n"
	    "register_at = arrival\n"
	    "bridge \"xenbr0\"\n"
	    "bridge \"xenbr1\" dynamic = [ \"10.1.0.0/24\", \"2001:db8:1::/64\" ]\n"
	    "vm \"web1\" eids = [ \"192.0.2.5\", \"2001:db8::5\" ]\n"
	    "vm \"6F1C3A4E-8D2B-4F0E-9C1A-0123456789AB\" eids = [ \"192.0.2.6\" ]\n";

	(void)state;
	assert_int_equal(parse(text, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(conf.nbridge, 2);
	assert_int_equal(conf.bridges[1].ndyn, 2);
	assert_int_equal(conf.nvm, 2);
	assert_true(conf.vms[1].is_uuid);
	assert_int_equal(conf.vms[0].neid, 2);
	memset(out, 0, sizeof(out));
	f = fmemopen(out, sizeof(out), "w");
	conf_print(f, &conf);
	fclose(f);
	assert_string_equal(out, golden);
	/* the normalised text parses back to the same text */
	assert_int_equal(parse(out, err, sizeof(err)), 0);
}

static void
expect_error(const char *text, const char *msg)
{
	char	err[512];

	assert_true(parse(text, err, sizeof(err)) > 0);
	if (strstr(err, msg) == NULL)
		fail_msg("want '%s' in '%s'", msg, err);
}

static void
test_errors(void **state)
{
	(void)state;
	expect_error("bridge xenbr0\nfoo = 1\n", "t.conf:2: unknown key 'foo'");
	expect_error("bridge xenbr0\nuser = \"-o\"\n",
	    "t.conf:2: user must be a user name, not '-o'");
	expect_error("bridge xenbr0\nuser = \"a b\"\n",
	    "t.conf:2: user must be a user name, not 'a b'");
	expect_error("bridge xenbr0\npriority = 300\n",
	    "t.conf:2: expected a number in [0, 255], not '300'");
	expect_error("bridge xenbr0\nvm web1 eids = [ \"192.0.2.300\" ]\n",
	    "t.conf:2: bad address '192.0.2.300'");
	expect_error("bridge xenbr0\nvm web1 eids = [ \"192.0.2.0/24\" ]\n",
	    "t.conf:2: an EID is a host address '192.0.2.0/24'");
	expect_error("bridge xenbr0\nvm a eids = 192.0.2.1\nvm b eids = 192.0.2.1\n",
	    "t.conf:3: EID already belongs to vm 'a': '192.0.2.1'");
	expect_error("bridge xenbr0\nvm a eids = [ 192.0.2.1 192.0.2.2 ]\n",
	    "t.conf:2: missing ',' before '192.0.2.2'");
	expect_error("bridge xenbr0\nvm a eids = [ 192.0.2.1\n",
	    "t.conf:2: list not closed with ']' for 'eids'");
	expect_error("bridge xenbr0\nvm a\n", "t.conf:2: vm without eids 'a'");
	expect_error("bridge xenbr0\nbridge xenbr0\n",
	    "t.conf:2: bridge listed twice 'xenbr0'");
	expect_error("bridge xenbr0 dynamic = [ 10.0.0.1/24 ]\n",
	    "t.conf:1: bad prefix (host bits set?) '10.0.0.1/24'");
	expect_error("bridge a dynamic = 10.0.0.0/16\nbridge b dynamic = 10.0.1.0/24\n",
	    "t.conf:2: dynamic range overlaps another '10.0.1.0/24'");
	expect_error("bridge averyveryverylongname\n",
	    "t.conf:1: bad interface name 'averyveryverylongname'");
	expect_error("bridge xenbr0\nsocket = relative\n",
	    "t.conf:2: socket must be an absolute path shorter than "
	    "108 bytes, not 'relative'");
	expect_error("bridge xenbr0\nsocket = /a b\n",
	    "t.conf:2: unexpected 'b'");
	expect_error("vm a eids = 192.0.2.1\n", "no bridge to watch");
	expect_error("bridge xenbr0\nhypervisor = kvm\n",
	    "t.conf:2: hypervisor must be auto, xenstore or libxl, not "
	    "'kvm'");
	expect_error("bridge xenbr0\nregister_at = unpause\n",
	    "t.conf:2: register_at must be rename or arrival, not "
	    "'unpause'");
	expect_error("bridge xenbr0\nvm 'a/b' eids = 192.0.2.1\n",
	    "t.conf:2: bad vm name 'a/b'");
	expect_error("bridge xenbr0\nvm a eids = 192.0.2.1\nvm a eids = 192.0.2.2\n",
	    "t.conf:3: vm listed twice 'a'");
}

static void
test_uuid(void **state)
{
	(void)state;
	assert_true(conf_is_uuid("6f1c3a4e-8d2b-4f0e-9c1a-0123456789ab"));
	assert_false(conf_is_uuid("6f1c3a4e-8d2b-4f0e-9c1a-0123456789a"));
	assert_false(conf_is_uuid("6f1c3a4e+8d2b-4f0e-9c1a-0123456789ab"));
	assert_false(conf_is_uuid("web1"));
}

static void
test_shipped_example(void **state)
{
	char	path[512];

	(void)state;
	snprintf(path, sizeof(path), "%s/etc/xen/migrated.conf",
	    getenv("SRCDIR") ? getenv("SRCDIR") : ".");
	assert_int_equal(conf_parse_file(path, &conf, NULL), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_uuid),
		cmocka_unit_test(test_shipped_example),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

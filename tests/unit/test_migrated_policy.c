/* test_migrated_policy.c: static EIDs, dynamic ranges and spoofing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "migrated/eid_policy.h"

static struct mig_conf	conf;
static const char	*claimed_name;
static struct ipaddr	 claimed_addr;

static const char *
claimed(void *arg, const struct ipaddr *a)
{
	(void)arg;
	if (claimed_name != NULL && ipaddr_cmp(a, &claimed_addr) == 0)
		return claimed_name;
	return NULL;
}

static int
setup(void **state)
{
	const char *text =
	    "bridge xenbr0\n"
	    "bridge xenbr1 dynamic = [ 10.1.0.0/24, 2001:db8:1::/64 ]\n"
	    "vm web1 eids = [ 192.0.2.5, 2001:db8::5 ]\n"
	    "vm db1 eids = [ 192.0.2.6 ]\n"
	    "vm 6f1c3a4e-8d2b-4f0e-9c1a-0123456789ab eids = 192.0.2.7\n"
	    "vm dyn1 eids = 10.1.0.9\n";

	(void)state;
	claimed_name = NULL;
	return conf_parse_text("p.conf", text, strlen(text), &conf, NULL);
}

static enum eid_verdict
check(const char *vmname, const char *bridge, const char *addr)
{
	struct ipaddr	a;

	assert_int_equal(ipaddr_parse(addr, &a), 0);
	return eid_policy_addr(&conf, eid_policy_vm(&conf, vmname, NULL),
	    bridge, &a, claimed, NULL);
}

static void
test_static(void **state)
{
	(void)state;
	assert_int_equal(check("web1", "xenbr0", "192.0.2.5"), EID_OK_STATIC);
	assert_int_equal(check("web1", "xenbr0", "2001:db8::5"), EID_OK_STATIC);
	/* another VM's EID: refused, on any bridge */
	assert_int_equal(check("web1", "xenbr0", "192.0.2.6"),
	    EID_SPOOF_OTHER_VM);
	assert_int_equal(check("web1", "xenbr1", "192.0.2.6"),
	    EID_SPOOF_OTHER_VM);
	/* unknown address on a static-only bridge */
	assert_int_equal(check("web1", "xenbr0", "192.0.2.99"),
	    EID_SPOOF_NOT_ALLOWED);
	/* an unconfigured VM owns nothing on xenbr0 */
	assert_int_equal(check("nobody", "xenbr0", "192.0.2.99"),
	    EID_SPOOF_NOT_ALLOWED);
	assert_int_equal(check("nobody", "xenbr0", "192.0.2.5"),
	    EID_SPOOF_OTHER_VM);
}

static void
test_by_uuid(void **state)
{
	struct ipaddr	a;

	(void)state;
	ipaddr_parse("192.0.2.7", &a);
	assert_non_null(eid_policy_vm(&conf, "x",
	    "6F1C3A4E-8D2B-4F0E-9C1A-0123456789AB"));
	assert_int_equal(eid_policy_addr(&conf, eid_policy_vm(&conf, "x",
	    "6f1c3a4e-8d2b-4f0e-9c1a-0123456789ab"), "xenbr0", &a, NULL, NULL),
	    EID_OK_STATIC);
	assert_null(eid_policy_vm(&conf, "x", "00000000-0000-0000-0000-000000000000"));
	/* names are matched before UUIDs */
	assert_string_equal(eid_policy_vm(&conf, "web1",
	    "6f1c3a4e-8d2b-4f0e-9c1a-0123456789ab")->key, "web1");
}

static void
test_dynamic(void **state)
{
	(void)state;
	assert_int_equal(check("nobody", "xenbr1", "10.1.0.20"), EID_OK_DYNAMIC);
	assert_int_equal(check("web1", "xenbr1", "2001:db8:1::20"),
	    EID_OK_DYNAMIC);
	/* the range belongs to xenbr1, not xenbr0 */
	assert_int_equal(check("nobody", "xenbr0", "10.1.0.20"),
	    EID_SPOOF_NOT_ALLOWED);
	/* outside the range */
	assert_int_equal(check("nobody", "xenbr1", "10.2.0.20"),
	    EID_SPOOF_NOT_ALLOWED);
	/* inside the range but statically another VM's */
	assert_int_equal(check("nobody", "xenbr1", "10.1.0.9"),
	    EID_SPOOF_OTHER_VM);
	assert_int_equal(check("dyn1", "xenbr1", "10.1.0.9"), EID_OK_STATIC);
	/* already claimed by another guest here */
	claimed_name = "other";
	ipaddr_parse("10.1.0.20", &claimed_addr);
	assert_int_equal(check("nobody", "xenbr1", "10.1.0.20"),
	    EID_SPOOF_OTHER_VM);
	/* unknown bridge, unspecified address */
	assert_int_equal(check("nobody", "xenbr9", "10.1.0.21"),
	    EID_SPOOF_NOT_ALLOWED);
	{
		struct ipaddr u = { 0 };
		assert_int_equal(eid_policy_addr(&conf, NULL, "xenbr1", &u,
		    NULL, NULL), EID_SPOOF_NOT_ALLOWED);
	}
}

static void
test_mac(void **state)
{
	const uint8_t	vif[6] = { 0, 0x16, 0x3e, 1, 2, 3 };
	const uint8_t	other[6] = { 0, 0x16, 0x3e, 1, 2, 4 };

	(void)state;
	assert_int_equal(eid_policy_mac(vif, vif, 1, vif), 0);
	assert_int_equal(eid_policy_mac(vif, vif, 0, other), 0);
	assert_int_equal(eid_policy_mac(vif, other, 0, other), -1);
	assert_int_equal(eid_policy_mac(vif, vif, 1, other), -1);
	assert_string_equal(eid_verdict_name(EID_SPOOF_MAC), "spoof_mac");
	assert_true(eid_verdict_ok(EID_OK_DYNAMIC));
	assert_false(eid_verdict_ok(EID_SPOOF_NOT_ALLOWED));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_static, setup),
		cmocka_unit_test_setup(test_by_uuid, setup),
		cmocka_unit_test_setup(test_dynamic, setup),
		cmocka_unit_test_setup(test_mac, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

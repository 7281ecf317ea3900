/*
 * test_xtr_itr_scope.c: which Map-Reply records the ITR believes, and for
 * what prefix (itr_scope.h; issue 15 finding 3: a /32 request answered
 * with 10.0.0.0/8 for a year took other sites' traffic).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "addr.h"
#include "xtr/cp/itr_scope.h"

static const struct itr_scope_conf	conf = { 16, 32 };

static struct ipprefix
P(const char *s)
{
	struct ipprefix	p;

	assert_int_equal(ipprefix_parse(s, &p), 0);
	return p;
}

static enum itr_scope
scope(const char *q, const char *r)
{
	struct ipprefix	qq = P(q), rr = P(r);

	return itr_record_scope(&qq, &rr, false, NULL, &conf, NULL, NULL);
}

/* What the caller knows to be someone else's: 10.2.0.0/24. */
static bool
known(const struct ipprefix *r, void *arg)
{
	struct ipprefix	other = P("10.2.0.0/24");

	(void)arg;
	return ipprefix_covers(r, &other);
}

static void
inside_the_request(void **state)
{
	(void)state;
	assert_int_equal(scope("10.1.0.5/32", "10.1.0.5/32"),
	    ITR_SCOPE_INSTALL);
	assert_int_equal(scope("10.1.0.0/24", "10.1.0.128/25"),
	    ITR_SCOPE_INSTALL);	/* a more-specific inside what was asked */
	assert_int_equal(scope("2001:db8:1::/64", "2001:db8:1::5/128"),
	    ITR_SCOPE_INSTALL);
}

static void
about_something_else(void **state)
{
	(void)state;
	assert_int_equal(scope("10.1.0.5/32", "10.2.0.0/24"),
	    ITR_SCOPE_REFUSE);
	assert_int_equal(scope("10.1.0.5/32", "2001:db8::/32"),
	    ITR_SCOPE_REFUSE);
	assert_int_equal(scope("10.1.0.0/24", "10.1.1.0/25"),
	    ITR_SCOPE_REFUSE);
}

static void
less_specific(void **state)
{
	struct ipprefix	q = P("10.1.0.5/32"), r;

	(void)state;
	/* a site's /24 for one of its hosts: RFC 9301 §5.5, believed */
	assert_int_equal(scope("10.1.0.5/32", "10.1.0.0/24"),
	    ITR_SCOPE_INSTALL);
	assert_int_equal(scope("2001:db8:1::5/128", "2001:db8:1::/64"),
	    ITR_SCOPE_INSTALL);
	/* the attack: the whole space for one host */
	assert_int_equal(scope("10.1.0.5/32", "10.0.0.0/8"),
	    ITR_SCOPE_NARROW);
	assert_int_equal(scope("10.1.0.5/32", "0.0.0.0/0"),
	    ITR_SCOPE_NARROW);
	assert_int_equal(scope("2001:db8:1::5/128", "2001::/16"),
	    ITR_SCOPE_NARROW);
	assert_int_equal(scope("10.1.0.5/32", "10.1.0.0/16"),
	    ITR_SCOPE_INSTALL);	/* the floor itself */
	/* within the floor, but over another site the ITR knows */
	r = P("10.0.0.0/16");
	q = P("10.0.0.5/32");
	assert_int_equal(itr_record_scope(&q, &r, false, NULL, &conf, known, NULL),
	    ITR_SCOPE_INSTALL);	/* 10.2.0.0/24 is outside 10.0/16 */
	r = P("10.2.0.0/16");
	q = P("10.2.1.5/32");
	assert_int_equal(itr_record_scope(&q, &r, false, NULL, &conf, known, NULL),
	    ITR_SCOPE_NARROW);
}

/* A negative record: no floor (RFC 9301 §8.4), but not over what is
 * known to be someone else's. */
static void
negative(void **state)
{
	struct ipprefix	q = P("198.51.100.10/32"), r = P("128.0.0.0/1");

	(void)state;
	assert_int_equal(itr_record_scope(&q, &r, true, NULL, &conf, known,
	    NULL), ITR_SCOPE_INSTALL);
	q = P("10.1.0.5/32");
	r = P("10.0.0.0/8");
	assert_int_equal(itr_record_scope(&q, &r, true, NULL, &conf, known,
	    NULL), ITR_SCOPE_NARROW);	/* covers 10.2.0.0/24 */
}

/* LISP-SEC's authorization decides when it is there (RFC 9303). */
static void
authorized(void **state)
{
	struct ipprefix	q = P("10.1.0.5/32"), r = P("10.0.0.0/8");
	struct ipprefix	auth = P("10.0.0.0/8"), small = P("10.1.0.0/24");

	(void)state;
	assert_int_equal(itr_record_scope(&q, &r, false, &auth, &conf, known, NULL),
	    ITR_SCOPE_INSTALL);
	assert_int_equal(itr_record_scope(&q, &r, false, &small, &conf, known,
	    NULL), ITR_SCOPE_REFUSE);
	r = P("10.1.0.0/25");
	assert_int_equal(itr_record_scope(&q, &r, false, &small, &conf, known,
	    NULL), ITR_SCOPE_INSTALL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(inside_the_request),
		cmocka_unit_test(about_something_else),
		cmocka_unit_test(less_specific),
		cmocka_unit_test(negative),
		cmocka_unit_test(authorized),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

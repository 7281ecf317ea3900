/* test_xtr_ms.c: site policy (xtr/ms_sites.c) and the registration
 * replace / merge rules (xtr/ms_rules.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "xtr/ms/ms.h"
#include "xtr/xtrd.h"

static struct ipprefix
P(const char *s)
{
	struct ipprefix	p;

	assert_int_equal(ipprefix_parse(s, &p), 0);
	return p;
}

static void
site_conf(struct xtr_conf *c)
{
	xc_defaults(c);
	c->nsite = 2;
	strcpy(c->site[0].name, "a");
	c->site[0].neid = 2;
	c->site[0].eid[0] = P("10.1.0.0/16");
	c->site[0].eid[1] = P("2001:db8:a::/48");
	c->site[0].more_specifics = true;
	strcpy(c->site[1].name, "b");
	c->site[1].neid = 1;
	c->site[1].eid[0] = P("10.2.0.0/16");
	c->site[1].more_specifics = false;
}

static void
test_site_policy(void **state)
{
	static struct xtr_conf	c;
	struct ipprefix		p;
	bool			ms;

	(void)state;
	site_conf(&c);
	p = P("10.1.0.5/32");
	assert_int_equal(ms_site_for_eid(&c, &p, &ms), 0);
	assert_true(ms);
	assert_int_equal(ms_site_allows(&c.site[0], &p), 0);
	p = P("10.1.0.0/16");
	assert_int_equal(ms_site_allows(&c.site[0], &p), 0);
	assert_int_equal(ms_site_for_eid(&c, &p, &ms), 0);
	assert_false(ms);
	p = P("10.0.0.0/8");			/* less specific: nobody's */
	assert_int_equal(ms_site_for_eid(&c, &p, NULL), -1);
	assert_int_equal(ms_site_allows(&c.site[0], &p), -1);
	assert_true(ms_in_site_space(&c, &p));
	p = P("10.2.3.0/24");			/* site b: exact only */
	assert_int_equal(ms_site_for_eid(&c, &p, NULL), 1);
	assert_int_equal(ms_site_allows(&c.site[1], &p), -1);
	p = P("10.2.0.0/16");
	assert_int_equal(ms_site_allows(&c.site[1], &p), 0);
	p = P("2001:db8:a:1::5/128");
	assert_int_equal(ms_site_for_eid(&c, &p, NULL), 0);
	assert_int_equal(ms_site_allows(&c.site[0], &p), 0);
	p = P("10.99.0.0/24");
	assert_int_equal(ms_site_for_eid(&c, &p, NULL), -1);
	assert_false(ms_in_site_space(&c, &p));
}

static void
test_site_longest(void **state)
{
	static struct xtr_conf	c;
	struct ipprefix		p;

	(void)state;
	site_conf(&c);
	c.site[1].eid[0] = P("10.1.5.0/24");	/* nested inside site a */
	p = P("10.1.5.7/32");
	assert_int_equal(ms_site_for_eid(&c, &p, NULL), 1);
	p = P("10.1.6.7/32");
	assert_int_equal(ms_site_for_eid(&c, &p, NULL), 0);
}

static struct ms_reg
reg(uint8_t xtr, const char *eid, const char *rloc, uint32_t ttl, bool merge)
{
	struct ms_reg	r;
	struct ipprefix	p = P(eid);

	memset(&r, 0, sizeof(r));
	r.xtr_id[0] = xtr;
	r.merge = merge;
	r.rec.ttl = ttl;
	r.rec.eid.ip = p.addr;
	r.rec.eid_plen = p.plen;
	r.rec.nloc = 1;
	r.rec.loc[0].priority = 1;
	r.rec.loc[0].weight = 100;
	assert_int_equal(ipaddr_parse(rloc, &r.rec.loc[0].rloc.ip), 0);
	return r;
}

static int
count(const struct ms_reg *r)
{
	int	n = 0;

	for (; r != NULL; r = r->next)
		n++;
	return n;
}

static void
free_list(struct ms_reg *r)
{
	while (r != NULL) {
		struct ms_reg *n = r->next;

		free(r);
		r = n;
	}
}

/* issue 15 finding 7: a nested site's prefix, and the covering prefix a
 * more-specific is counted under */
static void
test_site_nested(void **state)
{
	static struct xtr_conf	c;
	struct ipprefix		p;

	(void)state;
	site_conf(&c);
	c.nsite = 3;
	strcpy(c.site[2].name, "n");
	c.site[2].neid = 1;
	c.site[2].eid[0] = P("10.1.5.0/24");	/* inside a's 10.1.0.0/16 */
	p = P("10.1.4.0/22");			/* a's, covers n's /24 */
	assert_true(ms_covers_other_site(&c, 0, &p));
	p = P("10.1.5.0/24");			/* n's own prefix */
	assert_false(ms_covers_other_site(&c, 2, &p));
	assert_int_equal(ms_site_for_eid(&c, &p, NULL), 2);
	p = P("10.1.6.0/24");			/* a's, beside n's */
	assert_false(ms_covers_other_site(&c, 0, &p));
	p = P("10.1.0.0/16");			/* a's configured prefix */
	assert_true(ms_covers_other_site(&c, 0, &p));
	assert_int_equal(ms_site_cover(&c.site[0], &p), -1);
	p = P("10.1.7.9/32");
	assert_int_equal(ms_site_cover(&c.site[0], &p), 0);
	p = P("2001:db8:a::5/128");
	assert_int_equal(ms_site_cover(&c.site[0], &p), 1);
	p = P("10.2.0.1/32");
	assert_int_equal(ms_site_cover(&c.site[0], &p), -1);
}

static void
test_replace(void **state)
{
	struct ms_eid	 e = { .eid = P("10.1.0.5/32") };
	struct ms_reg	 a = reg(1, "10.1.0.5/32", "192.0.2.1", 60, false);
	struct ms_reg	 b = reg(2, "10.1.0.5/32", "192.0.2.2", 60, false);
	struct ms_reg	*gone = NULL, *st = NULL;

	(void)state;
	assert_int_equal(msr_apply(&e, &a, &gone, &st), 1);
	assert_non_null(st);
	assert_null(gone);
	/* a refresh with the same RLOCs changes nothing */
	assert_int_equal(msr_apply(&e, &a, &gone, &st), 0);
	assert_int_equal(count(e.regs), 1);
	/* another xTR without merge: replaces A, A is handed back */
	assert_int_equal(msr_apply(&e, &b, &gone, &st), 1);
	assert_int_equal(count(e.regs), 1);
	assert_int_equal(e.regs->xtr_id[0], 2);
	assert_non_null(gone);
	assert_int_equal(gone->xtr_id[0], 1);
	free_list(gone);
	gone = NULL;
	/* A withdraws: not there any more, nothing happens to B */
	a.rec.ttl = 0;
	assert_int_equal(msr_apply(&e, &a, &gone, &st), 0);
	assert_null(gone);
	assert_int_equal(count(e.regs), 1);
	/* B withdraws: empty */
	b.rec.ttl = 0;
	assert_int_equal(msr_apply(&e, &b, &gone, &st), 1);
	assert_null(e.regs);
	assert_null(st);
	assert_int_equal(count(gone), 1);
	free_list(gone);
}

static void
test_merge(void **state)
{
	struct ms_eid	 e = { .eid = P("10.1.0.0/24") };
	struct ms_reg	 a = reg(1, "10.1.0.0/24", "192.0.2.1", 60, true);
	struct ms_reg	 b = reg(2, "10.1.0.0/24", "192.0.2.2", 60, true);
	struct ms_reg	 c = reg(3, "10.1.0.0/24", "192.0.2.3", 60, false);
	struct ms_reg	*gone = NULL, *st = NULL;
	struct lisp_record m;

	(void)state;
	msr_apply(&e, &a, &gone, &st);
	assert_int_equal(msr_apply(&e, &b, &gone, &st), 1);
	assert_int_equal(count(e.regs), 2);		/* both merged */
	assert_null(gone);
	ms_merged_record(&e, &m);
	assert_int_equal(m.nloc, 2);
	assert_int_equal(m.eid_plen, 24);
	/* B changes its RLOC: still two registrations, set changed */
	b = reg(2, "10.1.0.0/24", "192.0.2.22", 60, true);
	assert_int_equal(msr_apply(&e, &b, &gone, &st), 1);
	assert_int_equal(count(e.regs), 2);
	/* C without the merge bit replaces both */
	assert_int_equal(msr_apply(&e, &c, &gone, &st), 1);
	assert_int_equal(count(e.regs), 1);
	assert_int_equal(count(gone), 2);
	free_list(gone);
	free_list(e.regs);
}

static void
test_merge_needs_both(void **state)
{
	struct ms_eid	 e = { .eid = P("10.1.0.0/24") };
	struct ms_reg	 a = reg(1, "10.1.0.0/24", "192.0.2.1", 60, false);
	struct ms_reg	 b = reg(2, "10.1.0.0/24", "192.0.2.2", 60, true);
	struct ms_reg	*gone = NULL, *st = NULL;

	(void)state;
	msr_apply(&e, &a, &gone, &st);
	/* B asks to merge but A did not: B replaces A */
	msr_apply(&e, &b, &gone, &st);
	assert_int_equal(count(e.regs), 1);
	assert_int_equal(e.regs->xtr_id[0], 2);
	assert_int_equal(count(gone), 1);
	free_list(gone);
	free_list(e.regs);
}

static void
test_same_rlocs(void **state)
{
	struct ms_reg	a = reg(1, "10.1.0.0/24", "192.0.2.1", 60, false);
	struct ms_reg	b = a;

	(void)state;
	assert_true(msr_same_rlocs(&a.rec, &b.rec));
	b.rec.loc[0].weight = 50;
	assert_false(msr_same_rlocs(&a.rec, &b.rec));
	b = a;
	b.rec.nloc = 2;
	b.rec.loc[1] = a.rec.loc[0];
	assert_int_equal(ipaddr_parse("192.0.2.9", &b.rec.loc[1].rloc.ip), 0);
	assert_false(msr_same_rlocs(&a.rec, &b.rec));
	a.rec.nloc = 2;
	a.rec.loc[1] = b.rec.loc[0];
	a.rec.loc[0] = b.rec.loc[1];	/* order does not matter */
	assert_true(msr_same_rlocs(&a.rec, &b.rec));
}

/* the refresh fast path: only the xTR's own, only registration with the
 * same RLOCs qualifies; msr_fill takes what a refresh brings */
static void
test_refresh_of(void **state)
{
	struct ms_eid			 e = { .eid = P("10.1.0.5/32") };
	struct ms_reg			 a = reg(1, "10.1.0.5/32", "192.0.2.1", 60,
					    false);
	struct ms_reg			 b = reg(2, "10.1.0.5/32", "192.0.2.2", 60,
					    true);
	struct ms_reg			*gone = NULL, *st = NULL, *r;
	struct lisp_record		 rec = a.rec;
	static struct lisp_map_register	 m;
	struct ipaddr			 from;

	(void)state;
	assert_null(msr_refresh_of(&e, a.xtr_id, &rec));	/* empty */
	assert_int_equal(msr_apply(&e, &a, &gone, &st), 1);
	r = msr_refresh_of(&e, a.xtr_id, &rec);
	assert_ptr_equal(r, e.regs);
	assert_null(msr_refresh_of(&e, b.xtr_id, &rec));	/* other xTR */
	rec.ttl = 0;						/* withdrawal */
	assert_null(msr_refresh_of(&e, a.xtr_id, &rec));
	rec = a.rec;
	rec.loc[0].weight = 7;					/* new RLOCs */
	assert_null(msr_refresh_of(&e, a.xtr_id, &rec));
	rec = a.rec;
	rec.ttl = 1440;
	rec.loc[0].reachable = true;	/* not an RLOC change: taken over */
	m.site_id = 42;
	m.proxy_reply = true;
	m.merge_req = true;
	assert_int_equal(ipaddr_parse("198.51.100.7", &from), 0);
	msr_fill(r, &m, a.xtr_id, 1, &rec, &from, 4000, 1234);
	assert_int_equal(r->site_id, 42);
	assert_int_equal(r->site, 1);
	assert_true(r->proxy_reply);
	assert_true(r->merge);
	assert_int_equal(r->rec.ttl, 1440);
	assert_true(r->rec.loc[0].reachable);
	assert_int_equal(ipaddr_cmp(&r->from, &from), 0);
	assert_int_equal(r->from_port, 4000);
	assert_int_equal(r->last_ms, 1234);
	assert_ptr_equal(r->e, &e);
	/* two registrations (merged): no fast path */
	assert_int_equal(msr_apply(&e, &b, &gone, &st), 1);
	assert_int_equal(count(e.regs), 2);
	assert_null(msr_refresh_of(&e, a.xtr_id, &r->rec));
	free_list(e.regs);
	free_list(gone);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_site_policy),
		cmocka_unit_test(test_site_longest),
		cmocka_unit_test(test_site_nested),
		cmocka_unit_test(test_replace),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_merge_needs_both),
		cmocka_unit_test(test_same_rlocs),
		cmocka_unit_test(test_refresh_of),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_xtr_ms.c: site policy (xtr/ms/ms_sites.c), the registration
 * replace / merge rules (xtr/ms/ms_rules.c), and the (Instance-ID,
 * prefix) key of sites, the exact-prefix index (ms_index.c) and the
 * journal (ms_journal_parse.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "xtr/ms/ms.h"
#include "xtr/ms/ms_index.h"
#include "xtr/ms/ms_journal.h"
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
	assert_int_equal(ms_site_for_eid(&c, 0, &p, &ms), 0);
	assert_true(ms);
	assert_int_equal(ms_site_allows(&c.site[0], 0, &p), 0);
	p = P("10.1.0.0/16");
	assert_int_equal(ms_site_allows(&c.site[0], 0, &p), 0);
	assert_int_equal(ms_site_for_eid(&c, 0, &p, &ms), 0);
	assert_false(ms);
	p = P("10.0.0.0/8");			/* less specific: nobody's */
	assert_int_equal(ms_site_for_eid(&c, 0, &p, NULL), -1);
	assert_int_equal(ms_site_allows(&c.site[0], 0, &p), -1);
	assert_true(ms_in_site_space(&c, 0, &p));
	p = P("10.2.3.0/24");			/* site b: exact only */
	assert_int_equal(ms_site_for_eid(&c, 0, &p, NULL), 1);
	assert_int_equal(ms_site_allows(&c.site[1], 0, &p), -1);
	p = P("10.2.0.0/16");
	assert_int_equal(ms_site_allows(&c.site[1], 0, &p), 0);
	p = P("2001:db8:a:1::5/128");
	assert_int_equal(ms_site_for_eid(&c, 0, &p, NULL), 0);
	assert_int_equal(ms_site_allows(&c.site[0], 0, &p), 0);
	p = P("10.99.0.0/24");
	assert_int_equal(ms_site_for_eid(&c, 0, &p, NULL), -1);
	assert_false(ms_in_site_space(&c, 0, &p));
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
	assert_int_equal(ms_site_for_eid(&c, 0, &p, NULL), 1);
	p = P("10.1.6.7/32");
	assert_int_equal(ms_site_for_eid(&c, 0, &p, NULL), 0);
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
	assert_true(ms_covers_other_site(&c, 0, 0, &p));
	p = P("10.1.5.0/24");			/* n's own prefix */
	assert_false(ms_covers_other_site(&c, 2, 0, &p));
	assert_int_equal(ms_site_for_eid(&c, 0, &p, NULL), 2);
	p = P("10.1.6.0/24");			/* a's, beside n's */
	assert_false(ms_covers_other_site(&c, 0, 0, &p));
	p = P("10.1.0.0/16");			/* a's configured prefix */
	assert_true(ms_covers_other_site(&c, 0, 0, &p));
	assert_int_equal(ms_site_cover(&c.site[0], 0, &p), -1);
	p = P("10.1.7.9/32");
	assert_int_equal(ms_site_cover(&c.site[0], 0, &p), 0);
	p = P("2001:db8:a::5/128");
	assert_int_equal(ms_site_cover(&c.site[0], 0, &p), 1);
	p = P("10.2.0.1/32");
	assert_int_equal(ms_site_cover(&c.site[0], 0, &p), -1);
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

/* Issue 15 finding 7: sites keyed by (Instance-ID, prefix).  The same
 * prefix in IIDs 1 and 2 is two sites' (before: "bad site EID prefix",
 * and the MS refused every IID but 0); a site owns nothing of another IID,
 * and its prefixes cover nothing there. */
#define IID_SITES \
	"role = \"ms\"\n" \
	"sites = [ 'name=one,key=k1-Zq3V9mXp7LtR2wK,eid=[1]10.5.0.0/24," \
	"more_specifics=yes',\n" \
	"  'name=two,key=k2-Zq3V9mXp7LtR2wK,eid=[2]10.5.0.0/24',\n" \
	"  'name=zero,key=k3-Zq3V9mXp7LtR2wK,eid=10.5.0.0/16," \
	"eid=[16777215]10.6.0.0/16' ]\n"

static int
load_text(struct xtr_conf *c, const char *text, char *err, size_t errlen)
{
	FILE	*f = fmemopen(err, errlen, "w");
	int	 r;

	memset(err, 0, errlen);
	r = xc_load_text("t.conf", text, strlen(text), c, f);
	fclose(f);
	return r;
}

static void
test_site_iid(void **state)
{
	static struct xtr_conf	c, c2;
	static char		out[8192], out2[8192];
	char			err[1024];
	struct ipprefix		p;
	FILE			*f;

	(void)state;
	assert_int_equal(load_text(&c, IID_SITES, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(c.site[0].iid[0], 1);
	assert_int_equal(c.site[1].iid[0], 2);
	assert_int_equal(c.site[2].iid[0], 0);
	assert_int_equal(c.site[2].iid[1], 16777215);
	p = P("10.5.0.0/24");
	assert_int_equal(ms_site_for_eid(&c, 1, &p, NULL), 0);
	assert_int_equal(ms_site_for_eid(&c, 2, &p, NULL), 1);
	assert_int_equal(ms_site_for_eid(&c, 0, &p, NULL), 2);
	assert_int_equal(ms_site_for_eid(&c, 3, &p, NULL), -1);
	assert_int_equal(ms_site_allows(&c.site[0], 1, &p), 0);
	assert_int_equal(ms_site_allows(&c.site[0], 2, &p), -1);
	assert_int_equal(ms_site_allows(&c.site[1], 1, &p), -1);
	assert_false(ms_in_site_space(&c, 3, &p));
	assert_true(ms_in_site_space(&c, 2, &p));
	p = P("10.5.0.7/32");			/* one's more-specific */
	assert_int_equal(ms_site_allows(&c.site[0], 1, &p), 0);
	assert_int_equal(ms_site_cover(&c.site[0], 1, &p), 0);
	assert_int_equal(ms_site_cover(&c.site[0], 2, &p), -1);
	assert_int_equal(ms_site_allows(&c.site[1], 2, &p), -1);
	p = P("10.5.0.0/16");	/* zero's: covers one's and two's /24 only
				 * in other IIDs */
	assert_false(ms_covers_other_site(&c, 2, 0, &p));
	assert_true(ms_covers_other_site(&c, 2, 1, &p));
	p = P("10.6.0.0/16");
	assert_int_equal(ms_site_for_eid(&c, 16777215, &p, NULL), 2);
	assert_int_equal(ms_site_for_eid(&c, 0, &p, NULL), -1);
	/* -nv prints [IID] back, and that parses to the same text */
	assert_non_null(f = fmemopen(out, sizeof(out), "w"));
	xc_print(f, &c);
	fclose(f);
	assert_non_null(strstr(out, ",eid=[1]10.5.0.0/24,"));
	assert_non_null(strstr(out, ",eid=10.5.0.0/16,eid=[16777215]10.6.0.0/16"));
	assert_int_equal(load_text(&c2, out, err, sizeof(err)), 0);
	assert_non_null(f = fmemopen(out2, sizeof(out2), "w"));
	xc_print(f, &c2);
	fclose(f);
	assert_string_equal(out, out2);
	/* one (IID, prefix) belongs to one site; IIDs are 24 bits */
	assert_int_not_equal(load_text(&c2, "role = \"ms\"\n"
	    "sites = [ 'name=a,key=k1-Zq3V9mXp7LtR2wK,eid=[4]10.5.0.0/24',\n"
	    "  'name=b,key=k2-Zq3V9mXp7LtR2wK,eid=[4]10.5.0.0/24' ]\n", err,
	    sizeof(err)), 0);
	assert_int_not_equal(load_text(&c2, "role = \"ms\"\n"
	    "sites = [ 'name=a,key=k1-Zq3V9mXp7LtR2wK,eid=[16777216]10.5.0.0/24'"
	    " ]\n", err, sizeof(err)), 0);
	assert_non_null(strstr(err, "bad site Instance-ID"));
	assert_int_not_equal(load_text(&c2, "role = \"ms\"\n"
	    "sites = [ 'name=a,key=k1-Zq3V9mXp7LtR2wK,eid=[x]10.5.0.0/24' ]\n",
	    err, sizeof(err)), 0);
	assert_int_not_equal(load_text(&c2, "role = \"ms\"\n"
	    "sites = [ 'name=a,key=k1-Zq3V9mXp7LtR2wK,eid=[-1]10.5.0.0/24' ]\n",
	    err, sizeof(err)), 0);
}

/* The exact-prefix index keys (IID, prefix): the same prefix in two IIDs
 * is two entries, found and removed apart. */
static void
test_index_iid(void **state)
{
	struct ms_index	*ix;
	struct ms_eid	 e1, e2, e0;
	struct ix_ref	 r1, r2;
	struct ipprefix	 p = P("10.5.0.0/24");

	(void)state;
	assert_non_null(ix = ix_new());
	memset(&e1, 0, sizeof(e1));
	memset(&e2, 0, sizeof(e2));
	memset(&e0, 0, sizeof(e0));
	e1.eid = e2.eid = e0.eid = p;
	e1.iid = 1;
	e2.iid = 2;
	ix_ref(1, &p, &r1);
	ix_ref(2, &p, &r2);
	assert_true(r1.k[2] != r2.k[2]);
	assert_int_equal(ix_add(ix, &e1), 0);
	assert_ptr_equal(ix_find(ix, 1, &p), &e1);
	assert_null(ix_find(ix, 2, &p));
	assert_null(ix_find(ix, 0, &p));
	assert_int_equal(ix_add(ix, &e2), 0);
	assert_int_equal(ix_add(ix, &e0), 0);
	assert_ptr_equal(ix_find(ix, 1, &p), &e1);
	assert_ptr_equal(ix_find(ix, 2, &p), &e2);
	assert_ptr_equal(ix_find(ix, 0, &p), &e0);
	assert_ptr_equal(ix_slot_ref(ix, &r2)->e, &e2);
	ix_del(ix, 1, &p);
	assert_null(ix_find(ix, 1, &p));
	assert_ptr_equal(ix_find(ix, 2, &p), &e2);
	assert_ptr_equal(ix_find(ix, 0, &p), &e0);
	ix_free(ix);
}

/* A registration of IID 1 answers with its IID; the journal keeps it
 * ([IID]PREFIX), and reads the lines of before the IIDs as IID 0's. */
static void
test_journal_iid(void **state)
{
	static struct msj_line	l;
	static struct ms_eid	e;
	struct lisp_record	rec;
	struct ms_reg		r;
	char			line[512];
	const char		*id = "000102030405060708090a0b0c0d0e0f";

	(void)state;
	snprintf(line, sizeof(line), "R one %s 0 - 192.0.2.1 4342 99 "
	    "[1]10.5.0.0/24 60 192.0.2.11/1/100/255/0/4\n", id);
	assert_int_equal(msj_parse_line(line, &l), 0);
	assert_int_equal(l.iid, 1);
	assert_true(l.rec.eid.has_iid);
	assert_int_equal(l.rec.eid.iid, 1);
	snprintf(line, sizeof(line), "W %s [2]10.5.0.0/24\n", id);
	assert_int_equal(msj_parse_line(line, &l), 0);
	assert_int_equal(l.iid, 2);
	snprintf(line, sizeof(line), "W %s 10.5.0.0/24\n", id);
	assert_int_equal(msj_parse_line(line, &l), 0);
	assert_int_equal(l.iid, 0);
	snprintf(line, sizeof(line), "W %s [0]10.5.0.0/24\n", id);
	assert_int_equal(msj_parse_line(line, &l), -1);
	snprintf(line, sizeof(line), "W %s [16777216]10.5.0.0/24\n", id);
	assert_int_equal(msj_parse_line(line, &l), -1);
	snprintf(line, sizeof(line), "W %s [1 10.5.0.0/24\n", id);
	assert_int_equal(msj_parse_line(line, &l), -1);
	/* the merged record (proxy Map-Reply, publication) names the IID */
	r = reg(1, "10.5.0.0/24", "192.0.2.11", 60, false);
	e.eid = P("10.5.0.0/24");
	e.iid = 1;
	e.regs = &r;
	ms_merged_record(&e, &rec);
	assert_true(rec.eid.has_iid);
	assert_int_equal(rec.eid.iid, 1);
	e.iid = 0;
	ms_merged_record(&e, &rec);
	assert_false(rec.eid.has_iid);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_site_policy),
		cmocka_unit_test(test_site_longest),
		cmocka_unit_test(test_site_nested),
		cmocka_unit_test(test_site_iid),
		cmocka_unit_test(test_index_iid),
		cmocka_unit_test(test_journal_iid),
		cmocka_unit_test(test_replace),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_merge_needs_both),
		cmocka_unit_test(test_same_rlocs),
		cmocka_unit_test(test_refresh_of),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_migrated_domains.c: the domain-table state machine through the
 * renames `xl migrate` makes on both ends, aborts, and arrivals. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "migrated/domains.h"
#include "migrated/timeline.h"

static struct domtab	tab;

static int
teardown(void **state)
{
	(void)state;
	while (tab.n > 0)
		dom_free(&tab, tab.d[0]);
	return 0;
}

static void
test_names(void **state)
{
	char	b[64];

	(void)state;
	assert_int_equal(dom_name_state("web1--incoming", b, sizeof(b)),
	    DOM_INCOMING);
	assert_string_equal(b, "web1");
	assert_int_equal(dom_name_state("web1--migratedaway", b, sizeof(b)),
	    DOM_MIGRATEDAWAY);
	assert_string_equal(b, "web1");
	assert_int_equal(dom_name_state("web1", b, sizeof(b)), DOM_RUNNING);
	assert_int_equal(dom_name_state("--incoming", b, sizeof(b)),
	    DOM_RUNNING);
	assert_string_equal(b, "--incoming");
}

static void
test_destination(void **state)
{
	struct domain	*d;
	enum dom_ev	 ev;

	(void)state;
	d = dom_add(&tab, 7, "web1--incoming", 0, &ev);
	assert_non_null(d);
	assert_int_equal(ev, DEV_NEW_INCOMING);
	assert_int_equal(d->state, DOM_INCOMING);
	assert_string_equal(d->name, "web1");
	/* nothing can arrive while paused */
	assert_int_equal(dom_arrive(d, ARR_ANNOUNCEMENT), 0);
	assert_false(d->owned);
	assert_int_equal(dom_rename(d, "web1"), DEV_UNPAUSED);
	assert_true(dom_awaiting(d));
	assert_int_equal(dom_arrive(d, ARR_NETFRONT), 1);
	assert_int_equal(d->arrival, ARR_NETFRONT);
	assert_int_equal(dom_arrive(d, ARR_ANNOUNCEMENT), 0);
	assert_int_equal(d->arrival, ARR_NETFRONT);
	assert_int_equal(dom_rename(d, "web1"), DEV_NONE);
	/* later shut down here: its EIDs are withdrawn */
	assert_int_equal(dom_release(d), DEV_SHUTDOWN);
}

static void
test_destination_abort(void **state)
{
	struct domain	*d;
	enum dom_ev	 ev;

	(void)state;
	d = dom_add(&tab, 8, "web1--incoming", 0, &ev);
	assert_int_equal(dom_release(d), DEV_ABORTED_IN);
	dom_free(&tab, d);
	assert_int_equal(tab.n, 0);
	/* renamed and unpause failed: still never ours */
	d = dom_add(&tab, 9, "web1--incoming", 0, &ev);
	assert_int_equal(dom_rename(d, "web1"), DEV_UNPAUSED);
	assert_int_equal(dom_release(d), DEV_ABORTED_IN);
}

static void
test_source(void **state)
{
	struct domain	*d;
	enum dom_ev	 ev;

	(void)state;
	d = dom_add(&tab, 3, "web1", 1, &ev);
	assert_int_equal(ev, DEV_NEW_OWNED);
	assert_true(d->owned);
	assert_int_equal(dom_rename(d, "web1--migratedaway"), DEV_DEPARTING);
	assert_int_equal(d->state, DOM_MIGRATEDAWAY);
	assert_true(d->owned);
	assert_int_equal(dom_release(d), DEV_DEPARTED);
}

static void
test_source_abort(void **state)
{
	struct domain	*d;
	enum dom_ev	 ev;

	(void)state;
	d = dom_add(&tab, 3, "web1", 1, &ev);
	assert_int_equal(dom_rename(d, "web1--migratedaway"), DEV_DEPARTING);
	assert_int_equal(dom_rename(d, "web1"), DEV_RETURNED);
	assert_true(d->owned);
	assert_int_equal(d->state, DOM_RUNNING);
	assert_int_equal(dom_arrive(d, ARR_ANNOUNCEMENT), 0);
	/* restart while leaving: still ours until released */
	d = dom_add(&tab, 4, "db1--migratedaway", 1, &ev);
	assert_int_equal(ev, DEV_NEW_MIGRATEDAWAY);
	assert_true(d->owned);
	assert_int_equal(dom_release(d), DEV_DEPARTED);
}

static void
test_fresh_and_lookup(void **state)
{
	struct domain	*d, *e;
	struct vif	*v, *fv;
	enum dom_ev	 ev;
	const uint8_t	 mac[6] = { 0, 0x16, 0x3e, 0, 0, 1 };
	struct ipaddr	 a;

	(void)state;
	d = dom_add(&tab, 5, "new1", 0, &ev);
	assert_int_equal(ev, DEV_NEW_RUNNING);
	assert_true(dom_awaiting(d));
	v = dom_vif(d, 0, 1);
	assert_non_null(v);
	assert_int_equal(v->fe_state, -1);
	memcpy(v->mac, mac, 6);
	v->has_mac = 1;
	snprintf(v->ifname, sizeof(v->ifname), "vif5.0");
	assert_ptr_equal(dom_vif(d, 0, 0), v);
	assert_null(dom_vif(d, 1, 0));
	assert_ptr_equal(dom_find_mac(&tab, mac, &fv), d);
	assert_ptr_equal(fv, v);
	assert_ptr_equal(dom_find_ifname(&tab, "vif5.0", &fv), d);
	assert_null(dom_find_ifname(&tab, "vif5.1", NULL));
	/* same MAC on an incoming twin (local migration): running wins */
	e = dom_add(&tab, 6, "new1--incoming", 0, &ev);
	v = dom_vif(e, 0, 1);
	memcpy(v->mac, mac, 6);
	v->has_mac = 1;
	assert_ptr_equal(dom_find_mac(&tab, mac, NULL), d);
	assert_ptr_equal(dom_find_name(&tab, "new1"), d);
	assert_ptr_equal(dom_find(&tab, 6), e);
	assert_null(dom_find(&tab, 99));
	/* dynamic claims */
	ipaddr_parse("10.1.0.5", &a);
	assert_int_equal(dom_add_dyn(d, &a), 1);
	assert_int_equal(dom_add_dyn(d, &a), 0);
	assert_true(dom_has_dyn(d, &a));
	assert_int_equal(dom_arrive(d, ARR_FIRST_FRAME), 1);
	assert_string_equal(arrival_name(d->arrival), "first-frame");
}

static void
test_timeline(void **state)
{
	static struct mtl	 tl;	/* large: not on the stack */
	int			 id, i;
	const struct mtl_mig	*m;

	(void)state;
	mtl_reset(&tl);
	id = mtl_begin(&tl, "web1", "in", 1000);
	mtl_add(&tl, id, 1000, "domain-seen", "domid %d", 7);
	mtl_add(&tl, id, 2500, "announcement", "%s", "garp-request");
	assert_true(mtl_has(&tl, id, "announcement"));
	assert_false(mtl_has(&tl, id, "smr-sent"));
	m = mtl_get(&tl, id);
	assert_int_equal(m->nev, 2);
	assert_string_equal(m->ev[0].detail, "domid 7");
	/* recorded late (register-sent at its write time): in time order */
	mtl_add(&tl, id, 2000, "register-sent", "%s", "192.0.2.10/32");
	mtl_add(&tl, id, 2500, "arrived", "%s", "same time: after");
	assert_int_equal(m->nev, 4);
	assert_string_equal(m->ev[1].event, "register-sent");
	assert_string_equal(m->ev[2].event, "announcement");
	assert_string_equal(m->ev[3].event, "arrived");
	for (i = 0; i < MTL_MAX + 5; i++)
		mtl_begin(&tl, "x", "out", 0);
	assert_null(mtl_get(&tl, id));
	assert_non_null(mtl_nth(&tl, MTL_MAX - 1));
	assert_null(mtl_nth(&tl, MTL_MAX));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test_teardown(test_destination, teardown),
		cmocka_unit_test_teardown(test_destination_abort, teardown),
		cmocka_unit_test_teardown(test_source, teardown),
		cmocka_unit_test_teardown(test_source_abort, teardown),
		cmocka_unit_test_teardown(test_fresh_and_lookup, teardown),
		cmocka_unit_test(test_timeline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

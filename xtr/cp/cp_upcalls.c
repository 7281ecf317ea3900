/*
 * cp_upcalls.c: the data plane's way up (struct dp_upcalls, xtr/dp/dp.h).
 * The data plane calls no control-plane function by name: xtrd.c gets this
 * table from cp_dp_upcalls() and hands it to dp_init().
 */
#include "xtr/cp/cp.h"
#include "xtr/cp/mreq_sched.h"
#include "xtr/dp/dp.h"
#include "xtr/xtrd.h"

static int
up_resolve(void *ctx, const struct ipprefix *eid)
{
	return itr_resolve(ctx, eid, false);
}

static uint64_t
up_resolve_span_ms(void *ctx)
{
	struct xtrd		*x = ctx;
	struct mreq_sched	 s;

	mreq_sched_conf(&s, x->conf);
	return mreq_sched_span(&s);
}

static bool
up_is_local_eid(void *ctx, const struct ipaddr *a)
{
	return etr_db_lookup(ctx, a) != NULL;
}

static void
up_local_eids(void *ctx, void (*fn)(const struct ipprefix *, void *),
    void *arg)
{
	struct xtrd	*x = ctx;
	struct db_map	*dm;

	for (dm = x->etr->db; dm != NULL; dm = dm->next)
		if (!dm->withdrawn)
			fn(&dm->m.eid, arg);
}

static int
up_smr_one(void *ctx, const struct ipprefix *eid, const struct ipaddr *itr,
    const struct ipaddr *peer_eid)
{
	return smr_send_one(ctx, eid, itr, peer_eid);
}

static int
up_probe_lsb(void *ctx, const struct ipprefix *eid, const struct ipaddr *rloc,
    bool claimed_up)
{
	return rloc_probe_lsb(ctx, eid, rloc, claimed_up);
}

static void
up_smr_all(void *ctx, const struct ipprefix *eid)
{
	(void)smr_send(ctx, eid, NULL, 0, NULL);
}

void
cp_dp_upcalls(struct xtrd *x, struct dp_upcalls *up)
{
	up->ctx = x;
	up->resolve = up_resolve;
	up->resolve_span_ms = up_resolve_span_ms;
	up->is_local_eid = up_is_local_eid;
	up->local_eids = up_local_eids;
	up->smr_one = up_smr_one;
	up->probe_lsb = up_probe_lsb;
	up->smr_all = up_smr_all;
}

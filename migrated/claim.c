/*
 * claim.c: a guest's EIDs: those of its vm line and the addresses it
 * claimed in a dynamic range.  A dynamic one is claimed once the local
 * policy allows it (eid_policy.c), no other guest here holds it, and the
 * mapping system says no other VM does (dyn_check.c).
 */
#include <stdio.h>
#include <string.h>

#include "counters.h"
#include "log.h"
#include "mono.h"
#include "mover.h"
#include "timeline.h"

int
mig_eids(struct mig *m, const struct domain *d, struct ipaddr *out, int max)
{
	const struct conf_vm	*vm;
	int			 n = 0, i;

	vm = eid_policy_vm(&m->conf, d->name, d->uuid);
	for (i = 0; vm != NULL && i < vm->neid && n < max; i++)
		out[n++] = vm->eid[i];
	for (i = 0; i < d->ndyn && n < max; i++)
		out[n++] = d->dyn[i];
	return n;
}

struct claim_arg {
	struct mig		*m;
	const struct domain	*self;
};

static const char *
claimed_by(void *arg, const struct ipaddr *a)
{
	struct claim_arg	*ca = arg;
	int			 i;

	for (i = 0; i < ca->m->doms.n; i++) {
		struct domain *o = ca->m->doms.d[i];

		if (o != ca->self && strcmp(o->name, ca->self->name) != 0 &&
		    dom_has_dyn(o, a))
			return o->name;
	}
	return NULL;
}

enum eid_verdict
mig_claim_verdict(struct mig *m, const struct domain *d, const char *bridge,
    const struct ipaddr *a)
{
	const struct conf_vm	*vm;
	struct claim_arg	 ca = { m, d };

	vm = eid_policy_vm(&m->conf, d->name, d->uuid);
	return eid_policy_addr(&m->conf, vm, bridge, a, claimed_by, &ca);
}

/*
 * The mapping system lets the guest have `a` (dyn_check.c).  Everything
 * may have changed while the question was out: the same guest (domid and
 * UUID), still running here, still allowed the address by the local
 * policy on that bridge.
 */
void
mig_dyn_confirmed(struct mig *m, uint32_t domid, const char *uuid,
    const char *bridge, const struct ipaddr *a)
{
	struct domain		*d = dom_find(&m->doms, domid);
	enum eid_verdict	 vd;
	char			 buf[IPADDR_STRLEN];
	int			 r;

	ipaddr_fmt(a, buf, sizeof(buf));
	if (d == NULL || strcmp(d->uuid, uuid) != 0 ||
	    d->state != DOM_RUNNING) {
		mcnt_drop(&m->mcnt, "dyn_claim_stale", "%s: domain %u is gone "
		    "or no longer runs here", buf, domid);
		return;
	}
	if ((vd = mig_claim_verdict(m, d, bridge, a)) != EID_OK_DYNAMIC) {
		mcnt_drop(&m->mcnt, eid_verdict_name(vd), "%s for %s: ignored "
		    "(after the mapping system was asked)", buf, d->name);
		return;
	}
	if ((r = dom_add_dyn(d, a)) == -1) {
		mcnt_drop(&m->mcnt, "dyn_slots_full", "%s (domain %s): it "
		    "holds %d dynamic EIDs already, ignored", buf, d->name,
		    DOM_MAXDYN);
		return;
	}
	if (r == 0)
		return;
	mig_dyn_save(m);
	log_info("%s claims %s", d->name, buf);
	mtl_add(&m->mtl, d->tl, mono_us(), "dynamic-claim", "%s", buf);
	if (dom_asserted(d) && !d->redirected)
		mig_push_eid(m, d, a, 1);
}

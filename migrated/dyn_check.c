/*
 * dyn_check.c: before a guest takes an address of a dynamic range that
 * this host does not hold for it already, ask the mapping system who
 * holds it (POST /v1/lig to the local xtrd: a Map-Request through the
 * Map-Resolver, RFC 9301 §5.3/§8.1; the answer is the registered mapping
 * or a negative Map-Reply).  The local policy (eid_policy.c) only knows
 * this host's guests: with the same migrated.conf on every Dom0, a guest
 * on one Dom0 could otherwise take an address a guest on another uses.
 *
 * Verdicts, on a Map-Reply record for exactly that host prefix (a record
 * for a covering prefix is a site's aggregate, not a guest's):
 *   none, negative, no locator    free: claimed
 *   every locator one of our RLOCs ours already (an earlier claim): claimed
 *   held elsewhere, record vm_uuid the same VM (its UUID, kept by the Map-Server
 *                  = the guest's UUID  from the holder's registration): claimed
 *   held elsewhere, vm_uuid differs  spoof_eid_held_elsewhere: refused
 *   held elsewhere, no vm_uuid     (an xtrd/Map-Server that keeps none)
 *                  the guest came in by migration: claimed as a hand-over,
 *                  counted dyn_handover_unverified; else refused as above
 *   no answer (504, xtrd down)     dyn_check_failed: not claimed (the
 *                                  guest's next announcement asks again)
 *   409 (xtrd has no map-resolver) nothing to ask: claimed, dyn_unchecked
 * While the question is out, the guest's other EIDs move as usual; the
 * claimed one is registered (with SMRs) when the answer allows it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "counters.h"
#include "log.h"
#include "migrated.h"
#include "mono.h"
#include "xtr_client.h"

#define DCHECK_TIMEOUT_MS 1500	/* below XTRC_IO_TIMEOUT_MS */

enum dverdict {
	DV_FREE,
	DV_OURS,
	DV_SAME_VM,
	DV_HANDOVER_UNVERIFIED,
	DV_UNCHECKED,
	DV_HELD_ELSEWHERE,
	DV_FAILED,
};

/* The callback's argument: the check, which knows its mig; NULL (ignore
 * the answer) if it is no longer in use. */
static struct dcheck *
check_deref(void *arg)
{
	struct dcheck	*c = arg;

	return c->used ? c : NULL;
}

/* How many of d's claims are being checked; *pending: a is one of them. */
int
mig_dyn_checking(const struct mig *m, const struct domain *d,
    const struct ipaddr *a, int *pending)
{
	int	i, n = 0;

	*pending = 0;
	for (i = 0; i < MIG_DCHECK_MAX; i++)
		if (m->checks[i].used && m->checks[i].domid == d->domid) {
			n++;
			if (ipaddr_cmp(&m->checks[i].a, a) == 0)
				*pending = 1;
		}
	return n;
}

static int
own_rloc(const struct mig *m, const char *s)
{
	struct ipaddr	a;
	int		i;

	if (ipaddr_parse(s, &a) == -1)
		return 0;
	for (i = 0; i < m->nxtrd_rlocs; i++)
		if (ipaddr_cmp(&m->xtrd_rlocs[i], &a) == 0)
			return 1;
	return 0;
}

/*
 * The Map-Reply records (docs/api.md, POST /v1/lig): the one for exactly
 * the host prefix of c->a decides.  *holder gets its first locator and
 * *vm_uuid the UUID the Map-Server keeps for it (or "").
 */
static enum dverdict
judge(const struct mig *m, const struct dcheck *c, struct json_object *o,
    char *holder, size_t hlen, char *vm_uuid, size_t ulen)
{
	struct json_object	*recs, *r, *v, *rl, *l;
	struct ipprefix		 host, p;
	size_t			 i, k;
	int			 held = 0, mine = 1;

	holder[0] = vm_uuid[0] = '\0';
	ipprefix_host(&c->a, &host);
	if (!json_object_object_get_ex(o, "records", &recs) ||
	    !json_object_is_type(recs, json_type_array))
		return DV_FAILED;
	for (i = 0; i < json_object_array_length(recs); i++) {
		r = json_object_array_get_idx(recs, i);
		if (!json_object_object_get_ex(r, "eid", &v) ||
		    ipprefix_parse(json_object_get_string(v), &p) == -1 ||
		    ipprefix_cmp(&p, &host) != 0)
			continue;	/* an aggregate, or junk */
		if (json_object_object_get_ex(r, "negative", &v) &&
		    json_object_get_boolean(v))
			continue;
		if (!json_object_object_get_ex(r, "rlocs", &rl) ||
		    !json_object_is_type(rl, json_type_array))
			continue;
		for (k = 0; k < json_object_array_length(rl); k++) {
			l = json_object_array_get_idx(rl, k);
			if (!json_object_object_get_ex(l, "addr", &v) ||
			    !json_object_is_type(v, json_type_string))
				continue;
			held = 1;
			if (!own_rloc(m, json_object_get_string(v))) {
				mine = 0;
				if (holder[0] == '\0')
					snprintf(holder, hlen, "%.60s",
					    json_object_get_string(v));
			}
		}
		if (json_object_object_get_ex(r, "vm_uuid", &v) &&
		    json_object_is_type(v, json_type_string))
			snprintf(vm_uuid, ulen, "%.39s",
			    json_object_get_string(v));
	}
	if (!held)
		return DV_FREE;
	if (mine)
		return DV_OURS;
	if (vm_uuid[0] != '\0')
		return c->uuid[0] != '\0' && strcasecmp(vm_uuid, c->uuid) == 0 ?
		    DV_SAME_VM : DV_HELD_ELSEWHERE;
	return c->was_incoming ? DV_HANDOVER_UNVERIFIED : DV_HELD_ELSEWHERE;
}

static void
check_done(void *arg, int status, const char *body, size_t len)
{
	struct dcheck		*c = check_deref(arg);
	struct mig		*m;
	struct json_object	*o = NULL;
	enum dverdict		 vd;
	char			 a[IPADDR_STRLEN], holder[64], vm_uuid[40];

	if (c == NULL)
		return;
	m = c->m;
	ipaddr_fmt(&c->a, a, sizeof(a));
	holder[0] = vm_uuid[0] = '\0';
	if (status == 409)
		vd = DV_UNCHECKED;
	else if (status != 200 || (o = json_tokener_parse(body)) == NULL)
		vd = DV_FAILED;
	else
		vd = judge(m, c, o, holder, sizeof(holder), vm_uuid,
		    sizeof(vm_uuid));
	if (o != NULL)
		json_object_put(o);
	switch (vd) {
	case DV_FAILED:
		mcnt_drop(&m->mcnt, "dyn_check_failed", "%s for %s: the "
		    "Map-Resolver did not answer (HTTP %d): not claimed, its "
		    "next announcement asks again", a, c->name, status);
		break;
	case DV_HELD_ELSEWHERE:
		mcnt_drop(&m->mcnt, "spoof_eid_held_elsewhere", "%s claimed by "
		    "%s (uuid %s): the mapping system has it at %s for %s: "
		    "refused", a, c->name, c->uuid[0] ? c->uuid : "-", holder,
		    vm_uuid[0] ? vm_uuid : "another VM");
		break;
	case DV_HANDOVER_UNVERIFIED:
		mcnt_drop(&m->mcnt, "dyn_handover_unverified", "%s claimed by "
		    "%s, which came in by migration: held at %s, whose xtrd "
		    "keeps no VM UUID to check: taken as the hand-over", a,
		    c->name, holder);
		break;
	case DV_UNCHECKED:
		mcnt_drop(&m->mcnt, "dyn_unchecked", "%s claimed by %s: xtrd "
		    "has no map-resolver to ask", a, c->name);
		break;
	default:
		log_debug("%s free for %s (%s)", a, c->name,
		    vd == DV_OURS ? "ours already" : vd == DV_SAME_VM ?
		    "the same VM" : "not registered");
		break;
	}
	c->used = 0;
	if (vd != DV_FAILED && vd != DV_HELD_ELSEWHERE)
		mig_dyn_confirmed(m, c->domid, c->uuid, c->bridge, &c->a);
}

void
mig_dyn_check(struct mig *m, const struct domain *d, const char *bridge,
    const struct ipaddr *a)
{
	struct dcheck	*c = NULL;
	char		 body[128], buf[IPADDR_STRLEN];
	int		 i, pending;

	(void)mig_dyn_checking(m, d, a, &pending);
	if (pending)
		return;
	for (i = 0; i < MIG_DCHECK_MAX && c == NULL; i++)
		if (!m->checks[i].used)
			c = &m->checks[i];
	if (c == NULL) {
		mcnt_drop(&m->mcnt, "dyn_checks_full", "%s: too many dynamic "
		    "claims being checked", d->name);
		return;
	}
	memset(c, 0, sizeof(*c));
	c->m = m;
	c->used = 1;
	c->domid = d->domid;
	snprintf(c->uuid, sizeof(c->uuid), "%s", d->uuid);
	snprintf(c->name, sizeof(c->name), "%s", d->name);
	snprintf(c->bridge, sizeof(c->bridge), "%s", bridge);
	c->was_incoming = d->was_incoming;
	c->a = *a;
	snprintf(body, sizeof(body), "{\"eid\":\"%s\",\"timeout_ms\":%u}",
	    ipaddr_fmt(a, buf, sizeof(buf)), DCHECK_TIMEOUT_MS);
	if (xtrc_request(m->xtrq, "POST", "/v1/lig", body, XTRC_NORETRY,
	    check_done, c) == -1) {
		c->used = 0;
		mcnt_drop(&m->mcnt, "dyn_check_failed", "%s for %s: cannot ask "
		    "xtrd", buf, d->name);
		return;
	}
	log_info("%s claims %s: asking the mapping system who holds it",
	    d->name, buf);
	xtrc_tick(m->xtrq, mono_ms());
}

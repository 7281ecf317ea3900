/*
 * etr_register.c: the ETR's database and its registration with every
 * configured Map-Server (RFC 9301 §8.2).  Each (mapping, Map-Server) pair
 * is a small state machine: Map-Register with the M bit, retransmitted
 * with exponential backoff until the authenticated Map-Notify whose nonce
 * matches arrives, then refreshed every register_interval.  A withdrawn
 * mapping is registered once more with TTL 0 until acknowledged.  A
 * Map-Notify the MS sends on its own (another xTR took over one of our
 * EIDs, draft-ietf-lisp-eid-mobility) is acknowledged and triggers SMRs.
 *
 * A change of the database (API or xtrctl add/remove, a reload) is one
 * the ITRs that cache us must hear of: RFC 9301 §6: "When an ETR updates
 * a mapping, a mechanism is required to inform ITRs/PITRs that are using
 * such mappings", and §6.1 has the ETR solicit Map-Requests from the
 * sites it sends to.  The SMR goes once the first Map-Server has the
 * change (its Map-Notify, or the withdrawal given up), since the
 * SMR-invoked Map-Request goes through the mapping system (§6.1) and
 * would fetch the old mapping before that; at once without Map-Servers.
 *
 * A withdrawal never undoes a newer registration elsewhere.  A Map-Register
 * with Record TTL 0 withdraws only at a Map-Server that honours TTL 0;
 * one that does not (deployed ones exist) takes it as a fresh registration
 * of ours, and a moved EID would point back here after the new site took
 * it.  So before a TTL-0 Map-Register we resolve the EID through the
 * Map-Resolver (itr_withdraw_check()) and withdraw only if the mapping
 * system still maps exactly that prefix to us alone: its Map-Request comes
 * back to us (a Map-Server forwarding it to the registered ETR), or a
 * Map-Reply names only our RLOCs, or nothing answers.  When another RLOC
 * answers for the prefix, or only a covering or negative answer comes (no
 * registration of that prefix is left to withdraw), no withdrawal goes:
 * our registration, no longer refreshed, ends at the Map-Server's timeout
 * (RFC 9301 §8.2: "A Map-Server SHOULD time out and remove an ETR's
 * registration if it has not received a valid Map-Register message within
 * the past three minutes").  docs/interop.md says what we rely on.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xtr/dp/dp.h"
#include "log.h"
#include "mono.h"
#include "xtr/xtrd.h"
#include "xtr/cp/cp.h"

#define REG_BACKOFF_MAX_MS	30000
#define REG_WITHDRAW_TRIES	6
/* x->etr->recent: EIDs withdrawn lately, a mobility Map-Notify for them
 * is expected.  x->etr->acked: nonces of Map-Notifies that acknowledged a
 * Map-Register lately: the Map-Server may send each twice (to 4342 and to
 * our source port, RFC 9301 §8.2 and §5 read both ways), and the second
 * may come after the withdrawn mapping it acknowledged is gone. */

static void	reg_timer(void *);

static struct lisp_auth_key *
ms_key(struct xtrd *x, int msi)
{
	return xc_key_auth(&x->etr->ms_keys[msi], &x->conf->ms[msi].key);
}

void
etr_fill_record(struct xtrd *x, const struct xc_mapping *m, uint32_t ttl,
    struct lisp_record *rec)
{
	const struct xtr_conf	*c = x->conf;
	int			 i;

	memset(rec, 0, sizeof(*rec));
	rec->ttl = ttl;			/* RFC 9301 §5.4: minutes */
	rec->eid_plen = m->eid.plen;
	rec->eid.ip = m->eid.addr;
	rec->action = LISP_ACT_NO_ACTION;
	rec->authoritative = true;
	for (i = 0; i < c->nrloc && i < LISP_MAX_LOCATORS; i++) {
		struct lisp_locator *l = &rec->loc[i];

		l->priority = m->priority;
		l->weight = m->weight;
		l->mpriority = 255;	/* RFC 9301 §5.4: no multicast */
		l->mweight = 0;
		l->local = true;
		l->reachable = true;
		l->rloc.ip = c->rloc[i];
	}
	rec->nloc = (uint8_t)i;
	lisp_record_sort_locators(rec);		/* RFC 9301 §5.5 */
}

struct db_map *
etr_db_find(struct xtrd *x, const struct ipprefix *p)
{
	struct db_map	*dm;

	for (dm = x->etr->db; dm != NULL; dm = dm->next)
		if (!dm->withdrawn && ipprefix_cmp(&dm->m.eid, p) == 0)
			return dm;
	return NULL;
}

/* Longest database mapping containing addr (databases are small). */
struct db_map *
etr_db_lookup(struct xtrd *x, const struct ipaddr *a)
{
	struct db_map	*dm, *best = NULL;

	for (dm = x->etr->db; dm != NULL; dm = dm->next)
		if (!dm->withdrawn && ipprefix_contains_addr(&dm->m.eid, a) &&
		    (best == NULL || dm->m.eid.plen > best->m.eid.plen))
			best = dm;
	return best;
}

static void
reg_send(struct reg_tx *rt)
{
	struct xtrd			*x = rt->x;
	struct lisp_map_register	*reg = &x->etr->reg;
	uint8_t				*buf = x->etr->reg_buf;
	const struct xc_map_server	*ms = &x->conf->ms[rt->ms];
	uint64_t			 now = mono_ms();
	ssize_t				 n;

	memset(reg, 0, sizeof(*reg));
	/* RFC 9301 §5.6: "This 8-octet 'Nonce' field is incremented each
	 * time a Map-Register message is sent": retransmissions too, or the
	 * Map-Server drops them as replays; the Map-Notify may answer any
	 * of this round's (nonce_first .. nonce) */
	rt->nonce = nonce_seq_next(&x->nseq);
	if (rt->tries == 0)
		rt->nonce_first = rt->nonce;
	reg->type = LISP_MAP_REGISTER;
	reg->proxy_reply = ms->proxy_reply;	/* RFC 9301 §5.6: P */
	reg->merge_req = ms->merge;		/* RFC 9301 §5.6: a */
	/* RFC 9303 §6.3: "An ETR that supports LISP-SEC MUST set the S-bit" */
	reg->security = x->conf->lisp_sec != LISPSEC_OFF;
	reg->want_notify = true;		/* RFC 9301 §5.6: M */
	reg->xtr_id_present = true;		/* RFC 9301 §5.6: I */
	memcpy(reg->xtr_id, x->xtr_id, sizeof(reg->xtr_id));
	reg->site_id = x->conf->site_id;
	reg->nonce = rt->nonce;
	reg->key_id = ms->key.key_id;
	reg->alg_id = ms->key.alg;
	reg->nrec = 1;
	etr_fill_record(x, &rt->dm->m, rt->dm->withdrawn ? 0 : rt->dm->m.ttl,
	    &reg->rec[0]);
	n = lisp_encode_map_register_key(reg, ms_key(x, rt->ms), buf,
	    LISP_MAX_MSG);
	if (n < 0) {
		log_warnx("cannot encode Map-Register");
		return;
	}
	/* RFC 9301 §5.6: to 4342 from a random source port */
	if (xtr_send_reg(x, &ms->addr, LISP_CONTROL_PORT, buf, (size_t)n) == 0)
		cnt_inc(C_tx_map_register);
	if (rt->tries == 0)
		tl_add(rt->dm->withdrawn ? "withdraw-sent" : "register-sent",
		    &rt->dm->m.eid, &ms->addr, "nonce %016llx ttl %u",
		    (unsigned long long)rt->nonce,
		    rt->dm->withdrawn ? 0 : rt->dm->m.ttl);
	else
		cnt_inc(C_register_retransmit);
	rt->tries++;
	rt->state = REG_SENT;
	rt->last_sent_ms = now;
	timer_set(&x->timers, &rt->t, now + rt->backoff_ms);
	rt->backoff_ms *= 2;
	if (rt->backoff_ms > REG_BACKOFF_MAX_MS)
		rt->backoff_ms = REG_BACKOFF_MAX_MS;
	if (rt->backoff_ms > x->conf->register_interval * 1000u)
		rt->backoff_ms = x->conf->register_interval * 1000u;
}

/* The database changed at dm and the mapping system knows: SMR (§6.1). */
static void
db_changed_smr(struct xtrd *x, struct db_map *dm)
{
	if (!dm->smr_due)
		return;
	dm->smr_due = false;
	tl_add("smr-database-change", &dm->m.eid, NULL, "%s",
	    dm->withdrawn ? "removed" : "added or changed");
	(void)smr_send(x, &dm->m.eid, NULL, 0, NULL);
}

/*
 * The hand-over's consent (move_consent on the Map-Server): our
 * registration once more, every locator at priority 255, which RFC 9301
 * §5.4 defines as "MUST NOT be used for unicast forwarding": we no longer
 * forward for the EID.  Our Map-Server reads it as our release (another
 * xTR may now register the EID) and keeps answering with what we
 * registered until the new site has; one sent, no Map-Notify asked (the
 * refresh timer's TTL-0 withdrawal follows if nobody takes the EID).
 */
static void
reg_send_release(struct reg_tx *rt)
{
	struct xtrd			*x = rt->x;
	struct lisp_map_register	*reg = &x->etr->rel;
	uint8_t				*buf = x->etr->rel_buf;
	const struct xc_map_server	*ms = &x->conf->ms[rt->ms];
	uint64_t			 nonce = nonce_seq_next(&x->nseq);
	ssize_t				 n;
	int				 i;

	memset(reg, 0, sizeof(*reg));
	reg->type = LISP_MAP_REGISTER;
	reg->merge_req = ms->merge;
	reg->xtr_id_present = true;
	memcpy(reg->xtr_id, x->xtr_id, sizeof(reg->xtr_id));
	reg->site_id = x->conf->site_id;
	reg->nonce = nonce;
	reg->key_id = ms->key.key_id;
	reg->alg_id = ms->key.alg;
	reg->nrec = 1;
	etr_fill_record(x, &rt->dm->m, rt->dm->m.ttl, &reg->rec[0]);
	for (i = 0; i < reg->rec[0].nloc; i++)
		reg->rec[0].loc[i].priority = 255;
	n = lisp_encode_map_register_key(reg, ms_key(x, rt->ms), buf,
	    LISP_MAX_MSG);
	if (n < 0 || xtr_send_reg(x, &ms->addr, LISP_CONTROL_PORT, buf,
	    (size_t)n) == -1)
		return;
	cnt_inc(C_tx_map_register);
	tl_add("release-sent", &rt->dm->m.eid, &ms->addr, "nonce %016llx",
	    (unsigned long long)nonce);
}

static void
reg_start(struct reg_tx *rt)
{
	rt->tries = 0;
	rt->backoff_ms = rt->x->conf->register_retry;
	reg_send(rt);
}

/* Withdraw dm at every Map-Server that has it, resolving first (top). */
static void
withdraw_begin(struct xtrd *x, struct db_map *dm)
{
	int	i;

	if (dm->checking)
		return;
	if (x->conf->nmr > 0 && itr_withdraw_check(x, &dm->m.eid) == 0) {
		dm->checking = true;
		/* each Map-Server that may have it waits for the answer */
		for (i = 0; i < x->conf->nms; i++) {
			timer_cancel(&x->timers, &dm->tx[i].t);
			dm->tx[i].state = REG_OK;
		}
		return;
	}
	for (i = 0; i < x->conf->nms; i++)
		reg_start(&dm->tx[i]);	/* RFC 9301 §8.2: TTL 0 withdraws */
}

static void
db_unlink_free(struct xtrd *x, struct db_map *dm)
{
	struct db_map	**pp;
	int		  i;

	for (pp = &x->etr->db; *pp != NULL; pp = &(*pp)->next)
		if (*pp == dm) {
			*pp = dm->next;
			break;
		}
	for (i = 0; i < XC_MAX_MS; i++)
		timer_cancel(&x->timers, &dm->tx[i].t);
	free(dm);
}

static void
withdraw_done_check(struct xtrd *x, struct db_map *dm)
{
	int	i;

	for (i = 0; i < x->conf->nms; i++)
		if (dm->tx[i].state == REG_SENT ||
		    dm->tx[i].state == REG_OK)	/* a handoff still waiting */
			return;
	db_unlink_free(x, dm);
}

static void
reg_timer(void *arg)
{
	struct reg_tx	*rt = arg;
	struct db_map	*dm = rt->dm;
	struct xtrd	*x = rt->x;

	if (rt->state == REG_OK && dm->withdrawn) {
		withdraw_begin(x, dm);	/* a hand-over's wait is over */
		return;
	}
	if (rt->state == REG_OK) {
		reg_start(rt);		/* RFC 9301 §8.2: periodic refresh */
		return;
	}
	if (dm->withdrawn && rt->tries >= REG_WITHDRAW_TRIES) {
		cnt_inc(C_register_gave_up);
		tl_add("withdraw-gave-up", &dm->m.eid, &x->conf->ms[rt->ms].addr,
		    NULL);
		rt->state = REG_IDLE;
		db_changed_smr(x, dm);
		withdraw_done_check(x, dm);
		return;
	}
	reg_send(rt);
}

static struct db_map *
db_new(struct xtrd *x)
{
	struct db_map	*dm;
	int		 i;

	if ((dm = calloc(1, sizeof(*dm))) == NULL)
		return NULL;
	for (i = 0; i < XC_MAX_MS; i++) {
		dm->tx[i].x = x;
		dm->tx[i].dm = dm;
		dm->tx[i].ms = i;
		timer_init(&dm->tx[i].t, reg_timer, &dm->tx[i]);
	}
	return dm;
}

int
etr_db_add(struct xtrd *x, const struct xc_mapping *m, bool from_api)
{
	struct db_map	*dm, **pp;
	int		 i;

	/* a withdrawal still in flight for this EID is superseded */
	for (dm = x->etr->db; dm != NULL; dm = dm->next)
		if (dm->withdrawn && ipprefix_cmp(&dm->m.eid, &m->eid) == 0) {
			db_unlink_free(x, dm);
			break;
		}
	if ((dm = etr_db_find(x, &m->eid)) == NULL) {
		if ((dm = db_new(x)) == NULL)
			return -1;
		for (pp = &x->etr->db; *pp != NULL; pp = &(*pp)->next)
			;
		*pp = dm;
	}
	dm->m = *m;
	dm->from_api = from_api;
	dm->smr_due = true;
	dp_eid_added(x, &m->eid);	/* host route, deliver at once */
	tl_add("database-add", &m->eid, NULL, "priority %u weight %u ttl %u",
	    m->priority, m->weight, m->ttl);
	for (i = 0; i < x->conf->nms; i++)
		reg_start(&dm->tx[i]);
	if (x->conf->nms == 0)
		db_changed_smr(x, dm);
	return 0;
}

int
etr_db_remove(struct xtrd *x, const struct ipprefix *p, bool smr)
{
	struct db_map	*dm;

	if ((dm = etr_db_find(x, p)) == NULL) {
		errno = ENOENT;
		return -1;
	}
	dm->withdrawn = true;
	dm->smr_due = smr;
	x->etr->recent[x->etr->nrecent++ % ETR_RECENT_WITHDRAWN] = *p;
	tl_add("database-remove", p, NULL, NULL);
	dp_eid_removed(x, p);
	if (x->conf->nms == 0) {
		db_changed_smr(x, dm);
		db_unlink_free(x, dm);
		return 0;
	}
	withdraw_begin(x, dm);
	return 0;
}

/*
 * The EID moved to another site and the data plane keeps an away entry
 * for it (POST /v1/database/remove with moved_to).  Stop serving it now,
 * but leave the Map-Server's registration in place for up to wait_ms
 * instead of withdrawing it at once: when the new site registers, the
 * Map-Server then replaces ours and sends us the mobility Map-Notify
 * (draft-ietf-lisp-eid-mobility), the signal our away entry waits for
 * before it SMRs (dp_away.c).  Withdrawn at once, the Map-Server would
 * have nobody to notify.  Without a Map-Notify within wait_ms (a
 * Map-Server that does not send them) the registration is withdrawn as
 * etr_db_remove() does: the refresh timer fires a TTL-0 register.
 */
int
etr_db_handoff(struct xtrd *x, const struct ipprefix *p, uint32_t wait_ms)
{
	struct db_map	*dm;
	uint64_t	 now = mono_ms();
	int		 i;

	if ((dm = etr_db_find(x, p)) == NULL) {
		errno = ENOENT;
		return -1;
	}
	dm->withdrawn = true;
	dm->smr_due = false;	/* the away entry SMRs once confirmed */
	x->etr->recent[x->etr->nrecent++ % ETR_RECENT_WITHDRAWN] = *p;
	tl_add("database-remove", p, NULL, "handed over: withdrawn in %u ms "
	    "unless the Map-Server notifies the move", wait_ms);
	dp_eid_removed(x, p);
	if (x->conf->nms == 0) {
		db_unlink_free(x, dm);
		return 0;
	}
	for (i = 0; i < x->conf->nms; i++) {
		struct reg_tx	*rt = &dm->tx[i];

		if (rt->state == REG_OK) {	/* reg_timer(): TTL 0 then */
			reg_send_release(rt);
			timer_set(&x->timers, &rt->t, now + wait_ms);
		} else
			reg_start(rt);	/* not registered there: withdraw */
	}
	return 0;
}

/* Does the answer show the mapping system has no registration of exactly
 * p pointing at us alone (so a TTL-0 Map-Register could only add one or
 * undo another's)?  See the top of this file. */
static bool
answer_says_skip(struct xtrd *x, const struct ipprefix *p,
    const struct lisp_map_reply *rep)
{
	bool	exact = false;
	int	i, j;

	for (i = 0; i < rep->nrec; i++) {
		const struct lisp_record *r = &rep->rec[i];
		struct ipprefix	q;

		q.addr = r->eid.ip;
		q.plen = r->eid_plen;
		ipprefix_mask(&q);
		if (ipprefix_cmp(&q, p) != 0)
			continue;
		exact = true;
		for (j = 0; j < r->nloc; j++)
			if (!xc_has_rloc(x->conf, &r->loc[j].rloc.ip))
				return true;	/* another RLOC answers */
		if (r->nloc == 0)
			return true;		/* negative: nothing there */
	}
	return !exact;		/* only covering / other prefixes */
}

static int
away_is(const struct dp_away_view *v, void *arg)
{
	return ipprefix_cmp(v->eid, arg) == 0;
}

/*
 * A hand-over whose new site has not registered yet: the Map-Server still
 * maps p to us alone (or sent our own check back to us, or did not
 * answer) and our data plane redirects p (an away entry).
 * Since migrated hands over at the suspend (issue 18), the hand-over's
 * DP_AWAY_SMR_WAIT_MS runs inside the blackout, which can be longer (the
 * two-host Xen run: 10 to 40 s under TCG).  A TTL-0 Map-Register then
 * leaves the Map-Server with no registration: the ITRs the away entry
 * SMRs get a negative Map-Reply (RFC 9301 §5.4) and drop until the new
 * site registers.  So the registration stays (Map-Requests still reach
 * us and our ETR answers where the EID went, etr_reply.c) and the check
 * is made again after the same wait, until the new site registers (the
 * mobility Map-Notify or an answer naming it) or the away entry expires.
 */
static bool
handoff_pending(struct xtrd *x, struct db_map *dm)
{
	uint64_t	now = mono_ms();
	int		i;

	if (dp_away_each(x, away_is, &dm->m.eid) == 0)
		return false;
	for (i = 0; i < x->conf->nms; i++)
		if (dm->tx[i].state == REG_OK)
			timer_set(&x->timers, &dm->tx[i].t,
			    now + DP_AWAY_SMR_WAIT_MS);
	tl_add("withdraw-deferred", &dm->m.eid, NULL, "the Map-Server still "
	    "maps it to us and the new site has not registered: kept, "
	    "checked again in %u ms", DP_AWAY_SMR_WAIT_MS);
	return true;
}

void
etr_withdraw_checked(struct xtrd *x, const struct ipprefix *p,
    const struct lisp_map_reply *rep, const char *why)
{
	struct db_map	*dm;
	bool		 skip;
	int		 i;

	for (dm = x->etr->db; dm != NULL; dm = dm->next)
		if (dm->withdrawn && dm->checking &&
		    ipprefix_cmp(&dm->m.eid, p) == 0)
			break;
	if (dm == NULL)
		return;		/* added again meanwhile */
	dm->checking = false;
	skip = rep != NULL && answer_says_skip(x, p, rep);
	if (!skip && handoff_pending(x, dm))
		return;
	for (i = 0; i < x->conf->nms; i++) {
		struct reg_tx	*rt = &dm->tx[i];

		if (rt->state != REG_OK)
			continue;
		if (!skip) {
			reg_start(rt);	/* RFC 9301 §8.2: TTL 0 withdraws */
			continue;
		}
		rt->state = REG_IDLE;
		timer_cancel(&x->timers, &rt->t);
	}
	if (!skip) {
		tl_add("withdraw-checked", p, NULL, "%s: withdrawing", why);
		return;
	}
	cnt_inc(C_withdraw_skipped);
	tl_add("withdraw-skipped", p, NULL, "the mapping system maps it "
	    "elsewhere or not at all: no TTL-0 Map-Register, ours times out");
	db_changed_smr(x, dm);
	withdraw_done_check(x, dm);
}

/* The Map-Server replaced our registration of p by another xTR's (the
 * mobility Map-Notify): a handed-over mapping needs no withdrawal now. */
static void
handoff_done(struct xtrd *x, int msi, const struct ipprefix *p)
{
	struct db_map	*dm;

	for (dm = x->etr->db; dm != NULL; dm = dm->next)
		if (dm->withdrawn && ipprefix_cmp(&dm->m.eid, p) == 0 &&
		    dm->tx[msi].state == REG_OK)
			break;
	if (dm == NULL)
		return;
	dm->tx[msi].state = REG_IDLE;
	timer_cancel(&x->timers, &dm->tx[msi].t);
	tl_add("withdraw-skipped", p, &x->conf->ms[msi].addr, "the Map-Server "
	    "replaced our registration");
	withdraw_done_check(x, dm);
}

static void	notify_floor_load(struct xtrd *);

int
etr_init(struct xtrd *x)
{
	int	i;

	struct db_map	*dm;

	if ((x->etr = calloc(1, sizeof(*x->etr))) == NULL)
		return -1;
	notify_floor_load(x);
	for (i = 0; i < x->conf->ndb; i++)
		if (etr_db_add(x, &x->conf->db[i], false) == -1)
			return -1;
	for (dm = x->etr->db; dm != NULL; dm = dm->next)
		dm->smr_due = false;	/* starting: nobody caches us yet */
	return 0;
}

void
etr_free(struct xtrd *x)
{
	int	i;

	if (x->etr == NULL)
		return;
	while (x->etr->db != NULL)
		db_unlink_free(x, x->etr->db);
	for (i = 0; i < XC_MAX_MS; i++)
		lisp_auth_key_free(&x->etr->ms_keys[i]);
	free(x->etr);
	x->etr = NULL;
}

static int
ms_index(struct xtrd *x, const struct ipaddr *src)
{
	int	i;

	for (i = 0; i < x->conf->nms; i++)
		if (ipaddr_cmp(&x->conf->ms[i].addr, src) == 0)
			return i;
	return -1;
}

/* A mapping of ours, live or lately withdrawn, that covers p. */
static bool
is_ours(struct xtrd *x, const struct ipprefix *p)
{
	struct db_map	*dm;
	unsigned	 i;

	for (dm = x->etr->db; dm != NULL; dm = dm->next)
		if (ipprefix_covers(&dm->m.eid, p))
			return true;
	for (i = 0; i < ETR_RECENT_WITHDRAWN && i < x->etr->nrecent; i++)
		if (ipprefix_covers(&x->etr->recent[i], p))
			return true;
	return false;
}

/* Every locator of rec is one of our RLOCs. */
static bool
carries_our_rlocs(struct xtrd *x, const struct lisp_record *rec)
{
	int	i, j;

	if (rec->nloc == 0)
		return false;
	for (i = 0; i < rec->nloc; i++) {
		for (j = 0; j < x->conf->nrloc; j++)
			if (ipaddr_cmp(&rec->loc[i].rloc.ip,
			    &x->conf->rloc[j]) == 0)
				break;
		if (j == x->conf->nrloc)
			return false;
	}
	return true;
}

static void
send_notify_ack(struct xtrd *x, int msi, struct lisp_map_register *n,
    const struct ipaddr *src, uint16_t sport)
{
	uint8_t				*buf = x->etr->ack_buf;
	const struct xc_map_server	*ms = &x->conf->ms[msi];
	ssize_t				 len;

	/* RFC 9301 §5.7: the Ack echoes the Notify, authenticated. */
	n->type = LISP_MAP_NOTIFY_ACK;
	n->key_id = ms->key.key_id;
	n->alg_id = ms->key.alg;
	len = lisp_encode_map_register_key(n, ms_key(x, msi), buf,
	    LISP_MAX_MSG);
	if (len > 0 && xtr_send(x, src, sport, buf, (size_t)len) == 0)
		cnt_inc(C_tx_map_notify_ack);
}

/* draft-ietf-lisp-eid-mobility: the MS tells us another xTR now holds an
 * EID we had (or a more-specific of one of ours): SMR our peers. */
static void
moved_notify(struct xtrd *x, int msi, struct lisp_map_register *n,
    const struct ipaddr *src, uint16_t sport)
{
	struct ipprefix	p;
	char		a[IPADDR_STRLEN];
	int		i, used = 0, sub;

	for (i = 0; i < n->nrec; i++) {
		p.addr = n->rec[i].eid.ip;
		p.plen = n->rec[i].eid_plen;
		if (is_ours(x, &p) && carries_our_rlocs(x, &n->rec[i])) {
			cnt_inc(C_dup_map_notify);	/* our own mapping */
			used++;
			continue;
		}
		if (!is_ours(x, &p)) {
			/* RFC 9437: a subscription acknowledged, or a
			 * mapping we subscribed to changed (nonce checked) */
			ipprefix_mask(&p);
			if (x->conf->subscribe &&
			    (sub = itr_pubsub_notify(x, &p, n->nonce)) != 0) {
				used++;
				if (sub == 2)	/* unsubscribed: only ack */
					continue;
				itr_install(x, &n->rec[i], &p, src, " pubsub");
				tl_add("pubsub-update", &p, src, "%u RLOCs",
				    n->rec[i].nloc);
			}
			continue;
		}
		used++;
		cnt_inc(C_etr_moved_notify);
		ipprefix_mask(&p);
		tl_add("map-notify-moved", &p, src, "%u RLOCs now",
		    n->rec[i].nloc);
		handoff_done(x, msi, &p);
		/* the new mapping is registered: SMRs now fetch it */
		smr_send(x, &p, NULL, 0, NULL);
		/* away entry: redirect stragglers */
		dp_moved(x, &n->rec[i]);
	}
	if (used == 0) {
		cnt_drop(C_drop_unsolicited_notify, "Map-Notify from %s "
		    "matches no registration of ours",
		    ipaddr_fmt(src, a, sizeof(a)));
		return;
	}
	send_notify_ack(x, msi, n, src, sport);
}

/* Would n move one of our EIDs away (a mobility Map-Notify)? */
static bool
notify_moves(struct xtrd *x, const struct lisp_map_register *n)
{
	struct ipprefix	p;
	int		i;

	for (i = 0; i < n->nrec; i++) {
		p.addr = n->rec[i].eid.ip;
		p.plen = n->rec[i].eid_plen;
		if (is_ours(x, &p) && !carries_our_rlocs(x, &n->rec[i]))
			return true;
	}
	return false;
}

/*
 * A Map-Notify the Map-Server starts (it answers no Map-Register of ours)
 * is believed only when its nonce is greater than the last such one from
 * that Map-Server (ours numbers them with nonce_seq_next(), as RFC 9301
 * §5.6 numbers Map-Registers): a recorded one replayed later moves
 * nothing.  The same nonce again within NOTIFY_DUP_MS is the Map-Server's
 * retransmission (our Ack was lost): acknowledged again, not acted on.
 */
#define NOTIFY_DUP_MS	4000
/* (x->etr->notify_last, notify_last_ms) */

/* With state_dir, the last nonce of each Map-Server survives our restart
 * too: state_dir/notify-ADDR, written when it moves (rare: a move). */
static int
notify_floor_path(struct xtrd *x, int msi, char *buf, size_t len)
{
	char	a[IPADDR_STRLEN];

	if (x->conf->state_dir[0] == '\0')
		return -1;
	snprintf(buf, len, "%s/notify-%s", x->conf->state_dir,
	    ipaddr_fmt(&x->conf->ms[msi].addr, a, sizeof(a)));
	return 0;
}

static void
notify_floor_load(struct xtrd *x)
{
	char	path[XC_PATH_MAX + 64];
	int	i;

	for (i = 0; i < x->conf->nms; i++)
		if (notify_floor_path(x, i, path, sizeof(path)) == 0)
			x->etr->notify_last[i] = state_floor_read(path);
}

static bool
notify_fresh(struct xtrd *x, int msi, struct lisp_map_register *n,
    const struct ipaddr *src, uint16_t sport)
{
	char	a[IPADDR_STRLEN];

	if (n->nonce > x->etr->notify_last[msi]) {
		char	path[XC_PATH_MAX + 64];

		x->etr->notify_last[msi] = n->nonce;
		x->etr->notify_last_ms[msi] = mono_ms();
		if (notify_floor_path(x, msi, path, sizeof(path)) == 0 &&
		    state_floor_write(path, n->nonce) == -1)
			log_warn("%s", path);
		return true;
	}
	if (n->nonce == x->etr->notify_last[msi] &&
	    mono_ms() - x->etr->notify_last_ms[msi] < NOTIFY_DUP_MS) {
		cnt_inc(C_dup_map_notify);
		send_notify_ack(x, msi, n, src, sport);
		return false;
	}
	cnt_drop(C_drop_stale_notify, "Map-Notify from %s: nonce %016llx not "
	    "greater than the last one, %016llx (a replay?)",
	    ipaddr_fmt(src, a, sizeof(a)), (unsigned long long)n->nonce,
	    (unsigned long long)x->etr->notify_last[msi]);
	return false;
}

/* The mapping is registered at every Map-Server (what GET /v1/database
 * shows as "registered"): the event migrated waits for after a database
 * add (GET /v1/timeline?wait=, docs/api.md). */
static void
db_registered_check(struct xtrd *x, const struct db_map *dm)
{
	int	i;

	for (i = 0; i < x->conf->nms; i++)
		if (dm->tx[i].state != REG_OK)
			return;
	tl_add("database-registered", &dm->m.eid, NULL, "at %d map-servers",
	    x->conf->nms);
}

void
etr_rx_map_notify(struct xtrd *x, const uint8_t *buf, size_t len,
    const struct ipaddr *src, uint16_t sport)
{
	struct lisp_map_register	*n = &x->etr->notify;
	struct lisp_auth_key		*k;
	enum lisp_err			 why = LERR_OK;
	struct db_map			*dm, *next;
	char				 a[IPADDR_STRLEN];
	unsigned			 i;
	int				 msi;

	ipaddr_fmt(src, a, sizeof(a));
	if (lisp_decode_map_register(buf, len, n, &why) == -1) {
		cnt_drop_lerr(why, "Map-Notify from %s", a);
		return;
	}
	if ((msi = ms_index(x, src)) == -1) {
		cnt_drop(C_drop_unsolicited_notify, "Map-Notify from %s, not "
		    "a configured map-server", a);
		return;
	}
	/* RFC 9301 §5.7: authenticated like the Map-Register */
	if ((k = ms_key(x, msi)) == NULL || n->alg_id != k->alg ||
	    n->key_id != x->conf->ms[msi].key.key_id ||	/* §5.6: Key ID */
	    lisp_auth_verify_key(k, buf, len, n->auth_off, n->auth_len) != 0) {
		cnt_drop(C_drop_notify_auth_fail, "Map-Notify from %s: "
		    "authentication failed", a);
		return;
	}
	for (dm = x->etr->db; dm != NULL; dm = next) {
		struct reg_tx	*rt = &dm->tx[msi];

		next = dm->next;
		if (rt->state != REG_SENT || n->nonce < rt->nonce_first ||
		    n->nonce > rt->nonce)
			continue;
		cnt_inc(C_register_acked);
		x->etr->acked[x->etr->nacked++ % ETR_RECENT_ACKED] = n->nonce;
		rt->last_notify_ms = mono_ms();
		tl_add(dm->withdrawn ? "map-notify-withdrawn" : "map-notify",
		    &dm->m.eid, src, "nonce %016llx after %u tries",
		    (unsigned long long)n->nonce, rt->tries);
		if (dm->withdrawn) {
			rt->state = REG_IDLE;
			timer_cancel(&x->timers, &rt->t);
			db_changed_smr(x, dm);
			withdraw_done_check(x, dm);
		} else {
			rt->state = REG_OK;
			timer_set(&x->timers, &rt->t, rt->last_notify_ms +
			    x->conf->register_interval * 1000ull);
			db_registered_check(x, dm);
			db_changed_smr(x, dm);
		}
		return;
	}
	/* a second Map-Notify for a register already acknowledged (the MS
	 * answered a retransmission too): not news */
	for (dm = x->etr->db; dm != NULL; dm = dm->next)
		if (n->nonce >= dm->tx[msi].nonce_first &&
		    n->nonce <= dm->tx[msi].nonce && n->nonce != 0) {
			cnt_inc(C_dup_map_notify);
			return;
		}
	for (i = 0; i < ETR_RECENT_ACKED && i < x->etr->nacked; i++)
		if (x->etr->acked[i] == n->nonce && n->nonce != 0) {
			cnt_inc(C_dup_map_notify);
			return;
		}
	if (notify_moves(x, n) && !notify_fresh(x, msi, n, src, sport))
		return;
	moved_notify(x, msi, n, src, sport);
}

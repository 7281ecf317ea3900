/*
 * mover.h: the calls between the files that move a guest's EIDs.  Xen and
 * frame events come in (from xs_watch.c, capture.c, api.c) through the
 * mig_*() calls of migrated.h, the domain table (domains.c) says what they
 * mean, and EIDs move:
 *
 *   lifecycle.c    a domain seen, renamed, released: which side it is on
 *   arrival.c      a guest arriving here: vifs, captures, announcements,
 *                  netfront; its EIDs registered (or early, at the rename)
 *   departure.c    a guest leaving: its EIDs handed to the destination at
 *                  the suspend or rename, taken back if it stays
 *   claim.c        a guest's EIDs, and a dynamic one claimed once the
 *                  mapping system allows it
 *   jobs.c         one job per EID update at xtrd: POST /v1/database/add,
 *                  the Map-Notify, POST /v1/smr; /v1/database/remove;
 *                  /v1/expect
 *   xtrd_events.c  the held GET /v1/timeline?wait= that pushes xtrd's
 *                  database-registered events to the jobs
 *   xtrd_health.c  xtrd's heartbeat, its restarts, EIDs re-asserted;
 *                  mig_tick()
 *
 * Each step lands in the migration's timeline (timeline.c).
 */
#ifndef MIG_MOVER_H
#define MIG_MOVER_H

#include <stddef.h>
#include <stdint.h>

#include "eid_policy.h"
#include "migrated.h"

/* jobs.c */
const char	*mig_eid_str(const struct ipaddr *, char *, size_t);
/* 1 while a job for the EID is in flight */
int		 mig_eid_busy(const struct mig *, const struct ipaddr *);
/* POST /v1/database/add; smr: a move, wait for the Map-Notify, then
 * POST /v1/smr */
void		 mig_push_eid(struct mig *, const struct domain *,
		    const struct ipaddr *, int smr);
/* POST /v1/database/remove, with moved_to; _eids: n of them in one
 * request */
void		 mig_withdraw_eid(struct mig *, const struct domain *,
		    const struct ipaddr *);
void		 mig_withdraw_eids(struct mig *, const struct domain *,
		    const struct ipaddr *, int n);
/* POST /v1/expect: an --incoming domain's EIDs (issue 18), held until
 * the guest arrived; its arrival; the migration aborted */
#define MIG_EXPECT		0
#define MIG_EXPECT_CANCEL	1
#define MIG_EXPECT_ARRIVED	2
void		 mig_expect_eids(struct mig *, const struct domain *,
		    int op);
/* xtrd's database-registered event for the EID (text), at ms */
void		 mig_jobs_registered(struct mig *, const char *eid,
		    uint64_t ms);
/* Map-Notify deadlines; ms until the next one, or -1 */
int		 mig_jobs_tick(struct mig *, uint64_t now);

/* xtrd_events.c: keep the held request at xtrd; ms until it must be
 * sent again, or -1 while it is held */
int		 mig_events_tick(struct mig *, uint64_t now);

/* arrival.c: register_at = rename */
void		 mig_register_early(struct mig *, struct domain *);

/* departure.c */
void		 mig_redirect_eids(struct mig *, struct domain *);
void		 mig_reclaim_eids(struct mig *, struct domain *);
void		 mig_suspended_tick(struct mig *, uint64_t now);

/* claim.c: the local policy's verdict on address a for guest d on
 * bridge, no other guest here holding it */
enum eid_verdict mig_claim_verdict(struct mig *, const struct domain *,
		    const char *bridge, const struct ipaddr *);

#endif

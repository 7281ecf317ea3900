/*
 * dp.h: the xTR data plane (RFC 9300), behind an ops table as OOR's
 * data-plane.h does, so another backend (AF_XDP, kernel) can replace the
 * userspace TUN one without touching the control plane.
 *
 * The control plane calls the dp_* wrappers below; each is a no-op when
 * `data_plane` is off in xtrd.conf, so xtrd without a data plane behaves
 * exactly as before.  Everything runs in xtrd's one poll loop.
 */
#ifndef XTR_DP_H
#define XTR_DP_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "lisp.h"

struct xtrd;
struct dp;
struct dp_upcalls;

#define DP_MAXFD	5	/* poll slots the data plane may use */

struct dp_ops {
	const char	*name;
	int	(*init)(struct xtrd *, const struct dp_upcalls *);
	void	(*fini)(struct xtrd *);
	/* Fill up to max pollfds; returns how many. */
	int	(*pollfds)(struct dp *, struct pollfd *, int max);
	void	(*run)(struct dp *, const struct pollfd *, int n);
	/* ETR: an EID is served here now / no longer (database add/remove) */
	void	(*eid_added)(struct dp *, const struct ipprefix *);
	void	(*eid_removed)(struct dp *, const struct ipprefix *);
	/* ITR: the map-cache gained an entry (flush the miss queue) */
	void	(*mapping_installed)(struct dp *, const struct ipprefix *);
	/* The move: eid now lives at rlocs; keep an away entry.  confirmed:
	 * the mapping system maps it there already (a mobility Map-Notify),
	 * SMR at once; else hold SMRs (dp_away.c).  1 if an entry is kept. */
	int	(*away_add)(struct dp *, const struct ipprefix *,
		    const struct ipaddr *, int n, bool confirmed);
};

extern const struct dp_ops	dp_tun_ops;	/* dp.c: TUN + UDP 4341 */

/* What the data plane asks of the ETR, ITR and SMR: filled by xtrd.c, so
 * no data-plane file calls a control-plane function by name (the other
 * half of OOR's data-plane ops table; tools/check-layers.sh checks it).
 * ctx is passed back as the first argument of each. */
struct dp_upcalls {
	void	*ctx;
	/* ITR: send a Map-Request for eid (itr_resolve): 0 sent, 1 pending
	 * or rate limited, -1 error */
	int	(*resolve)(void *ctx, const struct ipprefix *eid);
	/* ms from a first Map-Request to the ITR giving up (mreq_sched) */
	uint64_t (*resolve_span_ms)(void *ctx);
	/* ETR: is addr inside one of our database EID prefixes? */
	bool	(*is_local_eid)(void *ctx, const struct ipaddr *);
	/* ETR: call fn for each EID prefix of our database (not withdrawn) */
	void	(*local_eids)(void *ctx,
		    void (*fn)(const struct ipprefix *, void *), void *arg);
	/* SMR (RFC 9301 §6.6.2): one ITR for eid, 0 if sent; the
	 * EID-record is the prefix we cache for peer_eid (NULL: eid) */
	int	(*smr_one)(void *ctx, const struct ipprefix *eid,
		    const struct ipaddr *itr, const struct ipaddr *peer_eid);
	/* ITR (RFC 9301 §7.1): a packet's locator-status-bits say rloc of
	 * eid's mapping is claimed_up, unlike the map-cache: probe it
	 * (rloc_probe_lsb) */
	int	(*probe_lsb)(void *ctx, const struct ipprefix *eid,
		    const struct ipaddr *rloc, bool claimed_up);
	/* SMR every map-cache RLOC and PxTR for eid */
	void	(*smr_all)(void *ctx, const struct ipprefix *eid);
};

/* Wrappers the control plane calls (no-ops when the data plane is off). */
int	dp_init(struct xtrd *, const struct dp_upcalls *);
void	dp_fini(struct xtrd *);
bool	dp_enabled(const struct xtrd *);
int	dp_pollfds(struct xtrd *, struct pollfd *, int max);
void	dp_run(struct xtrd *, const struct pollfd *, int n);
void	dp_eid_added(struct xtrd *, const struct ipprefix *);
void	dp_eid_removed(struct xtrd *, const struct ipprefix *);
void	dp_mapping_installed(struct xtrd *, const struct ipprefix *);
/* The API's move (at the suspend, before the new site registers): an
 * away entry whose SMRs wait for dp_moved() or DP_AWAY_SMR_WAIT_MS.
 * 1 if an entry is kept, 0 if not (no data plane, away_entries = no,
 * or every RLOC is ours). */
int	dp_away_add(struct xtrd *, const struct ipprefix *,
	    const struct ipaddr *, int n);
#define DP_AWAY_SMR_WAIT_MS	5000
/* An away entry as the data plane keeps it (dp_away.c). */
struct dp_away_view {
	const struct ipprefix	*eid;
	const struct ipaddr	*rloc;		/* where it went: nrloc */
	int			 nrloc;
	uint64_t		 since_ms;	/* made (mono_ms) */
	uint64_t		 idle_ms;	/* since the last packet; it
						 * expires after away_timeout */
};
/* Each away entry: cb until it returns non-zero (that value is
 * returned).  0 without a data plane.  Its readers: the ETR's Map-Reply
 * for a moved EID (etr_reply.c), GET /v1/database (api.c), the state
 * file (xtrd_state.c). */
int	dp_away_each(struct xtrd *,
	    int (*cb)(const struct dp_away_view *, void *), void *arg);
/* Issue 16, finding 8 (xtrd_state.c): an entry put back after a restart
 * (idle_ms old already).  0 without a data plane or with
 * away_entries = no. */
int	dp_away_put_back(struct xtrd *, const struct ipprefix *,
	    const struct ipaddr *, int n, uint64_t idle_ms);
/* An EID about to arrive here (a migration's --incoming domain): hold
 * what is decapsulated for it until it is added (DPE_EXPECT) or until it
 * is added and its guest arrived (DPE_UNTIL_ARRIVAL, then DPE_ARRIVED:
 * migrated saw netfront connect or the guest's announcement); DPE_CANCEL:
 * the migration aborted, what is held goes back where the EID lives
 * (dp_hold.c).  1 done, 0 not (no data plane, holding off, nothing
 * held), -1 no room. */
enum dp_expect_op { DPE_EXPECT, DPE_UNTIL_ARRIVAL, DPE_ARRIVED, DPE_CANCEL };
int	dp_expect(struct xtrd *, const struct ipprefix *, enum dp_expect_op);
/* From a Map-Notify record: eid moved to the record's RLOCs. */
void	dp_moved(struct xtrd *, const struct lisp_record *);
/* Add "dp_<name>": N for every data-plane counter to a json_object. */
void	dp_counters_json(struct xtrd *, void *json_object);

#endif

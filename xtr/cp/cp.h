/*
 * cp.h: the control plane of the xTR (RFC 9301): the ETR registers our
 * database and answers Map-Requests for it, the ITR resolves EIDs into the
 * map-cache (xtr/map_cache.c), SMRs tell ITRs a mapping changed.
 * Below it: xtr/ (xtrd.h) and the data plane (xtr/dp/dp.h), which it
 * tells of database and map-cache changes.  Above it: the Map-Server
 * (xtr/ms/), the API and the loop.
 */
#ifndef XTR_CP_CP_H
#define XTR_CP_CP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "addr.h"
#include "lisp.h"
#include "lispsec.h"
#include "xtr/config.h"
#include "xtr/ratelim.h"
#include "xtr/timer.h"

struct xtrd;
struct lisp_ecm;

/* ETR: one mapping's registration with one Map-Server (RFC 9301 §8.2). */
enum reg_state {
	REG_IDLE = 0,	/* nothing in flight */
	REG_SENT,	/* Map-Register sent, waiting for the Map-Notify */
	REG_OK,		/* Map-Notify received; refresh timer armed */
};

struct reg_tx {
	struct xtrd	*x;
	struct db_map	*dm;
	int		 ms;		/* index in conf->ms */
	enum reg_state	 state;
	uint64_t	 nonce;		/* of the last Map-Register sent */
	uint64_t	 nonce_first;	/* of the first of this round: a
					 * Map-Notify answers one in between */
	unsigned	 tries;
	uint32_t	 backoff_ms;
	uint64_t	 last_sent_ms;
	uint64_t	 last_notify_ms;
	struct timer	 t;
};

/* A database mapping this ETR serves (config or API). */
struct db_map {
	struct db_map		*next;
	struct xc_mapping	 m;
	bool			 from_api;
	bool			 withdrawn;	/* TTL 0 registering, then freed */
	bool			 smr_due;	/* changed: SMR once registered */
	bool			 checking;	/* withdrawn: resolving first */
	struct reg_tx		 tx[XC_MAX_MS];
};

/* ITR: an outstanding Map-Request (RFC 9301 §6.1), indexed by EID and
 * by nonce (itr_resolve.c: struct pend_index), oldest first. */
struct pending {
	struct pending	*older, *newer;
	struct pending	*eid_next, *nonce_next;	/* hash chains */
	struct xtrd	*x;
	uint64_t	 nonce;
	struct ipprefix	 eid;
	bool		 smr_invoked;
	unsigned	 tries;
	int		 mr;		/* index in conf->mr, or -1: lig_mr */
	struct ipaddr	 lig_mr;
	void		*lig;		/* API request waiting, or NULL */
	void		(*lig_done)(void *, const struct lisp_map_reply *,
			    const struct ipaddr *, uint64_t);
	bool		 withdraw_check;	/* etr_withdraw_checked() */
	bool		 subscribing;	/* RFC 9437: I and N bits set */
	uint64_t	 sent_ms;
	struct timer	 t;
	/* RFC 9303 §6.4: the ITR-OTK kept with the nonce (lispsec_cp.c) */
	bool		 sec;		/* last sent with LISP-SEC */
	bool		 no_sec;	/* downgraded after an E bit (§6.7) */
	bool		 otk_set;
	uint8_t		 otk[16];
};

/*
 * The ETR's state, x->etr (etr_init, etr_free): our database, what the
 * Map-Notifies told lately, the Map-Servers' keys, and the buffers the
 * messages it sends and receives are built and decoded in (one per
 * function that used a static one: the loop handles one message at a
 * time, and a Map-Notify in n may lead to a Map-Register, a Notify-Ack or
 * an SMR before it is done with).
 */
#define ETR_RECENT_WITHDRAWN	16
#define ETR_RECENT_ACKED	32
struct etr_state {
	struct db_map		*db;
	/* EIDs withdrawn lately: a mobility Map-Notify for them is
	 * expected (etr_register.c) */
	struct ipprefix		 recent[ETR_RECENT_WITHDRAWN];
	unsigned		 nrecent;
	/* nonces of Map-Notifies that acknowledged a Map-Register lately */
	uint64_t		 acked[ETR_RECENT_ACKED];
	unsigned		 nacked;
	/* each Map-Server's key, keyed once for HMAC (again after a reload) */
	struct lisp_auth_key	 ms_keys[XC_MAX_MS];
	/* the last mobility Map-Notify's nonce per Map-Server, and when */
	uint64_t		 notify_last[XC_MAX_MS];
	uint64_t		 notify_last_ms[XC_MAX_MS];
	/* buffers: reg_send, reg_send_release, send_notify_ack,
	 * etr_rx_map_notify (etr_register.c), etr_rx_map_request
	 * (etr_reply.c) */
	struct lisp_map_register reg, rel, notify;
	uint8_t			 reg_buf[LISP_MAX_MSG], rel_buf[LISP_MAX_MSG];
	uint8_t			 ack_buf[LISP_MAX_MSG];
	struct lisp_map_reply	 rep;
	uint8_t			 rep_buf[LISP_MAX_MSG];
};

/* The ITR's state, x->itr (itr_init, itr_free), with the SMR's and the
 * RLOC-probes' (the map-cache itself is x->mc, xtr/map_cache.c, which
 * the data plane reads too). */
#define ITR_BACKOFF_SLOTS	256	/* itr_resolve.c: RFC 9301 §5.3 */
#define ITR_MREP_BURST		3
#define ITR_PROBES		256	/* rloc_probe.c: at once */
#define SMR_FOLLOW_EIDS		16	/* smr.c: changes followed at once */
#define SMR_FOLLOW_DONE		64	/* RLOCs remembered per change */

/* itr_resolve.c: an EID's unanswered retransmissions */
struct itr_backoff {
	struct ipprefix	eid;
	unsigned	unanswered;	/* retransmissions without a reply */
	uint64_t	until_ms;	/* held until then */
	uint64_t	used_ms;	/* 0: free */
};

/* rloc_probe.c: one RLOC-probe outstanding */
struct itr_probe {
	bool		 used;
	struct xtrd	*x;
	uint64_t	 nonce;
	struct ipprefix	 eid;
	struct ipaddr	 rloc;
	bool		 claimed_up;	/* what the LSBs said */
	unsigned	 tries;
	struct timer	 t;
};

/* smr.c: a fan-out lately: whom it reached, so a follow-up goes once */
struct smr_follow {
	struct ipprefix	eid;
	uint32_t	gen;		/* the fan-out's change number */
	uint64_t	until_ms;	/* 0: slot free */
	int		ndone;
	struct ipaddr	done[SMR_FOLLOW_DONE];
};

/* itr_subscribe.c: a prefix we subscribed to (RFC 9437), and the nonces
 * of subscribing requests answered lately (their Map-Notify may follow) */
#define ITR_SUB_STATES	256
#define ITR_SUB_RECENT	32
struct sub_state {
	struct ipprefix	eid;
	uint64_t	nonce;		/* last seen, or last sent */
	uint64_t	used_ms;	/* 0: free */
	int		mr;		/* the Map-Resolver it went through */
	bool		active;		/* subscribed (acknowledged) */
	unsigned	unsub_tries;	/* unsubscribing: sent, not acked */
	uint64_t	unsub_first;	/* nonce of the first of them */
	uint64_t	unsub_ms;	/* last sent */
};
struct sub_recent {
	uint64_t	nonce;
	int		mr;
};

struct pend_index;
struct itr_state {
	struct pend_index *pend;	/* outstanding Map-Requests */
	struct ratelim	*rl_mreq;	/* Map-Requests per EID prefix */
	struct ratelim	*rl_smr_in;	/* SMR-invoked requests per (source,
					 * EID) */
	struct tbtab	*smr_src;	/* SMRs received per source */
	struct ratelim	*rl_smr_out;	/* SMRs per destination and EID */
	/* Map-Replies per (RLOC, prefix): one slot per reply allowed */
	struct ratelim	*rl_mrep[ITR_MREP_BURST];
	struct ratelim	*rl_probe;	/* RLOC-probes per (EID, RLOC) */
	struct tbucket	 smr_in_bucket;	/* all SMRs received */
	struct timer	 mc_expire;
	struct itr_backoff backoff[ITR_BACKOFF_SLOTS];
	struct itr_probe probes[ITR_PROBES];
	struct smr_follow follows[SMR_FOLLOW_EIDS];
	uint32_t	 smr_gen;	/* fan-outs so far */
	struct sub_state  subs[ITR_SUB_STATES];	/* itr_subscribe.c */
	struct sub_recent sub_recent[ITR_SUB_RECENT];	/* answered */
	unsigned	 nsub_recent;
	/* buffers: send_request, itr_rx_map_reply (itr_resolve.c),
	 * send_probe (rloc_probe.c), send_one (smr.c) */
	struct lisp_map_request	req;
	uint8_t			req_inner[LISP_MAX_MSG];
	uint8_t			req_buf[LISP_MAX_MSG];
	uint8_t			req_ad[LISP_SEC_MAX_AD];
	struct lisp_map_reply	rep;
	struct lisp_sec_mrep_ad	rep_ad;
	struct lisp_map_request	probe_req;
	uint8_t			probe_buf[LISP_MAX_MSG];
	struct lisp_map_request	smr_req;
	uint8_t			smr_buf[LISP_MAX_MSG];
	/* pubsub_add, send_unsubscribe (itr_subscribe.c) */
	struct lisp_map_request	sub_req;
	struct lisp_map_request	unsub_req;
	uint8_t			unsub_inner[LISP_MAX_MSG];
	uint8_t			unsub_buf[LISP_MAX_MSG];
};

/* etr_register.c (RFC 9301 §8.2) */
int	etr_init(struct xtrd *);
int	etr_db_add(struct xtrd *, const struct xc_mapping *, bool from_api);
/* smr: SMR the ITRs that cache us once withdrawn (not for a move: the
 * Map-Server's mobility Map-Notify or the away entry does, once the new
 * site has registered). */
int	etr_db_remove(struct xtrd *, const struct ipprefix *, bool smr);
/* The mapping system's answer to a withdraw check of p (rep NULL: none
 * came): withdraw, or not (etr_register.c). */
void	etr_withdraw_checked(struct xtrd *, const struct ipprefix *,
	    const struct lisp_map_reply *, const char *why);
/* A Map-Request of ours for p came back to us: the check's answer. */
bool	etr_is_withdraw_check(struct xtrd *, uint64_t nonce);
int	etr_db_handoff(struct xtrd *, const struct ipprefix *, uint32_t wait_ms);
/* etr_move.c: eid leaves (POST /v1/database/remove): moved_to NULL, not
 * moved (withdrawn); else moved to its n RLOCs (n 0: not known yet).
 * 1 an away entry is kept (handed over), 0 handed over or withdrawn
 * without one, -1 no such mapping (errno ENOENT). */
int	etr_db_leave(struct xtrd *, const struct ipprefix *,
	    const struct ipaddr *moved_to, int n);
/* n EIDs at once (a guest's): every away entry first, then the
 * hand-overs; rc[i] as etr_db_leave() for eids[i]. */
void	etr_db_leave_all(struct xtrd *, const struct ipprefix *eids, int n,
	    const struct ipaddr *moved_to, int nrloc, int *rc);
struct db_map *etr_db_find(struct xtrd *, const struct ipprefix *);
struct db_map *etr_db_lookup(struct xtrd *, const struct ipaddr *);
void	etr_rx_map_notify(struct xtrd *, const uint8_t *, size_t,
	    const struct ipaddr *, uint16_t);
void	etr_fill_record(struct xtrd *, const struct xc_mapping *,
	    uint32_t ttl, struct lisp_record *);
void	etr_free(struct xtrd *);

/* lispsec_cp.c (RFC 9303 LISP-SEC), ITR and ETR sides */
/* What an ETR (or the Map-Server for it) signs a Map-Reply with. */
struct sec_sign {
	bool		on;
	uint16_t	hmac_id;
	uint8_t		ms_otk[16];
	size_t		eid_ad_len;
	uint8_t		eid_ad[512];		/* LISP_SEC_MAX_AD */
};
struct lisp_sec_mrep_ad;
bool	sec_itr_protect(const struct xtrd *);
ssize_t	sec_itr_ecm_ad(struct xtrd *, struct pending *, uint8_t *, size_t);
/* -1 refused (counted, logged), 0 no LISP-SEC to check, 1 verified: each
 * record must then pass sec_itr_record_ok(). */
int	sec_itr_reply(struct xtrd *, const struct pending *, const uint8_t *,
	    size_t, const struct lisp_map_reply *, struct lisp_sec_mrep_ad *,
	    const char *from);
/* Before a retransmission: optional falls back to an unprotected request
 * once it went unanswered twice. */
void	sec_itr_retry(struct xtrd *, struct pending *);
bool	sec_itr_record_ok(const struct lisp_sec_mrep_ad *,
	    const struct lisp_record *, const char *from);
/* The Map-Server's prefix (EID-AD) that authorizes record r, for the
 * record-scope check (false: none, r was refused by the above). */
bool	sec_itr_auth_prefix(const struct lisp_sec_mrep_ad *,
	    const struct lisp_record *, struct ipprefix *auth);
void	sec_pending_clear(struct pending *);
/* -1 dropped (counted), 0 answer plain, 1 sign with sg. */
int	sec_etr_open(struct xtrd *, const struct lisp_ecm *,
	    const struct lisp_map_request *, const struct ipaddr *src,
	    const char *from, struct sec_sign *);
ssize_t	sec_sign_reply(const struct sec_sign *, uint8_t *, size_t len,
	    size_t cap);

/* etr_reply.c (RFC 9301 §6.1 / §8.4); sg: sign it (RFC 9303 §6.8), or
 * NULL */
void	etr_rx_map_request(struct xtrd *, const struct lisp_map_request *,
	    const struct ipaddr *src, uint16_t reply_port,
	    const struct sec_sign *sg);
/* Pick the ITR-RLOC to answer, preferring family af. */
const struct ipaddr *mreq_reply_rloc(const struct lisp_map_request *,
	    int af);

/* itr_resolve.c (RFC 9301 §6.1) */
int	itr_init(struct xtrd *);
/* Send a Map-Request for eid through the mapping system.  0 sent, 1 rate
 * limited or already pending, -1 error. */
int	itr_resolve(struct xtrd *, const struct ipprefix *, bool smr_invoked);
/* A lig (xtrctl lig through the API): its Map-Reply arrived (rep) or it
 * timed out (rep NULL).  The ITR calls back whoever asked, never the API
 * by name. */
typedef void	(*itr_lig_done_fn)(void *lig, const struct lisp_map_reply *rep,
		    const struct ipaddr *from, uint64_t rtt_ms);
int	itr_lig(struct xtrd *, const struct ipprefix *,
	    const struct ipaddr *mr, itr_lig_done_fn done, void *lig,
	    uint64_t *nonce);
void	itr_lig_cancel(struct xtrd *, void *lig);
void	itr_rx_map_reply(struct xtrd *, const uint8_t *, size_t,
	    const struct ipaddr *);
/* Put an authenticated record into the map-cache (TTL 0 removes). */
void	itr_install(struct xtrd *, const struct lisp_record *,
	    const struct ipprefix *, const struct ipaddr *src, const char *why);
/* A Map-Request for p through the Map-Resolver whose answer goes to
 * etr_withdraw_checked(), not into the map-cache.  -1 if none can go. */
int	itr_withdraw_check(struct xtrd *, const struct ipprefix *);
/* The outstanding Map-Request with that nonce, or NULL. */
struct pending *pend_by_nonce(const struct xtrd *, uint64_t nonce);
/* Map-Request skeleton: our RLOCs as ITR-RLOCs, one EID record. */
int	itr_build_request(struct xtrd *, const struct ipprefix *,
	    struct lisp_map_request *);
/* RFC 9301 §5.8: an ECM's inner header from us to eid (the rest zero). */
void	itr_ecm_to(struct xtrd *, const struct ipaddr *eid, struct lisp_ecm *);
void	itr_free(struct xtrd *);

/* RFC 9301 §5.4: may a Map-Reply to `to` about `p` go now?  (ETR and
 * Map-Server; counts drop_map_reply_ratelimited when not.) */
bool	xtr_map_reply_allowed(struct xtrd *, const struct ipaddr *to,
	    const struct ipprefix *p);
/* One of our configured RLOCs. */

/* rloc_probe.c (RFC 9301 §7.1) */
/* The locator-status-bits of a packet say rloc of eid's mapping is
 * claimed_up, unlike the map-cache: probe it before believing it.
 * 0 sent, 1 one is out already (or rate-limited), -1 refused. */
int	rloc_probe_lsb(struct xtrd *, const struct ipprefix *eid,
	    const struct ipaddr *rloc, bool claimed_up);
/* A Map-Reply with the P bit: true if it answered a probe of ours. */
bool	rloc_probe_rx(struct xtrd *, const struct lisp_map_reply *,
	    const struct ipaddr *src);
void	rloc_probe_free(struct xtrd *);

/* smr.c (RFC 9301 §6.1) */
/* Send SMRs for eid (ours, changed): one per RLOC of each map-cache entry
 * (that entry's prefix in the EID-record) and per PxTR.  Returns how many
 * were sent; *targets (may be NULL) gets up to ntargets distinct
 * destinations, *nsent_total how many were candidates. */
#define SMR_SRC_RATE	10	/* SMRs a second from one source */
#define SMR_SRC_BURST	20
int	smr_send(struct xtrd *, const struct ipprefix *,
	    struct ipaddr *targets, int ntargets, int *nsent_total);
/* One SMR to one ITR, rate-limited; the EID-record is the prefix we
 * cache for peer_eid (NULL: eid itself); 0 if sent. */
int	smr_send_one(struct xtrd *, const struct ipprefix *,
	    const struct ipaddr *, const struct ipaddr *peer_eid);
void	smr_rx(struct xtrd *, const struct lisp_map_request *,
	    const struct ipaddr *src);
/* A new mapping (prefix, RLOCs) came: SMR its RLOCs for recent changes. */
void	smr_follow_up(struct xtrd *, const struct ipprefix *,
	    const struct ipaddr *, int n);

/* cp_upcalls.c: the table the data plane reaches us through. */
struct dp_upcalls;
void	cp_dp_upcalls(struct xtrd *, struct dp_upcalls *);

/* itr_subscribe.c (RFC 9437 §4, ITR side): add the I and N bits and our
 * xTR-ID to an encoded Map-Request. */
ssize_t	pubsub_add(struct xtrd *, uint8_t *, size_t len, size_t cap,
	    const struct ipprefix *eid);
/* RFC 9437 §5, §6, subscriber side: a Map-Notify about p with nonce
 * that is not for our own EIDs.  1: accept it (install, acknowledge): it
 * acknowledges one of our subscriptions, or is a publication whose nonce
 * is above the last one seen for the subscribed prefix; 2: it acknowledges
 * one of our unsubscriptions (acknowledge, install nothing); 0: drop it. */
int	itr_pubsub_notify(struct xtrd *, const struct ipprefix *p,
	    uint64_t nonce);
/* The nonce of a new subscribing Map-Request for eid (§5). */
uint64_t itr_sub_next_nonce(struct xtrd *, const struct ipprefix *eid);
/* A subscribing Map-Request (nonce, through Map-Resolver mr) is over: its
 * acknowledgment may still come. */
void	itr_sub_answered(struct xtrd *, uint64_t nonce, int mr);
/* Each second: unsubscribe (§5) the subscribed prefixes of which nothing
 * is left in the map-cache; retransmit unacknowledged unsubscriptions. */
void	itr_sub_sweep(struct xtrd *);
/* Stopping: unsubscribe every subscribed prefix. */
void	itr_unsubscribe_all(struct xtrd *);

#endif

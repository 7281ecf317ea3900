/*
 * xtrd.h: the daemon's state and the functions its one-job files export
 * to each other.  One poll loop (xtrd.c) owns two UDP 4342 sockets (IPv4,
 * IPv6), the API server (api.c) and the timer heap; every handler runs in
 * that loop, so nothing here is locked.
 *
 * The data plane (TUN, RFC 9300 encapsulation) is a later addition: it
 * will look destinations up with mc_lookup() and call itr_resolve() on a
 * miss, exactly as the API's /v1/map-cache/resolve does now.
 */
#ifndef XTR_XTRD_H
#define XTR_XTRD_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "config.h"
#include "counters.h"
#include "lisp.h"
#include "lpm.h"
#include "map_cache.h"
#include "nonce_seq.h"
#include "ratelim.h"
#include "timeline.h"
#include "timer.h"

struct xtrd;
struct api;

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

/* MS: one xTR's registration of one EID prefix.  What a refresh reads
 * and writes comes first and the record's header and first locators right
 * after it (a few adjacent cache lines), the unused locator slots last. */
struct ms_reg {
	struct ms_reg	*next;
	struct ms_eid	*e;
	uint8_t		 xtr_id[LISP_XTR_ID_LEN];
	uint64_t	 site_id;
	uint64_t	 last_ms;
	uint32_t	 life_ms;	/* expires life_ms after last_ms */
	int		 site;		/* index in conf->site */
	uint16_t	 from_port;
	bool		 proxy_reply;
	bool		 merge;
	bool		 security;	/* S: the ETR does LISP-SEC (RFC 9303) */
	bool		 released;	/* the holder consents to a move */
	int16_t		 cover;		/* site eid[] it is a more-specific
					 * of, or -1 (the caps' count) */
	struct ipaddr	 from;		/* where the Map-Register came from:
					 * shown, never a forwarding target */
	struct timer	 expire;
	struct lisp_record rec;
	uint64_t	 first_ms;
};

/* RFC 9437: an ITR subscribed to an EID prefix. */
struct ms_sub {
	struct ms_sub	*next;
	struct ipaddr	 itr;
	uint16_t	 port;
	uint8_t		 xtr_id[LISP_XTR_ID_LEN];
	int		 site;		/* key used for its notifications, -1 */
	uint64_t	 since_ms;
	uint64_t	 last_ms;	/* subscribed again (refreshed) */
	uint64_t	 nonce;		/* RFC 9437 §5, §6: last one used */
};

struct ms_pending;

struct ms_eid {
	struct ipprefix	 eid;
	struct ms_reg	*regs;
	struct ms_sub	*subs;
	struct ms_pending *pending;	/* a move waiting for consent */
};

struct xtrd {
	struct xtr_conf	*conf;
	const char	*conf_path;
	int		 fd4, fd6;	/* UDP 4342 */
	int		 efd4, efd6;	/* the ETR's Map-Registers: random port */
	struct timer_heap timers;
	struct api	*api;
	uint64_t	 start_ms;
	uint8_t		 xtr_id[LISP_XTR_ID_LEN];
	struct ipaddr	 rx_dst;	/* where the datagram in hand came to */

	/* ETR */
	struct db_map	*db;
	struct timer	 db_gc;

	/* ITR */
	struct map_cache *mc;
	struct pend_index *pend;	/* outstanding Map-Requests */
	struct ratelim	*rl_mreq;	/* Map-Requests per EID prefix */
	struct ratelim	*rl_smr_in;	/* SMR-invoked requests per (source,
					 * EID) */
	struct tbtab	*smr_src;	/* SMRs received per source */
	struct ratelim	*rl_smr_out;	/* SMRs per destination and EID */
#define XTR_MREP_BURST	3
	struct ratelim	*rl_mrep[XTR_MREP_BURST]; /* Map-Replies per (RLOC,
					 * prefix): one slot per reply allowed */
	struct ratelim	*rl_probe;	/* RLOC-probes per (EID, RLOC) */
	struct tbucket	 smr_in_bucket;	/* all SMRs received */
	struct timer	 mc_expire;

	/* MS / MR */
	struct lpm	*ms_tab4, *ms_tab6;
	size_t		 ms_nreg;
};

extern struct xtrd	*xtrd_self;	/* for the API callbacks */

/* xtr_send() from the ETR's random-port socket (RFC 9301 §5.6). */
int	xtr_send_reg(struct xtrd *, const struct ipaddr *, uint16_t port,
	    const void *, size_t);

/* xtrd.c: xtr_send() queues (0, or -1 when it cannot); the loop sends
 * the queue with one sendmmsg() per turn, xtr_flush() at once. */
int	xtr_send(struct xtrd *, const struct ipaddr *, uint16_t port,
	    const void *, size_t);
void	xtr_flush(struct xtrd *);
/* The first of our RLOCs in family af, or NULL. */
const struct ipaddr *xtr_rloc(const struct xtrd *, int af);
void	xtr_hexid(const uint8_t *id, char *out);	/* out: 33 bytes */

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
struct db_map *etr_db_find(struct xtrd *, const struct ipprefix *);
struct db_map *etr_db_lookup(struct xtrd *, const struct ipaddr *);
void	etr_rx_map_notify(struct xtrd *, const uint8_t *, size_t,
	    const struct ipaddr *, uint16_t);
void	etr_fill_record(struct xtrd *, const struct xc_mapping *,
	    uint32_t ttl, struct lisp_record *);
void	etr_free(struct xtrd *);

/* lispsec_cp.c, lispsec_ms.c (RFC 9303 LISP-SEC) */
/* What an ETR (or the Map-Server for it) signs a Map-Reply with. */
struct sec_sign {
	bool		on;
	uint16_t	hmac_id;
	uint8_t		ms_otk[16];
	size_t		eid_ad_len;
	uint8_t		eid_ad[512];		/* LISP_SEC_MAX_AD */
};
/* A protected Map-Request at the Map-Resolver/Map-Server. */
struct sec_ms {
	bool		on;
	uint16_t	hmac_id, kdf_id;
	uint8_t		itr_otk[16], ms_otk[16];
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
/* -1 dropped (counted), 0 plain, 1 protected (s filled). */
int	sec_ms_open(struct xtrd *, const struct lisp_ecm *,
	    const struct lisp_map_request *, const char *from, struct sec_ms *);
int	sec_ms_signer(const struct sec_ms *, const struct lisp_addr *asked,
	    const struct ipprefix *auth, bool e_bit, struct sec_sign *);
/* The ECM to forward to r's ETR: protected if s->on, else without AD. */
ssize_t	sec_ms_forward(struct xtrd *, const struct sec_ms *,
	    const struct lisp_ecm *, const struct lisp_map_request *,
	    const struct ms_reg *r, const struct ipprefix *auth, bool e_bit,
	    uint8_t *, size_t);
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
int	itr_lig(struct xtrd *, const struct ipprefix *,
	    const struct ipaddr *mr, void *lig, uint64_t *nonce);
void	itr_lig_cancel(struct xtrd *, void *lig);
void	itr_rx_map_reply(struct xtrd *, const uint8_t *, size_t,
	    const struct ipaddr *);
/* Put an authenticated record into the map-cache (TTL 0 removes). */
void	itr_install(struct xtrd *, const struct lisp_record *,
	    const struct ipprefix *, const struct ipaddr *src, const char *why);
/* A Map-Request for p through the Map-Resolver whose answer goes to
 * etr_withdraw_checked(), not into the map-cache.  -1 if none can go. */
int	itr_withdraw_check(struct xtrd *, const struct ipprefix *);
/* RFC 9437 §5, §6, subscriber side: a Map-Notify about p with nonce
 * that is not for our own EIDs.  1: accept it (install, acknowledge): it
 * acknowledges one of our subscriptions, or is a publication whose nonce
 * is above the last one seen for the subscribed prefix; 0: drop it. */
int	itr_pubsub_notify(struct xtrd *, const struct ipprefix *p,
	    uint64_t nonce);
/* Map-Request skeleton: our RLOCs as ITR-RLOCs, one EID record. */
int	itr_build_request(struct xtrd *, const struct ipprefix *,
	    struct lisp_map_request *);
void	itr_free(struct xtrd *);

/* RFC 9301 §5.4: may a Map-Reply to `to` about `p` go now?  (ETR and
 * Map-Server; counts drop_map_reply_ratelimited when not.) */
bool	xtr_map_reply_allowed(struct xtrd *, const struct ipaddr *to,
	    const struct ipprefix *p);
/* One of our configured RLOCs. */
bool	xtr_is_our_rloc(const struct xtrd *, const struct ipaddr *);

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

/* ms_sites.c */
int	ms_site_for_eid(const struct xtr_conf *, const struct ipprefix *,
	    bool *more_specific);
/* 0 if site may register eid (exact, or more-specific when allowed). */
int	ms_site_allows(const struct xc_site *, const struct ipprefix *);
bool	ms_in_site_space(const struct xtr_conf *, const struct ipprefix *);
/* Another site than site has a configured prefix strictly inside p. */
bool	ms_covers_other_site(const struct xtr_conf *, int site,
	    const struct ipprefix *);
/* The index of site's configured prefix p is strictly inside, or -1. */
int	ms_site_cover(const struct xc_site *, const struct ipprefix *);

/* ms_register.c (RFC 9301 §8.2, draft-ietf-lisp-eid-mobility) */
int	ms_init(struct xtrd *);
void	ms_rx_map_register(struct xtrd *, const uint8_t *, size_t,
	    const struct ipaddr *, uint16_t);
void	ms_rx_map_notify_ack(struct xtrd *, const uint8_t *, size_t,
	    const struct ipaddr *);
struct ms_eid *ms_lookup(struct xtrd *, const struct ipaddr *,
	    struct ipprefix *matched);
struct ms_eid *ms_lookup_prefix(struct xtrd *, const struct ipprefix *);
int	ms_walk(struct xtrd *, int (*)(struct ms_eid *, void *), void *);
/* Merge the RLOCs of every registration into one record. */
void	ms_merged_record(const struct ms_eid *, struct lisp_record *);
/* Send a Map-Notify carrying rec to (to, port), keyed with site's key. */
int	ms_send_notify(struct xtrd *, int site, const struct lisp_record *,
	    const struct ipaddr *to, uint16_t port, uint64_t nonce,
	    const uint8_t *xtr_id);
/* The same, retransmitted until its Map-Notify-Ack (what: timeline name). */
/* nonce 0: a random one (RFC 9437 §5, §6 give pub/sub's) */
void	ms_notify_reliable(struct xtrd *, int site, const struct lisp_record *,
	    const struct ipaddr *to, uint16_t port, const uint8_t *xtr_id,
	    uint64_t nonce, const char *what);
void	ms_free(struct xtrd *);
/* Where a Map-Request for r's EID goes: an RLOC r registered (family af
 * first), never the source address of its Map-Register. */
const struct ipaddr *ms_reg_etr(const struct ms_reg *, int af);

/* Replace/merge rules, pure (unit-tested).  Applies registration nr (ttl
 * 0 withdraws) to e; registrations it displaces are unlinked onto *gone.
 * Returns 1 if the set of RLOCs answering for e changed, else 0; -1 if
 * out of memory.  nr is copied; *created gets the stored copy. */
int	msr_apply(struct ms_eid *e, const struct ms_reg *nr,
	    struct ms_reg **gone, struct ms_reg **stored);
bool	msr_same_rlocs(const struct lisp_record *, const struct lisp_record *);
/* What a registration takes from a Map-Register's record. */
void	msr_fill(struct ms_reg *, const struct lisp_map_register *,
	    const uint8_t *xtr_id, int site, const struct lisp_record *,
	    const struct ipaddr *from, uint16_t from_port, uint64_t now_ms);
/* The common refresh, msr_apply's fast path: e's only registration is
 * xtr_id's and rec (not a withdrawal) brings the same RLOCs.  That
 * registration, or NULL. */
struct ms_reg *msr_refresh_of(struct ms_eid *e, const uint8_t *xtr_id,
	    const struct lisp_record *rec);

/* RFC 9437 §4: what a Map-Request carries for pub/sub. */
struct pubsub_req {
	bool		xtr_id_present;	/* I bit: xTR-ID, Site-ID at the end */
	bool		notify;		/* N bit of the (first) EID record */
	uint8_t		xtr_id[LISP_XTR_ID_LEN];
	uint64_t	site_id;
};

/* mr_resolve.c (RFC 9301 §8.3, §8.4) */
void	mr_rx_ecm_request(struct xtrd *, const uint8_t *pkt, size_t len,
	    const struct lisp_ecm *, const struct lisp_map_request *,
	    const struct ipaddr *src, const struct pubsub_req *);

/* pubsub.c (RFC 9437) */
/* After decoding (the codec decodes the RFC 9437 fields: struct
 * lisp_map_request subscribe, rec[].notify, xtr_id, site_id): ps from the
 * request's I bit, first record's N bit and IDs. */
void	pubsub_parse_n(const uint8_t *, size_t, const struct lisp_map_request *,
	    struct pubsub_req *);
/* ITR side: add the I and N bits and our xTR-ID to an encoded request. */
ssize_t	pubsub_add(struct xtrd *, uint8_t *, size_t len, size_t cap,
	    const struct ipprefix *eid);
/* RFC 9437 §5: subscribe (or refresh) the xTR of req to e; false when
 * refused (authentication, replayed nonce).  Sends the acknowledging
 * Map-Notify. */
bool	pubsub_subscribe(struct xtrd *, struct ms_eid *,
	    const struct lisp_map_request *, const struct pubsub_req *,
	    const struct ipaddr *itr, uint16_t port);
/* RFC 9437 §5: req asks to unsubscribe (N set, one ITR-RLOC of AFI 0). */
bool	pubsub_is_unsubscribe(const struct lisp_map_request *,
	    const struct pubsub_req *);
/* ...do it for e (may be NULL: nothing to remove), notify src. */
void	pubsub_unsubscribe(struct xtrd *, struct ms_eid *,
	    const struct lisp_map_request *, const struct pubsub_req *,
	    const struct ipaddr *src);
void	pubsub_publish(struct xtrd *, struct ms_eid *);
/* A more-specific rec was registered inside e: tell e's subscribers. */
void	pubsub_publish_rec(struct xtrd *, struct ms_eid *,
	    const struct lisp_record *);

/* api.c */
struct api *api_start(struct xtrd *, const char *path);
int	api_fd(struct api *);
uint64_t api_timeout_ms(struct api *);
void	api_run(struct api *);
void	api_away_note(const struct ipprefix *, const struct ipaddr *, int n);
/* xtrd_state.c (issue 16, finding 8): the xTR-ID (*have_id) and away
 * entries of the last run, read before the drop; the away entries given
 * back after dp_init; written on change (xst_tick) and at the stop. */
void	xst_load(struct xtrd *, bool *have_id);
void	xst_restore(struct xtrd *);
void	xst_tick(struct xtrd *);
void	xst_save(struct xtrd *);
/* privdrop.c: run as user from here on (named: given, not the default) */
void	xtr_privdrop(struct xtrd *, const char *user, bool named);
/* privdrop.c: the named user and group exist (file:line errors) */
int	xtr_check_names(const char *path, const struct xtr_conf *, FILE *);
/* privdrop.c: control_socket_group on the API socket (0660) */
void	xtr_socket_share(struct xtrd *);
void	api_stop(struct api *);
/* A lig's Map-Reply arrived (rep) or timed out (rep NULL). */
void	api_lig_done(void *lig, const struct lisp_map_reply *rep,
	    const struct ipaddr *from, uint64_t rtt_ms);

#endif

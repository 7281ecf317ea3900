/*
 * ms_int.h: what the Map-Server's own files share (ms_register.c, the
 * guards of ms_guard.c, the move consent of ms_consent.c); nothing outside
 * xtr/ms/ includes it.
 */
#ifndef XTR_MS_INT_H
#define XTR_MS_INT_H

#include <stdio.h>

#include "lispsec.h"
#include "xtr/xtrd.h"
#include "xtr/ms/ms.h"

/* ms_guard.c: RFC 9301 §5.6, the last nonce of each (xTR-ID, site key) */
struct nonce_ent;
#define MS_NONCE_BUCKETS	4096

struct ms_guard {
	struct nonce_ent	*nonce_tab[MS_NONCE_BUCKETS];
	size_t			 nonce_n;
	/* registrations per site and per (site, configured prefix) they
	 * are a more-specific of: the caps */
	uint32_t		 site_nreg[XC_MAX_SITE];
	uint32_t		 cover_nreg[XC_MAX_SITE][XC_MAX_SITE_EID];
};

/* ms_journal.c: state_dir/ms.journal, appended to, flushed once a second */
struct ms_journal {
	FILE			*f;
	char			 path[XC_PATH_MAX + 16];
	struct timer		 flush_t;
	bool			 dirty;
	size_t			 written, snap_size;
};

/* What one message's handling builds in place: too large for the stack
 * (a Map-Register holds LISP_MAX_RECORDS records).  One member per user,
 * so that a handler that calls another (a Map-Register that sends a
 * mobility Map-Notify) never shares one. */
struct ms_scratch {
	struct lisp_map_register reg;		/* ms_rx_map_register */
	uint8_t			 reg_notify[LISP_MAX_MSG]; /* its Map-Notify */
	struct lisp_map_register notify;	/* ms_send_notify */
	uint8_t			 notify_buf[LISP_MAX_MSG];
	struct lisp_map_register ack;		/* ms_rx_map_notify_ack */
	struct lisp_map_register pending;	/* ms_pending_try */
	struct lisp_map_reply	 reply;		/* mr_resolve.c send_reply */
	uint8_t			 reply_buf[LISP_MAX_MSG];
	uint8_t			 fwd[LISP_MAX_MSG]; /* mr_rx_ecm_request */
	uint8_t			 sec_ad[LISP_SEC_MAX_AD]; /* sec_ms_forward */
};

/*
 * The Map-Server's and Map-Resolver's state, struct xtrd's ms: made by
 * ms_init(), freed by ms_free(); nothing of it is a file static.
 */
/* The tries of one Instance-ID (RFC 8060 §4.1): longest match, walks. */
struct ms_iid_tabs {
	uint32_t		 iid;
	struct lpm		*t4, *t6;
};

struct ms_state {
	/* tabs[0] is Instance-ID 0's (ms_init); another IID's is made by
	 * its first registration: only site prefixes' IIDs get one */
	struct ms_iid_tabs	*tabs;
	size_t			 ntabs;
	struct ms_index		*ix;		/* exact prefix (ms_index.c) */
	size_t			 nreg;		/* registrations held */
	struct notify_tx	*notifies;	/* MS-initiated, not acked */
	/* each site's key, keyed once for HMAC (lisp_auth_key_set()
	 * re-keys when a reload changed it) */
	struct lisp_auth_key	 site_keys[XC_MAX_SITE];
	struct ms_guard		 guard;
	struct ms_journal	 j;
	struct ms_scratch	 scratch;
};

/* apply a record: 0 unchanged, 1 changed, MS_APPLY_REFUSED refused or
 * waiting (no Map-Notify), -1 out of memory */
#define MS_APPLY_REFUSED	2

/* ms_register.c */
/* site's key, keyed for HMAC (re-keyed when a reload changed it). */
struct lisp_auth_key *ms_site_key(struct xtrd *, int site);
/* The trie of (iid, af), or NULL when that IID has none (or af is not
 * IPv4/IPv6). */
struct lpm *ms_tab(struct xtrd *, uint32_t iid, int af);
int	ms_apply_at(struct xtrd *, int site, const struct lisp_map_register *,
	    const struct lisp_record *, const struct ipaddr *src,
	    uint16_t sport);
/* Free e if nothing holds it any more (registrations, subscribers, a
 * pending move); 1 if freed. */
int	ms_eid_gc(struct xtrd *, struct ms_eid *);

/* ms_notify.c: the unacknowledged Map-Notifies, freed */
void	ms_notify_free(struct xtrd *);

/* ms_guard.c: RFC 9301 §5.6 nonces, caps (issue 15 findings 1, 7) */
int	ms_nonce_check(struct xtrd *, const uint8_t *id, int site,
	    uint8_t key_id, uint64_t nonce, const struct ipaddr *src);
void	ms_nonce_dump(struct xtrd *, FILE *);
void	ms_reg_count(struct xtrd *, const struct ms_reg *, int d);
int	ms_reg_cap(struct xtrd *, int site, uint32_t iid,
	    const struct ipprefix *, int *cover, enum cnt *why);
uint32_t ms_site_nreg(struct xtrd *, int site);
int	ms_site_by_name(struct xtrd *, const char *);
void	ms_guard_free(struct xtrd *);

/* ms_consent.c: move authorization (move_consent) */
bool	ms_rec_released(const struct lisp_record *);
struct ms_reg *ms_move_blocker(struct xtrd *, struct ms_eid *,
	    const uint8_t *xtr_id, bool merge, const struct lisp_record *,
	    uint64_t now, uint64_t *until);
void	ms_pending_set(struct xtrd *, struct ms_eid *, int site,
	    const struct lisp_map_register *, const uint8_t *xtr_id,
	    const struct lisp_record *, const struct ipaddr *src,
	    uint16_t sport, uint64_t until);
int	ms_pending_try(struct xtrd *, struct ms_eid *);
/* The pending move of e, if xtr_id's (its taker gave up), or any (e is
 * freed): dropped. */
void	ms_pending_drop(struct xtrd *, struct ms_eid *, const uint8_t *xtr_id);
const uint8_t *ms_pending_xtr_id(const struct ms_eid *);

#endif

/*
 * ms.h: the Map-Server and Map-Resolver (RFC 9301 §8, RFC 9437 pub/sub,
 * draft-ietf-lisp-eid-mobility).  ms_rules.c and ms_sites.c are pure (no
 * xtrd state): they need this header and the configuration only.
 * Below it: xtr/ and the ETR (xtr/cp/cp.h: a Map-Resolver that is also the
 * ETR of an EID answers from its database).
 */
#ifndef XTR_MS_MS_H
#define XTR_MS_MS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "addr.h"
#include "lisp.h"
#include "xtr/config.h"
#include "xtr/timer.h"

struct xtrd;
struct lisp_ecm;

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

/* One EID-prefix of one Instance-ID (RFC 8060 §4.1): the key of the
 * tables, the index and the journal is (iid, eid). */
struct ms_eid {
	struct ipprefix	 eid;
	uint32_t	 iid;
	struct ms_reg	*regs;
	struct ms_sub	*subs;
	struct ms_pending *pending;	/* a move waiting for consent */
	struct xtrd	*x;		/* whose timers its registrations use */
};

/* The Instance-ID an EID-record's address names: its IID LCAF's (RFC
 * 8060 §4.1), 0 without one. */
static inline uint32_t
ms_addr_iid(const struct lisp_addr *a)
{
	return a->has_iid ? a->iid : 0;
}

/* ms_sites.c: every prefix is one of Instance-ID iid */
int	ms_site_for_eid(const struct xtr_conf *, uint32_t iid,
	    const struct ipprefix *, bool *more_specific);
/* 0 if site may register eid (exact, or more-specific when allowed). */
int	ms_site_allows(const struct xc_site *, uint32_t iid,
	    const struct ipprefix *);
bool	ms_in_site_space(const struct xtr_conf *, uint32_t iid,
	    const struct ipprefix *);
/* Another site than site has a configured prefix strictly inside p. */
bool	ms_covers_other_site(const struct xtr_conf *, int site, uint32_t iid,
	    const struct ipprefix *);
/* The index of site's configured prefix p is strictly inside, or -1. */
int	ms_site_cover(const struct xc_site *, uint32_t iid,
	    const struct ipprefix *);

/* ms_register.c (RFC 9301 §8.2, draft-ietf-lisp-eid-mobility) */
int	ms_init(struct xtrd *);
void	ms_rx_map_register(struct xtrd *, const uint8_t *, size_t,
	    const struct ipaddr *, uint16_t);
void	ms_rx_map_notify_ack(struct xtrd *, const uint8_t *, size_t,
	    const struct ipaddr *);
/* Longest match of a in Instance-ID iid; exact prefix p in iid. */
struct ms_eid *ms_lookup(struct xtrd *, uint32_t iid, const struct ipaddr *,
	    struct ipprefix *matched);
struct ms_eid *ms_lookup_prefix(struct xtrd *, uint32_t iid,
	    const struct ipprefix *);
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
/* Registrations held (all sites, all xTRs). */
size_t	ms_nreg(const struct xtrd *);
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

/* lispsec_ms.c (RFC 9303 LISP-SEC), Map-Resolver/Map-Server side */
/* A protected Map-Request at the Map-Resolver/Map-Server. */
struct sec_ms {
	bool		on;
	uint16_t	hmac_id, kdf_id;
	uint8_t		itr_otk[16], ms_otk[16];
};
struct sec_sign;
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

#endif

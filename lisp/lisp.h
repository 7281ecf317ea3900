/*
 * lisp.h: the LISP wire format shared by xtrd, its Map-Server role and the
 * tests.  Control messages per RFC 9301 §5, the data-plane header per
 * RFC 9300 §5.3, the Instance-ID LCAF per RFC 8060 §4.1.
 *
 * Decoders read through a struct cur (common/cursor.h) and never cast a
 * packed struct onto a buffer.  Each returns 0, or -1 with *why set to the
 * named reason (enum lisp_err) that the daemons count; lisp_err_name()
 * gives the name used in counters and logs.  Encoders return the encoded
 * length, or -1 when a value is out of range or the buffer is too small.
 * A decoder zeroes the fields it owns but not the array slots past a
 * count (rec[] past nrec in a Map-Register, Notify or Reply, loc[] past
 * nloc in a record): read only up to the count, and compare decoded
 * structs field by field or after zeroing them yourself.
 *
 * Limits below are ours, not the protocol's: a message that carries more
 * records or locators than we keep is rejected as LERR_TOO_MANY_*, never
 * silently truncated.
 */
#ifndef MIG_LISP_H
#define MIG_LISP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "addr.h"
#include "cursor.h"

#define LISP_DATA_PORT		4341
#define LISP_CONTROL_PORT	4342

#define LISP_MAX_RECORDS	32	/* EID records in one message */
#define LISP_MAX_LOCATORS	16	/* locators in one EID record */
#define LISP_MAX_ITR_RLOCS	32	/* IRC + 1: RFC 9301 §5.2 "up to 31,
					 * which encodes a total of 32" */
#define LISP_MAX_AUTH_LEN	32	/* the longest: HMAC-SHA-256 in full */
#define LISP_XTR_ID_LEN		16
#define LISP_MAX_MSG		9000

/* RFC 9301 §5.1: message types */
enum lisp_type {
	LISP_MAP_REQUEST	= 1,
	LISP_MAP_REPLY		= 2,
	LISP_MAP_REGISTER	= 3,
	LISP_MAP_NOTIFY		= 4,
	LISP_MAP_NOTIFY_ACK	= 5,
	LISP_ECM		= 8,
};

/* Address Family Identifiers (IANA) and LCAF, RFC 8060 */
#define LISP_AFI_NONE		0
#define LISP_AFI_IPV4		1
#define LISP_AFI_IPV6		2
#define LISP_AFI_LCAF		16387
#define LCAF_TYPE_IID		2

/* RFC 9301 §5.4: Map-Reply record ACT field (negative Map-Reply actions) */
enum lisp_action {
	LISP_ACT_NO_ACTION	= 0,
	LISP_ACT_NATIVE_FWD	= 1,
	LISP_ACT_SEND_MAP_REQ	= 2,
	LISP_ACT_DROP_NO_REASON	= 3,
	LISP_ACT_DROP_POLICY	= 4,
	LISP_ACT_DROP_AUTH	= 5,
};

/* Authentication algorithms (RFC 9301 §5.6 Algorithm ID, §12.5; the same
 * value as the 16-bit Key ID of RFC 6833, which deployed implementations
 * send).  RFC 9301 names 1 and 2 HMAC-SHA-1-96 and HMAC-SHA-256-128 (12
 * and 16 bytes); every deployed implementation sends the full HMAC output
 * instead, 20 and 32 bytes, and so do we (docs/interop.md).  3 has no
 * deployed reading to follow: RFC 9301's, 16 bytes (auth.c). */
enum lisp_auth_alg {
	LISP_AUTH_NONE		= 0,
	LISP_AUTH_HMAC_SHA1	= 1,	/* 20 bytes */
	LISP_AUTH_HMAC_SHA256	= 2,	/* 32 bytes */
	LISP_AUTH_HMAC_SHA256_HKDF = 3,	/* 16 bytes, per-message key */
};

/* Why a decoder or a check refused a message: one counter each. */
enum lisp_err {
	LERR_OK = 0,
	LERR_TRUNCATED,		/* ends before a field it announced */
	LERR_BAD_TYPE,		/* type field not the one expected */
	LERR_BAD_AFI,		/* unknown AFI where a known one is required */
	LERR_LCAF_OVERRUN,	/* LCAF length past its container */
	LERR_LCAF_TYPE,		/* LCAF type we do not handle */
	LERR_BAD_PLEN,		/* mask length larger than the family allows */
	LERR_TOO_MANY_RECORDS,
	LERR_TOO_MANY_LOCATORS,
	LERR_TOO_MANY_ITR_RLOCS,
	LERR_NO_RECORDS,	/* record count 0 where one is required */
	LERR_TRAILING,		/* bytes after the last field */
	LERR_AUTH_LEN,		/* auth data length does not match the alg */
	LERR_AUTH_ALG,		/* unknown algorithm */
	LERR_AUTH_FAIL,		/* HMAC mismatch */
	LERR_BAD_INNER,		/* ECM inner IP/UDP header invalid */
	LERR_BAD_FLAGS,		/* flag combination the RFC forbids */
	/* RFC 9303 LISP-SEC (lisp/lispsec.h) */
	LERR_SEC_AD,		/* Authentication Data malformed */
	LERR_SEC_ALG,		/* HMAC, KDF or key-wrap ID we do not do */
	LERR_SEC_UNWRAP,	/* OTK unwrap failed (§6.5: wrong key/IV) */
	LERR_SEC_EID_HMAC,	/* EID HMAC wrong (§6.9) */
	LERR_SEC_PKT_HMAC,	/* PKT HMAC wrong (§6.9) */
	LERR_SEC_MISSING,	/* no LISP-SEC where it is required */
	LERR_SEC_SCOPE,		/* record outside the EID-AD prefixes (§6.9) */
	LERR__COUNT
};

const char	*lisp_err_name(enum lisp_err);

/*
 * An address as LISP carries it: AFI 0 (none), IPv4 or IPv6, optionally
 * wrapped in an Instance-ID LCAF (RFC 8060 §4.1).
 */
struct lisp_addr {
	struct ipaddr	ip;		/* af AF_UNSPEC for AFI 0 */
	bool		has_iid;
	uint32_t	iid;		/* 24 bits used (RFC 8060 §4.1) */
	uint8_t		iid_mask_len;	/* LCAF IID mask-len field */
};

/* RFC 9301 §5.4: locator record */
struct lisp_locator {
	uint8_t		priority;	/* 255: do not use for unicast */
	uint8_t		weight;
	uint8_t		mpriority;
	uint8_t		mweight;
	bool		local;		/* L */
	bool		probed;		/* p */
	bool		reachable;	/* R */
	struct lisp_addr rloc;
};

/* RFC 9301 §5.4: EID record (same layout in Reply, Register and Notify) */
struct lisp_record {
	uint32_t	ttl;		/* minutes; 0 in a Register withdraws */
	uint8_t		eid_plen;
	uint8_t		action;		/* enum lisp_action, 3 bits */
	bool		authoritative;	/* A */
	uint16_t	map_version;	/* 12 bits */
	struct lisp_addr eid;
	uint8_t		nloc;
	struct lisp_locator loc[LISP_MAX_LOCATORS];
};

/* RFC 9301 §5.3: Map-Request, with RFC 9437 §4's pub/sub fields */
struct lisp_map_request {
	bool		auth;		/* A */
	bool		map_data;	/* M: Map-Reply record present */
	bool		probe;		/* P: RLOC-probe */
	bool		smr;		/* S: Solicit-Map-Request */
	bool		pitr;		/* p: sent by a PITR */
	bool		smr_invoked;	/* s: sent because of an SMR */
	bool		l_bit;		/* L: local xTR (RFC 9301 §5.3) */
	bool		dont_map_reply;	/* D */
	bool		subscribe;	/* I (RFC 9437): xTR-ID, Site-ID follow */
	uint64_t	nonce;
	struct lisp_addr source_eid;
	uint8_t		nitr;		/* IRC + 1 */
	struct lisp_addr itr_rloc[LISP_MAX_ITR_RLOCS];
	uint8_t		nrec;
	struct {
		bool		 notify;	/* N (RFC 9437): subscribe */
		uint8_t		 plen;
		struct lisp_addr eid;
	}		rec[LISP_MAX_RECORDS];
	struct lisp_record map_reply;	/* valid when map_data */
	uint8_t		xtr_id[LISP_XTR_ID_LEN];	/* when subscribe */
	uint64_t	site_id;			/* when subscribe */
};

/* RFC 9301 §5.4: Map-Reply */
struct lisp_map_reply {
	bool		probe;		/* P */
	bool		echo_nonce;	/* E */
	bool		security;	/* S */
	uint64_t	nonce;
	uint8_t		nrec;
	/* with S: where the LISP-SEC Map-Reply AD starts (RFC 9303 §6.2:
	 * after the records), for lisp_sec_verify_map_reply(); the encoder
	 * writes no AD (lisp_sec_sign_map_reply() appends it) */
	size_t		sec_ad_off;
	struct lisp_record rec[LISP_MAX_RECORDS];
};

/*
 * RFC 9301 §5.6 / §5.7: Map-Register, Map-Notify and Map-Notify-Ack share
 * this layout.  auth_off and auth_len locate the authentication data in
 * the decoded buffer, for lisp_auth_verify().
 */
struct lisp_map_register {
	uint8_t		type;		/* LISP_MAP_REGISTER, _NOTIFY, _NOTIFY_ACK */
	bool		proxy_reply;	/* P */
	bool		security;	/* S */
	bool		xtr_id_present;	/* I: xTR-ID and site-ID follow */
	bool		ttl_tbd;	/* T: registration TTL field (RFC 9301 §5.6) */
	bool		merge_req;	/* a: merge request (RFC 9301 §5.6) */
	/* bit 22: RFC 9301 §5.6's reserved R ("MUST be set to 0 on
	 * transmit and MUST be ignored on receipt"; older drafts' m, mobile
	 * node): decoded only to show what came, never encoded */
	bool		rsvd_r;
	bool		want_notify;	/* M */
	uint64_t	nonce;
	uint8_t		key_id;		/* RFC 9301 Key ID */
	uint8_t		alg_id;		/* enum lisp_auth_alg */
	uint16_t	auth_len;
	uint8_t		auth[LISP_MAX_AUTH_LEN];
	size_t		auth_off;	/* set by the decoder */
	uint8_t		nrec;
	struct lisp_record rec[LISP_MAX_RECORDS];
	uint8_t		xtr_id[LISP_XTR_ID_LEN];
	uint64_t	site_id;
};

/* RFC 9301 §5.8: Encapsulated Control Message outer header + inner IP/UDP */
struct lisp_ecm {
	bool		security;	/* S */
	bool		ddt;		/* D */
	/* RFC 9301 §12.6 Table 9 (§5.8's figure still shows them as R R) */
	bool		e_bit;		/* E (bit 6): forward to ETR */
	bool		m_bit;		/* M (bit 7): destined to Map-Server */
	struct ipaddr	inner_src;
	struct ipaddr	inner_dst;
	uint16_t	inner_sport;
	uint16_t	inner_dport;
	uint8_t		inner_ttl;
	/* with S: the LISP-SEC ECM Authentication Data (RFC 9303 §6.1,
	 * lisp/lispsec.h), into the buffer; the encoder copies it */
	const uint8_t	*sec_ad;
	size_t		sec_ad_len;
	const uint8_t	*payload;	/* the inner LISP message (into the buffer) */
	size_t		payload_len;
};

/* RFC 9300 §5.3: LISP data header (8 bytes after the outer UDP header) */
struct lisp_data_hdr {
	bool		n;		/* nonce present */
	bool		l;		/* locator-status-bits valid */
	bool		e;		/* echo-nonce request */
	bool		v;		/* map-version present (excludes N) */
	bool		i;		/* instance-ID present */
	uint32_t	nonce;		/* 24 bits, when N */
	uint16_t	src_map_version;/* 12 bits, when V */
	uint16_t	dst_map_version;/* 12 bits, when V */
	uint32_t	iid;		/* 24 bits, when I */
	uint32_t	lsb;		/* 32 bits, or 8 when I */
};
#define LISP_DATA_HDR_LEN	8

/* What type a control message is, without decoding it (-1 if empty). */
int	lisp_msg_type(const uint8_t *, size_t);

int	lisp_decode_map_request(const uint8_t *, size_t,
	    struct lisp_map_request *, enum lisp_err *);
ssize_t	lisp_encode_map_request(const struct lisp_map_request *,
	    uint8_t *, size_t);

int	lisp_decode_map_reply(const uint8_t *, size_t,
	    struct lisp_map_reply *, enum lisp_err *);
ssize_t	lisp_encode_map_reply(const struct lisp_map_reply *,
	    uint8_t *, size_t);

/* Map-Register / Map-Notify / Map-Notify-Ack.  The encoder computes the
 * HMAC with key (keylen bytes) when r->alg_id != NONE; auth_len is set
 * from the algorithm.  The decoder does not verify: call lisp_auth_verify
 * once the key for the record's site is known. */
int	lisp_decode_map_register(const uint8_t *, size_t,
	    struct lisp_map_register *, enum lisp_err *);
ssize_t	lisp_encode_map_register(const struct lisp_map_register *,
	    const void *key, size_t keylen, uint8_t *, size_t);

int	lisp_decode_ecm(const uint8_t *, size_t, struct lisp_ecm *,
	    enum lisp_err *);
/* Wraps an already-encoded inner message. */
ssize_t	lisp_encode_ecm(const struct lisp_ecm *, const uint8_t *inner,
	    size_t inner_len, uint8_t *, size_t);

int	lisp_decode_data_hdr(const uint8_t *, size_t, struct lisp_data_hdr *,
	    enum lisp_err *);
ssize_t	lisp_encode_data_hdr(const struct lisp_data_hdr *, uint8_t *, size_t);

/* Records and addresses, for code that builds messages piecewise. */
int	lisp_decode_addr(struct cur *, struct lisp_addr *, enum lisp_err *);
int	lisp_encode_addr(struct wbuf *, const struct lisp_addr *);
int	lisp_decode_record(struct cur *, struct lisp_record *, enum lisp_err *);
int	lisp_encode_record(struct wbuf *, const struct lisp_record *);
/* dst = src, copying only the nloc locators in use (~40 bytes each
 * instead of the whole 600-byte struct); loc[] past nloc is left alone. */
void	lisp_record_copy(struct lisp_record *dst, const struct lisp_record *src);
/* RFC 9301 §5.5: locators in ascending address order, IPv4 first. */
void	lisp_record_sort_locators(struct lisp_record *);

/* HMAC over the message with the authentication field zeroed (RFC 9301
 * §5.6), OpenSSL libcrypto.  Expected length per alg: 20 or 32. */
size_t	lisp_auth_len(uint8_t alg);
/* 1 if a received message may carry len bytes of authentication data for
 * alg: what we send, or RFC 9301's truncated HMAC (auth.c). */
int	lisp_auth_len_ok(uint8_t alg, size_t len);
int	lisp_auth_compute(uint8_t alg, const void *key, size_t keylen,
	    const uint8_t *msg, size_t len, size_t auth_off, uint8_t *out);
/* Constant-time compare; 0 if the message's auth data is right. */
int	lisp_auth_verify(uint8_t alg, const void *key, size_t keylen,
	    const uint8_t *msg, size_t len, size_t auth_off, size_t auth_len);

/*
 * A key prepared once for many messages: the HMAC context is keyed at
 * lisp_auth_key_set() and only restarted per message, which is what makes
 * a Map-Server's per-message cost the HMAC itself.  Start from a zeroed
 * struct; _set() with the same alg and key again is a cheap no-op, so a
 * caller may call it before every use to follow a reloaded key.  Not for
 * use from two threads at once.
 */
struct lisp_auth_key {
	uint8_t		 alg;		/* enum lisp_auth_alg */
	void		*ctx;		/* EVP_MAC_CTX keyed; NULL: not set */
	uint8_t		*key;		/* copy, to notice a changed key */
	size_t		 keylen;
};
int	lisp_auth_key_set(struct lisp_auth_key *, uint8_t alg,
	    const void *key, size_t keylen);
void	lisp_auth_key_free(struct lisp_auth_key *);
int	lisp_auth_compute_key(struct lisp_auth_key *, const uint8_t *msg,
	    size_t len, size_t auth_off, uint8_t *out);
int	lisp_auth_verify_key(struct lisp_auth_key *, const uint8_t *msg,
	    size_t len, size_t auth_off, size_t auth_len);
/* lisp_encode_map_register() with a prepared key (k->alg must equal
 * r->alg_id unless that is LISP_AUTH_NONE; k may then be NULL). */
ssize_t	lisp_encode_map_register_key(const struct lisp_map_register *,
	    struct lisp_auth_key *k, uint8_t *, size_t);

/* Random 64-bit nonce (getrandom). */
uint64_t lisp_nonce(void);

#endif

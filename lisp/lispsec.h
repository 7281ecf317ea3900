/*
 * lispsec.h: LISP-SEC (RFC 9303): the Authentication Data an Encapsulated
 * Control Message carries with its S bit (§6.1: OTK-AD and EID-AD), the
 * one a Map-Reply carries with its S bit (§6.2: EID-AD and PKT-AD), and
 * the key handling around them (§6.5 OTK wrapping, §6.7.1 MS-OTK
 * derivation, the HMACs of §6.7.1 and §6.8).
 *
 * Codec (lispsec.c) and crypto (lispsec_crypto.c) are apart: the ECM
 * decoder finds the inner header past the AD without linking libcrypto.
 *
 * Choices the RFC leaves open, made here and documented in xtrd.conf(5):
 * - OTK Length (§6.1 "the length (in bytes) of the OTK-AD") counts, like
 *   EID-AD Length (4 for the ITR's KDF-ID-only EID-AD, §6.1), its own
 *   4-byte row: 28 for a 128-bit OTK.  A peer reading "the OTK Preamble
 *   and the OTK" sends 24; both are accepted, 28 is sent.  PKT-AD Length
 *   likewise: 4 + HMAC length sent, the HMAC length alone accepted.
 * - KDF (§6.7.1, §8.5): MS-OTK = HKDF(salt none, IKM = ITR-OTK, info
 *   none, L = 16) with SHA-256 (KDF ID 2) or SHA-1 (KDF ID 1).
 * - Key wrap (§6.5 step 4): per-msg-key = HKDF-SHA256(salt none, IKM =
 *   nonce (8 bytes, network order) + "OTK-Key-Wrap" + PSK[Key ID], info
 *   none, L = 16), then RFC 3394 AES key wrap, IV 0xA6A6A6A6A6A6A6A6.
 * - §6.9 says the ITR zeroes "the 'EID HMAC ID' field" before computing
 *   the EID HMAC, §6.7.1 that the Map-Server computed it with "the 'EID
 *   HMAC' field ... set to 0": the ITR must recompute what the Map-Server
 *   computed, so both zero the EID HMAC field (the ID stays).
 */
#ifndef MIG_LISP_SEC_H
#define MIG_LISP_SEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lisp.h"

#define LISP_SEC_AD_TYPE	1	/* §8.1 LISP-SEC-ECM-EXT, §8.2 -MR-EXT */
#define LISP_SEC_OTK_LEN	16	/* 128-bit OTKs only (§6.5) */
#define LISP_SEC_PREAMBLE_LEN	8
#define LISP_SEC_OTK_AD_LEN	28	/* OTK Length row + preamble + OTK */
#define LISP_SEC_MAX_EID_RECS	8	/* ours: EID-Prefixes in one EID-AD */
#define LISP_SEC_MAX_HMAC	16
#define LISP_SEC_MAX_AD		512	/* ours: bound on any AD we build */

/* §8.3: HMAC IDs (Requested, EID and PKT HMAC ID) */
enum lisp_sec_hmac {
	LISP_SEC_HMAC_NOPREF		= 0,
	LISP_SEC_HMAC_SHA1_96		= 1,	/* 12 bytes */
	LISP_SEC_HMAC_SHA256_128	= 2,	/* 16 bytes, MUST (§6) */
};

/* §8.5: KDF IDs */
enum lisp_sec_kdf {
	LISP_SEC_KDF_NOPREF		= 0,
	LISP_SEC_KDF_HKDF_SHA1_128	= 1,
	LISP_SEC_KDF_HKDF_SHA256	= 2,	/* MUST (§6.9) */
};

/* §8.4: OTK Wrapping IDs */
enum lisp_sec_wrap {
	LISP_SEC_WRAP_NULL		= 1,	/* NULL-KEY-WRAP-128 */
	LISP_SEC_WRAP_AES_HKDF_SHA256	= 2,	/* AES-KEY-WRAP-128+HKDF-SHA256 */
};

/* §6.1 / §6.2: EID-AD.  Without records it is the ITR's 4-byte form:
 * EID-AD Length 4 and the KDF ID, nothing else. */
struct lisp_sec_eid_ad {
	uint16_t	kdf_id;		/* enum lisp_sec_kdf */
	bool		has_records;
	bool		e_bit;		/* ETR-Cant-Sign (§6.1) */
	uint16_t	hmac_id;	/* EID HMAC ID */
	uint8_t		nrec;
	struct {
		uint8_t		 plen;
		struct lisp_addr eid;
	}		rec[LISP_SEC_MAX_EID_RECS];
	uint8_t		hmac[LISP_SEC_MAX_HMAC];	/* EID HMAC */
	/* set by the decoder: the EID-AD's bytes in the decoded buffer and
	 * the EID HMAC's offset in them (0 without records) */
	const uint8_t	*raw;
	size_t		raw_len;
	size_t		hmac_off;
};

/* §6.1: ECM Authentication Data */
struct lisp_sec_ecm_ad {
	uint16_t	req_hmac_id;	/* Requested HMAC ID */
	uint8_t		key_id;		/* PSK[Key ID] (8 bits, §6.5 step 3) */
	uint8_t		wrap_id;	/* OTK Wrapping ID (8 bits, §6.1) */
	uint8_t		preamble[LISP_SEC_PREAMBLE_LEN];
	uint8_t		otk[LISP_SEC_OTK_LEN];	/* as carried: wrapped or not */
	struct lisp_sec_eid_ad eid;
};

/* §6.2: Map-Reply Authentication Data */
struct lisp_sec_mrep_ad {
	struct lisp_sec_eid_ad eid;
	uint16_t	pkt_hmac_id;
	uint8_t		pkt_hmac[LISP_SEC_MAX_HMAC];
	size_t		pkt_hmac_off;	/* from the start of the AD */
};

/* --- codec (lispsec.c) --------------------------------------------------- */

/* HMAC output length for an HMAC ID, 0 if not one we know. */
size_t	lisp_sec_hmac_len(uint16_t hmac_id);
/* The ID asked for if we do it, else the one every implementation must
 * (HMAC-SHA-256-128, HKDF-SHA256). */
uint16_t lisp_sec_pick_hmac(uint16_t asked);
uint16_t lisp_sec_pick_kdf(uint16_t asked);

/* Bytes the ECM AD at the cursor takes (so the ECM decoder can find the
 * inner header), without decoding it; -1 with *why if malformed. */
int	lisp_sec_ecm_ad_span(const struct cur *, size_t *len, enum lisp_err *);

int	lisp_sec_decode_ecm_ad(const uint8_t *, size_t,
	    struct lisp_sec_ecm_ad *, enum lisp_err *);
/* The EID HMAC is written as ad->eid.hmac; *eid_off (may be NULL) gets
 * the EID-AD's offset in the output, for signing it afterwards. */
ssize_t	lisp_sec_encode_ecm_ad(const struct lisp_sec_ecm_ad *, uint8_t *,
	    size_t, size_t *eid_off);

/* The Map-Reply AD from the end of a Map-Reply: ad_off is where the
 * records end (struct lisp_map_reply's sec_ad_off). */
int	lisp_sec_decode_mrep_ad(const uint8_t *, size_t,
	    struct lisp_sec_mrep_ad *, enum lisp_err *);

/* EID-AD alone, at w's end; *hmac_off gets the EID HMAC's offset from
 * the EID-AD's first byte.  The HMAC is written as e->hmac. */
int	lisp_sec_encode_eid_ad(struct wbuf *, const struct lisp_sec_eid_ad *,
	    size_t *hmac_off);

/*
 * §6.9: may the ITR use a Map-Reply record for eid/plen?  1 if one of
 * the EID-AD's prefixes covers it (equal or less specific), else 0: the
 * record MUST then be discarded and logged.  §6.9 words the test as a
 * non-empty intersection with the record cut to it; its own example
 * (§6.9.1) discards 2001:db8:200::/40 although it meets the authorized
 * 2001:db8:203::/48, as an overclaim.  We follow the example: a record
 * wider than what the Map-Server authorized is refused, not narrowed.
 */
int	lisp_sec_authorized(const struct lisp_sec_eid_ad *,
	    const struct lisp_addr *eid, uint8_t plen);
/* The index in rec[] of the EID-AD prefix that covers eid/plen, or -1. */
int	lisp_sec_authorizing(const struct lisp_sec_eid_ad *,
	    const struct lisp_addr *eid, uint8_t plen);

/* --- crypto (lispsec_crypto.c) ------------------------------------------ */

/* HMAC of msg with hmac_len(hmac_id) bytes at zero_off taken as zero,
 * truncated to the ID's length (§6.7.1, §6.8). */
int	lisp_sec_hmac(uint16_t hmac_id, const void *key, size_t keylen,
	    const uint8_t *msg, size_t len, size_t zero_off, uint8_t *out);
/* 0 if the HMAC at zero_off is right, constant time. */
int	lisp_sec_hmac_verify(uint16_t hmac_id, const void *key, size_t keylen,
	    const uint8_t *msg, size_t len, size_t zero_off);

/* §6.7.1: MS-OTK from the ITR-OTK with a KDF ID (1 or 2). */
int	lisp_sec_kdf(uint16_t kdf_id, const uint8_t itr_otk[LISP_SEC_OTK_LEN],
	    uint8_t ms_otk[LISP_SEC_OTK_LEN]);

/* §6.5: wrap / unwrap an OTK into the ECM AD (preamble and otk) with
 * the Map-Request's nonce and PSK[Key ID].  Unwrap fails (-1) for a
 * bad integrity check value (§6.5: the message MUST be discarded), and
 * for NULL-KEY-WRAP-128 unless allow_null (we have no DTLS, §6.4). */
int	lisp_sec_wrap(struct lisp_sec_ecm_ad *, uint64_t nonce,
	    const void *psk, size_t psklen, const uint8_t otk[LISP_SEC_OTK_LEN]);
int	lisp_sec_unwrap(const struct lisp_sec_ecm_ad *, uint64_t nonce,
	    const void *psk, size_t psklen, bool allow_null,
	    uint8_t otk[LISP_SEC_OTK_LEN]);

/* A fresh random OTK (§7.2: RAND_bytes). */
int	lisp_sec_new_otk(uint8_t otk[LISP_SEC_OTK_LEN]);

/*
 * §6.8 / §6.7.2: sign a Map-Reply.  buf holds len bytes of an encoded
 * Map-Reply whose S bit is set; the AD (type, the EID-AD copied as given,
 * the PKT-AD) is appended and the PKT HMAC keyed with ms_otk computed
 * over the whole.  Returns the new length or -1.
 */
ssize_t	lisp_sec_sign_map_reply(uint8_t *buf, size_t len, size_t cap,
	    const uint8_t *eid_ad, size_t eid_ad_len, uint16_t pkt_hmac_id,
	    const uint8_t ms_otk[LISP_SEC_OTK_LEN]);

/*
 * §6.9: check a Map-Reply's AD against the ITR-OTK kept for its nonce.
 * buf/len is the whole Map-Reply, ad_off where its AD starts.  The EID
 * HMAC (keyed with the ITR-OTK) and the PKT HMAC (keyed with the MS-OTK
 * derived by the reply's KDF ID) must be right and their IDs those
 * requested (req_hmac_id, req_kdf_id; NOPREF: any we support).  Fills
 * *ad for lisp_sec_authorized().
 */
int	lisp_sec_verify_map_reply(const uint8_t *buf, size_t len,
	    size_t ad_off, const uint8_t itr_otk[LISP_SEC_OTK_LEN],
	    uint16_t req_hmac_id, uint16_t req_kdf_id,
	    struct lisp_sec_mrep_ad *ad, enum lisp_err *why);

#endif

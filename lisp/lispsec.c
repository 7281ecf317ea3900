/*
 * lispsec.c: the LISP-SEC Authentication Data wire formats (RFC 9303
 * §6.1 ECM AD, §6.2 Map-Reply AD) and the EID-Prefix authorization check
 * of §6.9.  No crypto here: see lispsec_crypto.c.
 *
 * §6.1, ECM AD (between the ECM header and the inner IP header):
 *   | ECM AD Type=1 |  Unassigned   |      Requested HMAC ID        |
 *   |          OTK Length           |    Key ID     | OTK Wrap. ID  |  OTK-AD
 *   |                 One-Time-Key Preamble (64 bits)               |
 *   |                 One-Time Key (128 bits)                       |
 *   |          EID-AD Length        |            KDF ID             |  EID-AD
 *   | Record Count  |E| Unassigned  |         EID HMAC ID           |
 *   |  Unassigned   | EID mask-len  |          EID-AFI  EID-Prefix  | (records)
 *   ~                          EID HMAC                             ~
 * §6.2, Map-Reply AD (after the records):
 *   |  MR AD Type=1 |                Unassigned                     |
 *   EID-AD as above
 *   |         PKT-AD Length         |         PKT HMAC ID           |  PKT-AD
 *   ~                          PKT HMAC                             ~
 */
#include <string.h>

#include "lisp_int.h"
#include "lispsec.h"

#define EID_AD_MIN	4	/* EID-AD Length, KDF ID (§6.4: the ITR's) */
#define EID_AD_HDR	8	/* ... and Record Count, E, EID HMAC ID */
#define EID_AD_E	0x80	/* §6.1: E, first bit after Record Count */
#define OTK_LEN_SELF	28	/* OTK Length counting its own row: sent */
#define OTK_LEN_BODY	24	/* preamble and OTK only: accepted */

size_t
lisp_sec_hmac_len(uint16_t id)
{
	switch (id) {
	case LISP_SEC_HMAC_SHA1_96:		/* §8.3: AUTH-HMAC-SHA-1-96 */
		return 12;
	case LISP_SEC_HMAC_SHA256_128:		/* §8.3: AUTH-HMAC-SHA-256-128 */
		return 16;
	default:
		return 0;
	}
}

uint16_t
lisp_sec_pick_hmac(uint16_t asked)
{
	/* §6.7.1, §6.8: "If the Map-Server does not support this
	 * algorithm, the Map-Server uses a different algorithm" */
	return lisp_sec_hmac_len(asked) != 0 ? asked :
	    LISP_SEC_HMAC_SHA256_128;
}

uint16_t
lisp_sec_pick_kdf(uint16_t asked)
{
	/* §6.7.1: the same for the KDF; HKDF-SHA256 is the MUST (§6.9) */
	return asked == LISP_SEC_KDF_HKDF_SHA1_128 ||
	    asked == LISP_SEC_KDF_HKDF_SHA256 ? asked :
	    LISP_SEC_KDF_HKDF_SHA256;
}

/* §6.1: EID-AD, from its EID-AD Length field to the end of EID HMAC. */
static int
decode_eid_ad(struct cur *c, struct lisp_sec_eid_ad *e, enum lisp_err *why)
{
	const uint8_t	*start = c->p;
	struct cur	 b;
	uint16_t	 len;
	uint8_t		 flags, rsv, i;
	size_t		 hlen;

	memset(e, 0, sizeof(*e));
	if (cur_get_u16(c, &len) == -1)			/* EID-AD Length */
		DROP(why, LERR_TRUNCATED);
	if (len < EID_AD_MIN || (len > EID_AD_MIN && len < EID_AD_HDR))
		DROP(why, LERR_SEC_AD);
	if (cur_sub(c, (size_t)len - 2, &b) == -1)
		DROP(why, LERR_TRUNCATED);
	e->raw = start;
	e->raw_len = len;
	if (cur_get_u16(&b, &e->kdf_id) == -1)		/* KDF ID */
		DROP(why, LERR_TRUNCATED);
	if (len == EID_AD_MIN)		/* §6.4: the ITR fills only KDF ID */
		return 0;
	e->has_records = true;
	if (cur_get_u8(&b, &e->nrec) == -1 || cur_get_u8(&b, &flags) == -1 ||
	    cur_get_u16(&b, &e->hmac_id) == -1)
		DROP(why, LERR_TRUNCATED);
	e->e_bit = (flags & EID_AD_E) != 0;		/* E: ETR-Cant-Sign */
	if (e->nrec > LISP_SEC_MAX_EID_RECS)
		DROP(why, LERR_TOO_MANY_RECORDS);
	if ((hlen = lisp_sec_hmac_len(e->hmac_id)) == 0)
		DROP(why, LERR_SEC_ALG);
	for (i = 0; i < e->nrec; i++) {
		if (cur_get_u8(&b, &rsv) == -1 ||	/* Unassigned */
		    cur_get_u8(&b, &e->rec[i].plen) == -1)	/* EID mask-len */
			DROP(why, LERR_TRUNCATED);
		if (lisp_decode_addr(&b, &e->rec[i].eid, why) == -1)
			return -1;
		if (!lisp_addr_known(&e->rec[i].eid))
			DROP(why, LERR_BAD_AFI);
		if (lisp_addr_check_plen(&e->rec[i].eid, e->rec[i].plen) == -1)
			DROP(why, LERR_BAD_PLEN);
	}
	e->hmac_off = (size_t)(b.p - start);
	if (cur_get_bytes(&b, e->hmac, hlen) == -1)	/* EID HMAC */
		DROP(why, LERR_TRUNCATED);
	if (cur_left(&b) != 0)
		DROP(why, LERR_SEC_AD);
	return 0;
}

int
lisp_sec_encode_eid_ad(struct wbuf *w, const struct lisp_sec_eid_ad *e,
    size_t *hmac_off)
{
	size_t	start = w->len, hlen;
	int	errs = 0;
	uint8_t	i;

	if (!e->has_records) {			/* §6.4: the ITR's form */
		errs += put_u16(w, EID_AD_MIN);
		errs += put_u16(w, e->kdf_id);
		if (hmac_off != NULL)
			*hmac_off = 0;
		return errs || !wbuf_ok(w) ? -1 : 0;
	}
	if (e->nrec > LISP_SEC_MAX_EID_RECS ||
	    (hlen = lisp_sec_hmac_len(e->hmac_id)) == 0)
		return -1;
	errs += put_u16(w, 0);				/* Length, below */
	errs += put_u16(w, e->kdf_id);
	errs += put_u8(w, e->nrec);
	errs += put_u8(w, e->e_bit ? EID_AD_E : 0);
	errs += put_u16(w, e->hmac_id);
	for (i = 0; i < e->nrec; i++) {
		if (lisp_addr_check_plen(&e->rec[i].eid, e->rec[i].plen) == -1 ||
		    !lisp_addr_known(&e->rec[i].eid))
			return -1;
		errs += put_u8(w, 0);
		errs += put_u8(w, e->rec[i].plen);
		errs += lisp_encode_addr(w, &e->rec[i].eid) ? 1 : 0;
	}
	if (hmac_off != NULL)
		*hmac_off = w->len - start;
	errs += put_bytes(w, e->hmac, hlen);
	if (errs || !wbuf_ok(w) || w->len - start > 0xffff)
		return -1;
	return put_u16_at(w, start, (uint16_t)(w->len - start)) ? -1 : 0;
}

/* §6.1: the OTK-AD; returns its length check. */
static int
decode_otk_ad(struct cur *c, struct lisp_sec_ecm_ad *a, enum lisp_err *why)
{
	uint16_t	olen;

	if (cur_get_u16(c, &olen) == -1 || cur_get_u8(c, &a->key_id) == -1 ||
	    cur_get_u8(c, &a->wrap_id) == -1)
		DROP(why, LERR_TRUNCATED);
	/* 128-bit OTKs only; both readings of OTK Length (lispsec.h) */
	if (olen != OTK_LEN_SELF && olen != OTK_LEN_BODY)
		DROP(why, LERR_SEC_AD);
	if (cur_get_bytes(c, a->preamble, LISP_SEC_PREAMBLE_LEN) == -1 ||
	    cur_get_bytes(c, a->otk, LISP_SEC_OTK_LEN) == -1)
		DROP(why, LERR_TRUNCATED);
	return 0;
}

int
lisp_sec_ecm_ad_span(const struct cur *in, size_t *len, enum lisp_err *why)
{
	struct cur	c = *in;
	uint16_t	elen;

	/* 4 (type, Requested HMAC ID) + 28 (OTK-AD), then EID-AD Length */
	if (cur_skip(&c, 4 + LISP_SEC_OTK_AD_LEN) == -1 ||
	    cur_get_u16(&c, &elen) == -1)
		DROP(why, LERR_TRUNCATED);
	if (elen < EID_AD_MIN)
		DROP(why, LERR_SEC_AD);
	if (cur_left(&c) < (size_t)elen - 2)
		DROP(why, LERR_TRUNCATED);
	*len = 4 + LISP_SEC_OTK_AD_LEN + elen;
	return 0;
}

int
lisp_sec_decode_ecm_ad(const uint8_t *buf, size_t len,
    struct lisp_sec_ecm_ad *a, enum lisp_err *why)
{
	struct cur	c = cur_make(buf, len);
	uint8_t		type, rsv;

	memset(a, 0, sizeof(*a));
	if (cur_get_u8(&c, &type) == -1 || cur_get_u8(&c, &rsv) == -1 ||
	    cur_get_u16(&c, &a->req_hmac_id) == -1)
		DROP(why, LERR_TRUNCATED);
	if (type != LISP_SEC_AD_TYPE)			/* §6.1: ECM AD Type */
		DROP(why, LERR_SEC_AD);
	if (decode_otk_ad(&c, a, why) == -1 ||
	    decode_eid_ad(&c, &a->eid, why) == -1)
		return -1;
	if (cur_left(&c) != 0)
		DROP(why, LERR_TRAILING);
	return 0;
}

ssize_t
lisp_sec_encode_ecm_ad(const struct lisp_sec_ecm_ad *a, uint8_t *buf,
    size_t cap, size_t *eid_off)
{
	struct wbuf	w = wbuf_make(buf, cap);
	int		errs = 0;

	errs += put_u8(&w, LISP_SEC_AD_TYPE);		/* ECM AD Type */
	errs += put_u8(&w, 0);				/* Unassigned */
	errs += put_u16(&w, a->req_hmac_id);
	errs += put_u16(&w, OTK_LEN_SELF);		/* OTK Length */
	errs += put_u8(&w, a->key_id);
	errs += put_u8(&w, a->wrap_id);
	errs += put_bytes(&w, a->preamble, LISP_SEC_PREAMBLE_LEN);
	errs += put_bytes(&w, a->otk, LISP_SEC_OTK_LEN);
	if (eid_off != NULL)
		*eid_off = w.len;
	if (errs || lisp_sec_encode_eid_ad(&w, &a->eid, NULL) == -1 ||
	    !wbuf_ok(&w))
		return -1;
	return (ssize_t)w.len;
}

int
lisp_sec_decode_mrep_ad(const uint8_t *buf, size_t len,
    struct lisp_sec_mrep_ad *a, enum lisp_err *why)
{
	struct cur	c = cur_make(buf, len);
	uint32_t	h;
	uint16_t	plen;
	size_t		hlen;

	memset(a, 0, sizeof(*a));
	if (cur_get_u32(&c, &h) == -1)
		DROP(why, LERR_TRUNCATED);
	if ((h >> 24) != LISP_SEC_AD_TYPE)		/* §6.2: MR AD Type */
		DROP(why, LERR_SEC_AD);
	if (decode_eid_ad(&c, &a->eid, why) == -1)
		return -1;
	if (!a->eid.has_records)	/* §6.9: an EID-AD with prefixes */
		DROP(why, LERR_SEC_AD);
	if (cur_get_u16(&c, &plen) == -1 ||		/* PKT-AD Length */
	    cur_get_u16(&c, &a->pkt_hmac_id) == -1)	/* PKT HMAC ID */
		DROP(why, LERR_TRUNCATED);
	if ((hlen = lisp_sec_hmac_len(a->pkt_hmac_id)) == 0)
		DROP(why, LERR_SEC_ALG);
	/* both readings of PKT-AD Length (lispsec.h) */
	if (plen != hlen + 4 && plen != hlen)
		DROP(why, LERR_SEC_AD);
	a->pkt_hmac_off = len - cur_left(&c);
	if (cur_get_bytes(&c, a->pkt_hmac, hlen) == -1)	/* PKT HMAC */
		DROP(why, LERR_TRUNCATED);
	if (cur_left(&c) != 0)
		DROP(why, LERR_TRAILING);
	return 0;
}

/* outer/olen covers inner/ilen: same family and IID, olen <= ilen and
 * the first olen bits equal. */
static int
prefix_covers(const struct lisp_addr *outer, uint8_t olen,
    const struct lisp_addr *inner, uint8_t ilen)
{
	struct ipprefix	po, pi;

	if (outer->ip.af != inner->ip.af || outer->has_iid != inner->has_iid ||
	    (outer->has_iid && outer->iid != inner->iid) || olen > ilen)
		return 0;
	po.addr = outer->ip;
	po.plen = olen;
	pi.addr = inner->ip;
	pi.plen = ilen;
	ipprefix_mask(&po);
	ipprefix_mask(&pi);
	return ipprefix_covers(&po, &pi);
}

int
lisp_sec_authorizing(const struct lisp_sec_eid_ad *e,
    const struct lisp_addr *eid, uint8_t plen)
{
	uint8_t	i;

	for (i = 0; i < e->nrec; i++)
		if (prefix_covers(&e->rec[i].eid, e->rec[i].plen, eid, plen))
			return i;
	return -1;
}

int
lisp_sec_authorized(const struct lisp_sec_eid_ad *e,
    const struct lisp_addr *eid, uint8_t plen)
{
	return lisp_sec_authorizing(e, eid, plen) >= 0;
}

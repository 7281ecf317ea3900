/*
 * lispsec_ms.c: LISP-SEC (RFC 9303) in the Map-Resolver/Map-Server
 * (§6.6, §6.7): the ITR-OTK unwrapped with lisp_sec_key, the MS-OTK
 * derived, the EID-AD made of the registered prefix the request matched;
 * the request forwarded in a new S-bit ECM with the MS-OTK wrapped in the
 * site's key, or answered by the MS itself (proxy, negative) signed with
 * the MS-OTK (sec_sign_reply(), lispsec_cp.c).  Where each is used:
 * mr_resolve.c.
 */
#include <string.h>

#include "lispsec.h"
#include "log.h"
#include "xtr/cp/cp.h"
#include "xtr/ms/ms.h"
#include "xtr/ms/ms_int.h"
#include "xtr/xtrd.h"

/* --- Map-Resolver / Map-Server ------------------------------------------- */

int
sec_ms_open(struct xtrd *x, const struct lisp_ecm *ecm,
    const struct lisp_map_request *req, const char *from, struct sec_ms *s)
{
	struct lisp_sec_ecm_ad	a;
	enum lisp_err		why = LERR_OK;
	const char		*k = x->conf->lisp_sec_key;

	memset(s, 0, sizeof(*s));
	/* without a key (or with lisp_sec = off) an S-bit ECM is handled
	 * as a plain one: its AD is dropped when it is forwarded */
	if (!ecm->security || x->conf->lisp_sec == LISPSEC_OFF || *k == '\0')
		return 0;
	if (lisp_sec_decode_ecm_ad(ecm->sec_ad, ecm->sec_ad_len, &a,
	    &why) == -1) {
		cnt_drop_lerr(why, "ECM Map-Request from %s: LISP-SEC AD", from);
		return -1;
	}
	/* §6.6: the ITR-OTK, decrypted; §6.5: a bad IV, the whole message
	 * discarded; NULL-KEY-WRAP-128 without DTLS MUST be dropped */
	if (lisp_sec_unwrap(&a, req->nonce, k, strlen(k), false,
	    s->itr_otk) == -1) {
		cnt_drop_lerr(LERR_SEC_UNWRAP, "ECM Map-Request from %s: "
		    "cannot unwrap the ITR-OTK (wrap %u, key %u)", from,
		    a.wrap_id, a.key_id);
		return -1;
	}
	/* §6.7.1: the ITR's KDF and HMAC if we do them, ours if not */
	s->hmac_id = lisp_sec_pick_hmac(a.req_hmac_id);
	s->kdf_id = lisp_sec_pick_kdf(a.eid.kdf_id);
	if (lisp_sec_kdf(s->kdf_id, s->itr_otk, s->ms_otk) == -1)
		return -1;
	s->on = true;
	return 1;
}

/* §6.7.1: the EID-AD for auth (with the request's IID), E bit e; its
 * EID HMAC is computed over the encoded bytes (sign_eid_ad). */
static void
ms_eid_fill(const struct sec_ms *s, const struct lisp_addr *asked,
    const struct ipprefix *auth, bool e, struct lisp_sec_eid_ad *ea)
{
	memset(ea, 0, sizeof(*ea));
	ea->kdf_id = s->kdf_id;
	ea->has_records = true;
	ea->e_bit = e;
	ea->hmac_id = s->hmac_id;
	ea->nrec = 1;
	ea->rec[0].eid = *asked;
	ea->rec[0].eid.ip = auth->addr;
	ea->rec[0].plen = auth->plen;
}

/* §6.7.1: the EID HMAC, the last field of the EID-AD at p (len bytes),
 * "from the 'EID-AD Length' field to the 'EID HMAC' field", keyed with
 * the ITR-OTK. */
static int
sign_eid_ad(const struct sec_ms *s, uint8_t *p, size_t len)
{
	size_t	hlen = lisp_sec_hmac_len(s->hmac_id);

	if (hlen == 0 || len < hlen)
		return -1;
	return lisp_sec_hmac(s->hmac_id, s->itr_otk, LISP_SEC_OTK_LEN, p, len,
	    len - hlen, p + len - hlen);
}

static ssize_t
ms_eid_ad(const struct sec_ms *s, const struct lisp_addr *asked,
    const struct ipprefix *auth, bool e, uint8_t *buf, size_t cap)
{
	struct lisp_sec_eid_ad	ea;
	struct wbuf		w = wbuf_make(buf, cap);

	ms_eid_fill(s, asked, auth, e, &ea);
	if (lisp_sec_encode_eid_ad(&w, &ea, NULL) == -1 ||
	    sign_eid_ad(s, buf, w.len) == -1)
		return -1;
	return (ssize_t)w.len;
}

int
sec_ms_signer(const struct sec_ms *s, const struct lisp_addr *asked,
    const struct ipprefix *auth, bool e, struct sec_sign *sg)
{
	ssize_t	n;

	memset(sg, 0, sizeof(*sg));
	if ((n = ms_eid_ad(s, asked, auth, e, sg->eid_ad,
	    sizeof(sg->eid_ad))) < 0)
		return -1;
	sg->eid_ad_len = (size_t)n;
	sg->hmac_id = s->hmac_id;
	memcpy(sg->ms_otk, s->ms_otk, LISP_SEC_OTK_LEN);
	sg->on = true;
	return 0;
}

ssize_t
sec_ms_forward(struct xtrd *x, const struct sec_ms *s,
    const struct lisp_ecm *ecm, const struct lisp_map_request *req,
    const struct ms_reg *r, const struct ipprefix *auth, bool e,
    uint8_t *out, size_t cap)
{
	uint8_t			*ad = x->ms->scratch.sec_ad;
	struct lisp_sec_ecm_ad	 a;
	struct lisp_ecm		 fwd = *ecm;
	const struct xc_key	*k;
	size_t			 eoff;
	ssize_t			 n;

	if (!s->on) {		/* plain: the same ECM, without any AD */
		fwd.security = false;
		fwd.sec_ad = NULL;
		fwd.sec_ad_len = 0;
		return lisp_encode_ecm(&fwd, ecm->payload, ecm->payload_len,
		    out, cap);
	}
	if (r->site < 0 || r->site >= x->conf->nsite)
		return -1;
	k = &x->conf->site[r->site].key;
	/* §6.7.1: the OTK-AD carries the MS-OTK wrapped in the secret of
	 * the Map-Server and that ETR (§6.5: its site key); the EID-AD the
	 * prefix it may answer for */
	memset(&a, 0, sizeof(a));
	a.req_hmac_id = s->hmac_id;
	a.key_id = k->key_id;
	a.wrap_id = LISP_SEC_WRAP_AES_HKDF_SHA256;
	ms_eid_fill(s, &req->rec[0].eid, auth, e, &a.eid);
	if (lisp_sec_wrap(&a, req->nonce, k->key, strlen(k->key),
	    s->ms_otk) == -1 ||
	    (n = lisp_sec_encode_ecm_ad(&a, ad, LISP_SEC_MAX_AD, &eoff)) < 0 ||
	    sign_eid_ad(s, ad + eoff, (size_t)n - eoff) == -1)
		return -1;
	fwd.security = true;			/* §6.7.1: S set */
	fwd.sec_ad = ad;
	fwd.sec_ad_len = (size_t)n;
	return lisp_encode_ecm(&fwd, ecm->payload, ecm->payload_len, out, cap);
}

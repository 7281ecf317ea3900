/*
 * lispsec_cp.c: LISP-SEC (RFC 9303) in the ITR and the ETR, over the codec
 * and keys of lisp/lispsec.h (the Map-Server's side: lispsec_ms.c).
 *  - ITR (§6.4, §6.9): a fresh ITR-OTK per Map-Request (kept with its
 *    nonce in struct pending, gone with it), wrapped with lisp_sec_key in
 *    an S-bit ECM, asking for HMAC-SHA-256-128 and HKDF-SHA256 (the MUSTs
 *    of §6 and §6.9); a reply is checked (EID HMAC, PKT HMAC) and each
 *    record must lie inside the EID-AD's prefixes.
 *  - ETR (§6.8): the MS-OTK unwrapped with our Map-Server key, the EID-AD
 *    copied, the reply signed.
 * What lisp_sec = required | optional | off changes is in xtrd.conf(5).
 */
#include <string.h>

#include <openssl/crypto.h>

#include "lispsec.h"
#include "log.h"
#include "xtr/cp/cp.h"
#include "xtr/xtrd.h"

/* --- ITR ----------------------------------------------------------------- */

#define SEC_PLAIN_FROM	3	/* optional: the send that goes unprotected */

bool
sec_itr_protect(const struct xtrd *x)
{
	return x->conf->lisp_sec != LISPSEC_OFF &&
	    x->conf->lisp_sec_key[0] != '\0';
}

ssize_t
sec_itr_ecm_ad(struct xtrd *x, struct pending *p, uint8_t *buf, size_t cap)
{
	struct lisp_sec_ecm_ad	a;
	const char		*k = x->conf->lisp_sec_key;

	/* §6.4: one ITR-OTK per Map-Request, kept until its reply; a
	 * retransmission (same nonce) is the same Map-Request */
	if (!p->otk_set) {
		if (lisp_sec_new_otk(p->otk) == -1)
			return -1;
		p->otk_set = true;
	}
	memset(&a, 0, sizeof(a));
	a.req_hmac_id = LISP_SEC_HMAC_SHA256_128;		/* §6.4: Requested HMAC ID */
	a.key_id = 0;
	/* §6.4: without DTLS the OTK MUST be wrapped */
	a.wrap_id = LISP_SEC_WRAP_AES_HKDF_SHA256;
	a.eid.kdf_id = LISP_SEC_KDF_HKDF_SHA256;			/* §6.4: EID-AD is 4 bytes */
	if (lisp_sec_wrap(&a, p->nonce, k, strlen(k), p->otk) == -1)
		return -1;
	return lisp_sec_encode_ecm_ad(&a, buf, cap, NULL);
}

int
sec_itr_reply(struct xtrd *x, const struct pending *p, const uint8_t *buf,
    size_t len, const struct lisp_map_reply *rep, struct lisp_sec_mrep_ad *ad,
    const char *from)
{
	enum lisp_err	why = LERR_OK;
	char		e[IPPREFIX_STRLEN];

	ipprefix_fmt(&p->eid, e, sizeof(e));
	if (!p->sec)		/* we asked without LISP-SEC */
		return 0;
	if (!rep->security) {
		/* §6.9: "The ITR MUST discard the Map-Reply otherwise";
		 * optional lets peers that do not speak it through */
		if (x->conf->lisp_sec == LISPSEC_REQUIRED) {
			cnt_drop_lerr(LERR_SEC_MISSING, "Map-Reply from %s for "
			    "%s without LISP-SEC (lisp_sec = required)", from,
			    e);
			return -1;
		}
		cnt_inc(C_lispsec_unprotected);
		return 0;
	}
	if (lisp_sec_verify_map_reply(buf, len, rep->sec_ad_off, p->otk,
	    LISP_SEC_HMAC_SHA256_128, LISP_SEC_KDF_HKDF_SHA256, ad, &why) == -1) {
		/* §6.9.1: a log action SHOULD be taken (rate-limited) */
		cnt_drop_lerr(why, "Map-Reply from %s for %s: LISP-SEC check "
		    "failed", from, e);
		return -1;
	}
	cnt_inc(C_lispsec_verified);
	return 1;
}

void
sec_itr_retry(struct xtrd *x, struct pending *p)
{
	/* optional: a Map-Resolver that does not speak LISP-SEC cannot
	 * read an S-bit ECM (its AD sits where the inner IP header would
	 * be) and never answers; from the third send on the request goes
	 * without LISP-SEC.  This costs optional nothing: it takes
	 * unprotected replies anyway.  required never does it. */
	if (x->conf->lisp_sec != LISPSEC_OPTIONAL || !p->sec || p->no_sec ||
	    p->tries < SEC_PLAIN_FROM)
		return;
	p->no_sec = true;
	cnt_inc(C_lispsec_downgraded);
	tl_add("lisp-sec-downgraded", &p->eid, NULL, "unanswered %u times",
	    p->tries - 1);
}

bool
sec_itr_record_ok(const struct lisp_sec_mrep_ad *ad,
    const struct lisp_record *r, const char *from)
{
	struct ipprefix	q;
	char		e[IPPREFIX_STRLEN];

	if (lisp_sec_authorized(&ad->eid, &r->eid, r->eid_plen))
		return true;
	q.addr = r->eid.ip;
	q.plen = r->eid_plen;
	/* §6.9.1: "a log action MUST be taken, and the EID-Record MUST be
	 * discarded" */
	cnt_drop_lerr(LERR_SEC_SCOPE, "Map-Reply from %s: record %s lies "
	    "outside the EID-Prefixes the Map-Server authorized", from,
	    ipprefix_fmt(&q, e, sizeof(e)));
	return false;
}

bool
sec_itr_auth_prefix(const struct lisp_sec_mrep_ad *ad,
    const struct lisp_record *r, struct ipprefix *auth)
{
	int	i = lisp_sec_authorizing(&ad->eid, &r->eid, r->eid_plen);

	if (i < 0)
		return false;
	auth->addr = ad->eid.rec[i].eid.ip;
	auth->plen = ad->eid.rec[i].plen;
	ipprefix_mask(auth);
	return true;
}

void
sec_pending_clear(struct pending *p)
{
	/* §6.9: the <nonce,ITR-OTK> pair is discarded with the request */
	OPENSSL_cleanse(p->otk, sizeof(p->otk));
	p->otk_set = false;
}

/* --- ETR ----------------------------------------------------------------- */

int
sec_etr_open(struct xtrd *x, const struct lisp_ecm *ecm,
    const struct lisp_map_request *req, const struct ipaddr *src,
    const char *from, struct sec_sign *sg)
{
	struct lisp_sec_ecm_ad	a;
	enum lisp_err		why = LERR_OK;
	int			i, done = 0;

	memset(sg, 0, sizeof(*sg));
	if (!ecm->security || x->conf->lisp_sec == LISPSEC_OFF)
		return 0;
	if (lisp_sec_decode_ecm_ad(ecm->sec_ad, ecm->sec_ad_len, &a,
	    &why) == -1) {
		cnt_drop_lerr(why, "ECM Map-Request from %s: LISP-SEC AD", from);
		return -1;
	}
	if (!a.eid.has_records) {	/* §6.7.1: the MS adds the prefixes */
		cnt_drop_lerr(LERR_SEC_AD, "ECM Map-Request from %s: EID-AD "
		    "without EID-Prefixes", from);
		return -1;
	}
	/* §6.8: the MS-OTK, with the secret we share with that Map-Server
	 * (its own first, then any other, as an MS may answer from
	 * another address) */
	for (i = 0; i < x->conf->nms && !done; i++)
		if (ipaddr_cmp(&x->conf->ms[i].addr, src) == 0)
			done = lisp_sec_unwrap(&a, req->nonce,
			    x->conf->ms[i].key.key,
			    strlen(x->conf->ms[i].key.key), false,
			    sg->ms_otk) == 0;
	for (i = 0; i < x->conf->nms && !done; i++)
		done = lisp_sec_unwrap(&a, req->nonce, x->conf->ms[i].key.key,
		    strlen(x->conf->ms[i].key.key), false, sg->ms_otk) == 0;
	if (!done) {
		cnt_drop_lerr(LERR_SEC_UNWRAP, "ECM Map-Request from %s: "
		    "cannot unwrap the MS-OTK", from);
		return -1;
	}
	if (a.eid.raw_len > sizeof(sg->eid_ad))
		return -1;
	memcpy(sg->eid_ad, a.eid.raw, a.eid.raw_len);	/* §6.8: copied */
	sg->eid_ad_len = a.eid.raw_len;
	sg->hmac_id = lisp_sec_pick_hmac(a.req_hmac_id);	/* §6.8 */
	sg->on = true;
	return 1;
}

ssize_t
sec_sign_reply(const struct sec_sign *sg, uint8_t *buf, size_t len,
    size_t cap)
{
	return lisp_sec_sign_map_reply(buf, len, cap, sg->eid_ad,
	    sg->eid_ad_len, sg->hmac_id, sg->ms_otk);
}

/*
 * lispsec_crypto.c: the keys and HMACs of LISP-SEC (RFC 9303) through
 * OpenSSL libcrypto: HMACs truncated per §8.3, the MS-OTK KDF (§6.7.1,
 * §8.5, lisp_hkdf()), OTK wrapping (§6.5: AES-KEY-WRAP-128 of RFC 3394
 * keyed by HKDF-SHA256), and signing and checking a Map-Reply (§6.8,
 * §6.9).  The HKDF input layouts are in lispsec.h.
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "hkdf.h"
#include "lisp_int.h"
#include "lispsec.h"

#define KW_LABEL	"OTK-Key-Wrap"		/* §6.5 step 4: 's' */
#define KW_OUT		(LISP_SEC_PREAMBLE_LEN + LISP_SEC_OTK_LEN)
#define MAX_PSK		256			/* ours */

static const char *
hmac_digest(uint16_t id)
{
	return id == LISP_SEC_HMAC_SHA1_96 ? "SHA1" :
	    id == LISP_SEC_HMAC_SHA256_128 ? "SHA256" : NULL;
}

int
lisp_sec_hmac(uint16_t id, const void *key, size_t keylen,
    const uint8_t *msg, size_t len, size_t zero_off, uint8_t *out)
{
	static const uint8_t	 zero[LISP_SEC_MAX_HMAC], nokey[1];
	static EVP_MAC		*mac;
	OSSL_PARAM		 p[2];
	EVP_MAC_CTX		*ctx = NULL;
	uint8_t			 md[EVP_MAX_MD_SIZE];
	size_t			 hlen = lisp_sec_hmac_len(id), mdlen = 0;
	const char		*dg = hmac_digest(id);
	int			 rc = -1;

	if (dg == NULL || zero_off > len || len - zero_off < hlen ||
	    (key == NULL && keylen > 0))
		return -1;
	if (mac == NULL && (mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
		return -1;
	if ((ctx = EVP_MAC_CTX_new(mac)) == NULL)
		return -1;
	p[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)(uintptr_t)dg, 0);
	p[1] = OSSL_PARAM_construct_end();
	if (EVP_MAC_init(ctx, key != NULL ? key : nokey, keylen, p) == 1 &&
	    EVP_MAC_update(ctx, msg, zero_off) == 1 &&
	    EVP_MAC_update(ctx, zero, hlen) == 1 &&
	    EVP_MAC_update(ctx, msg + zero_off + hlen,
	    len - zero_off - hlen) == 1 &&
	    EVP_MAC_final(ctx, md, &mdlen, sizeof(md)) == 1 && mdlen >= hlen) {
		memcpy(out, md, hlen);		/* §8.3: truncated */
		rc = 0;
	}
	EVP_MAC_CTX_free(ctx);
	OPENSSL_cleanse(md, sizeof(md));
	return rc;
}

int
lisp_sec_hmac_verify(uint16_t id, const void *key, size_t keylen,
    const uint8_t *msg, size_t len, size_t zero_off)
{
	uint8_t	md[LISP_SEC_MAX_HMAC];
	size_t	hlen = lisp_sec_hmac_len(id);

	if (hlen == 0 ||
	    lisp_sec_hmac(id, key, keylen, msg, len, zero_off, md) == -1)
		return -1;
	return CRYPTO_memcmp(md, msg + zero_off, hlen) == 0 ? 0 : -1;
}

int
lisp_sec_kdf(uint16_t kdf_id, const uint8_t itr_otk[LISP_SEC_OTK_LEN],
    uint8_t ms_otk[LISP_SEC_OTK_LEN])
{
	enum lisp_hkdf_md	md;

	switch (kdf_id) {	/* §8.5 */
	case LISP_SEC_KDF_HKDF_SHA1_128:
		md = LISP_HKDF_SHA1;
		break;
	case LISP_SEC_KDF_HKDF_SHA256:
		md = LISP_HKDF_SHA256;
		break;
	default:
		return -1;
	}
	/* §6.7.1: "MS-OTK is derived by applying the Key Derivation
	 * Function specified in the 'KDF ID' field" to the ITR-OTK */
	return lisp_hkdf(md, NULL, 0, itr_otk, LISP_SEC_OTK_LEN, NULL, 0,
	    ms_otk, LISP_SEC_OTK_LEN);
}

/* §6.5 step 4: per-msg-key = KDF( nonce + s + PSK[Key ID] ) */
static int
per_msg_key(uint64_t nonce, const void *psk, size_t psklen, uint8_t key[16])
{
	uint8_t	ikm[8 + sizeof(KW_LABEL) - 1 + MAX_PSK];
	int	i, rc;

	if (psklen == 0 || psklen > MAX_PSK || psk == NULL)
		return -1;
	for (i = 0; i < 8; i++)
		ikm[i] = (uint8_t)(nonce >> (56 - 8 * i));
	memcpy(ikm + 8, KW_LABEL, sizeof(KW_LABEL) - 1);
	memcpy(ikm + 8 + sizeof(KW_LABEL) - 1, psk, psklen);
	rc = lisp_hkdf(LISP_HKDF_SHA256, NULL, 0, ikm,
	    8 + sizeof(KW_LABEL) - 1 + psklen, NULL, 0, key, 16);
	OPENSSL_cleanse(ikm, sizeof(ikm));
	return rc;
}

/* RFC 3394 §2.2.1 / §2.2.2 with the default IV A6A6A6A6A6A6A6A6, which
 * OpenSSL's AES-128-WRAP uses and checks on unwrap (§6.5: "MUST verify"). */
static int
aes_kw(int enc, const uint8_t key[16], const uint8_t *in, size_t inlen,
    uint8_t *out, size_t outcap)
{
	EVP_CIPHER_CTX	*ctx;
	EVP_CIPHER	*c;
	int		 n = 0, m = 0, rc = -1;

	if ((c = EVP_CIPHER_fetch(NULL, "AES-128-WRAP", NULL)) == NULL)
		return -1;
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL) {
		EVP_CIPHER_free(c);
		return -1;
	}
	if (EVP_CipherInit_ex2(ctx, c, key, NULL, enc, NULL) == 1 &&
	    EVP_CipherUpdate(ctx, out, &n, in, (int)inlen) == 1 &&
	    (size_t)n <= outcap &&
	    EVP_CipherFinal_ex(ctx, out + n, &m) == 1)
		rc = n + m;
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(c);
	return rc;
}

int
lisp_sec_wrap(struct lisp_sec_ecm_ad *a, uint64_t nonce, const void *psk,
    size_t psklen, const uint8_t otk[LISP_SEC_OTK_LEN])
{
	uint8_t	key[16], out[KW_OUT + 16];
	int	rc = -1;

	if (a->wrap_id == LISP_SEC_WRAP_NULL) {	/* §6.5.1: in clear */
		memset(a->preamble, 0, sizeof(a->preamble));
		memcpy(a->otk, otk, LISP_SEC_OTK_LEN);
		return 0;
	}
	if (a->wrap_id != LISP_SEC_WRAP_AES_HKDF_SHA256 ||
	    per_msg_key(nonce, psk, psklen, key) == -1)
		return -1;
	/* §6.5 step 5: 192 bits out, the top 64 in the preamble */
	if (aes_kw(1, key, otk, LISP_SEC_OTK_LEN, out, sizeof(out)) == KW_OUT) {
		memcpy(a->preamble, out, LISP_SEC_PREAMBLE_LEN);
		memcpy(a->otk, out + LISP_SEC_PREAMBLE_LEN, LISP_SEC_OTK_LEN);
		rc = 0;
	}
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(out, sizeof(out));
	return rc;
}

int
lisp_sec_unwrap(const struct lisp_sec_ecm_ad *a, uint64_t nonce,
    const void *psk, size_t psklen, bool allow_null,
    uint8_t otk[LISP_SEC_OTK_LEN])
{
	uint8_t	key[16], in[KW_OUT], out[KW_OUT + 16];
	int	rc = -1;

	if (a->wrap_id == LISP_SEC_WRAP_NULL) {
		/* §6.4, §6.7.1: without DTLS a NULL-wrapped OTK MUST be
		 * dropped; allow_null is for a path DTLS protects */
		if (!allow_null)
			return -1;
		memcpy(otk, a->otk, LISP_SEC_OTK_LEN);
		return 0;
	}
	if (a->wrap_id != LISP_SEC_WRAP_AES_HKDF_SHA256 ||
	    per_msg_key(nonce, psk, psklen, key) == -1)
		return -1;
	memcpy(in, a->preamble, LISP_SEC_PREAMBLE_LEN);
	memcpy(in + LISP_SEC_PREAMBLE_LEN, a->otk, LISP_SEC_OTK_LEN);
	if (aes_kw(0, key, in, sizeof(in), out, sizeof(out)) ==
	    LISP_SEC_OTK_LEN) {
		memcpy(otk, out, LISP_SEC_OTK_LEN);
		rc = 0;
	}
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(out, sizeof(out));
	return rc;
}

int
lisp_sec_new_otk(uint8_t otk[LISP_SEC_OTK_LEN])
{
	return RAND_bytes(otk, LISP_SEC_OTK_LEN) == 1 ? 0 : -1;
}

ssize_t
lisp_sec_sign_map_reply(uint8_t *buf, size_t len, size_t cap,
    const uint8_t *eid_ad, size_t eid_ad_len, uint16_t pkt_hmac_id,
    const uint8_t ms_otk[LISP_SEC_OTK_LEN])
{
	struct wbuf	w = wbuf_make(buf, cap);
	size_t		hlen = lisp_sec_hmac_len(pkt_hmac_id), hoff;
	int		errs = 0;

	if (hlen == 0 || len < 4 || len > cap || eid_ad_len < 4 ||
	    LISP_HDR_TYPE(rd_be32(buf)) != LISP_MAP_REPLY ||
	    !HAS_BIT(rd_be32(buf), MREP_BIT_S))
		return -1;
	w.len = len;
	errs += put_u32(&w, (uint32_t)LISP_SEC_AD_TYPE << 24); /* MR AD */
	errs += put_bytes(&w, eid_ad, eid_ad_len);	/* §6.8: copied */
	errs += put_u16(&w, (uint16_t)(4 + hlen));	/* PKT-AD Length */
	errs += put_u16(&w, pkt_hmac_id);
	hoff = w.len;
	errs += put_zero(&w, hlen);
	if (errs || !wbuf_ok(&w))
		return -1;
	/* §6.8: over the whole Map-Reply, PKT HMAC zeroed */
	if (lisp_sec_hmac(pkt_hmac_id, ms_otk, LISP_SEC_OTK_LEN, buf, w.len,
	    hoff, buf + hoff) == -1)
		return -1;
	return (ssize_t)w.len;
}

/* §6.9: the reply's ID is the one asked for, or any we do if none was. */
static int
id_ok(uint16_t got, uint16_t asked, int supported)
{
	return asked != 0 ? got == asked : supported;
}

int
lisp_sec_verify_map_reply(const uint8_t *buf, size_t len, size_t ad_off,
    const uint8_t itr_otk[LISP_SEC_OTK_LEN], uint16_t req_hmac_id,
    uint16_t req_kdf_id, struct lisp_sec_mrep_ad *ad, enum lisp_err *why)
{
	uint8_t		ms_otk[LISP_SEC_OTK_LEN];
	int		rc;

	if (ad_off > len)
		DROP(why, LERR_SEC_AD);
	if (lisp_sec_decode_mrep_ad(buf + ad_off, len - ad_off, ad, why) == -1)
		return -1;
	if (!id_ok(ad->eid.hmac_id, req_hmac_id,
	    lisp_sec_hmac_len(ad->eid.hmac_id) != 0) ||
	    !id_ok(ad->pkt_hmac_id, req_hmac_id,
	    lisp_sec_hmac_len(ad->pkt_hmac_id) != 0) ||
	    !id_ok(ad->eid.kdf_id, req_kdf_id,
	    ad->eid.kdf_id == LISP_SEC_KDF_HKDF_SHA1_128 ||
	    ad->eid.kdf_id == LISP_SEC_KDF_HKDF_SHA256))
		DROP(why, LERR_SEC_ALG);
	/* §6.9: EID HMAC over the EID-AD, keyed with the ITR-OTK */
	if (lisp_sec_hmac_verify(ad->eid.hmac_id, itr_otk, LISP_SEC_OTK_LEN,
	    ad->eid.raw, ad->eid.raw_len, ad->eid.hmac_off) == -1)
		DROP(why, LERR_SEC_EID_HMAC);
	/* §6.9: PKT HMAC over the whole reply, keyed with the MS-OTK */
	if (lisp_sec_kdf(ad->eid.kdf_id, itr_otk, ms_otk) == -1)
		DROP(why, LERR_SEC_ALG);
	rc = lisp_sec_hmac_verify(ad->pkt_hmac_id, ms_otk, LISP_SEC_OTK_LEN,
	    buf, len, ad_off + ad->pkt_hmac_off);
	OPENSSL_cleanse(ms_otk, sizeof(ms_otk));
	if (rc == -1)
		DROP(why, LERR_SEC_PKT_HMAC);
	return 0;
}

/*
 * auth.c: Map-Register / Map-Notify authentication (RFC 9301 §5.6): an
 * HMAC over the whole message with the Authentication Data field set to
 * zero, through OpenSSL's EVP_MAC, checked in constant time.
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "lisp_int.h"

size_t
lisp_auth_len(uint8_t alg)
{
	switch (alg) {
	case LISP_AUTH_HMAC_SHA1:
		return 20;
	case LISP_AUTH_HMAC_SHA256:
		return 32;
	default:
		return 0;
	}
}

static const char *
alg_digest(uint8_t alg)
{
	return alg == LISP_AUTH_HMAC_SHA1 ? "SHA1" :
	    alg == LISP_AUTH_HMAC_SHA256 ? "SHA256" : NULL;
}

int
lisp_auth_compute(uint8_t alg, const void *key, size_t keylen,
    const uint8_t *msg, size_t len, size_t auth_off, uint8_t *out)
{
	static const uint8_t	 zero[LISP_MAX_AUTH_LEN];
	static const uint8_t	 nokey[1];
	uint8_t			 md[EVP_MAX_MD_SIZE];
	EVP_MAC			*mac = NULL;
	EVP_MAC_CTX		*ctx = NULL;
	OSSL_PARAM		 params[2];
	const char		*dg = alg_digest(alg);
	size_t			 alen = lisp_auth_len(alg), mdlen = 0;
	int			 rc = -1;

	if (dg == NULL || auth_off > len || len - auth_off < alen ||
	    (key == NULL && keylen > 0))
		goto out;
	if (key == NULL)
		key = nokey;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)(uintptr_t)dg, 0);
	params[1] = OSSL_PARAM_construct_end();
	if ((mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL ||
	    (ctx = EVP_MAC_CTX_new(mac)) == NULL ||
	    EVP_MAC_init(ctx, key, keylen, params) != 1 ||
	    EVP_MAC_update(ctx, msg, auth_off) != 1 ||
	    EVP_MAC_update(ctx, zero, alen) != 1 ||
	    EVP_MAC_update(ctx, msg + auth_off + alen,
	    len - auth_off - alen) != 1 ||
	    EVP_MAC_final(ctx, md, &mdlen, sizeof(md)) != 1 ||
	    mdlen != alen)
		goto out;
	memcpy(out, md, alen);
	rc = 0;
out:
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return rc;
}

int
lisp_auth_verify(uint8_t alg, const void *key, size_t keylen,
    const uint8_t *msg, size_t len, size_t auth_off, size_t auth_len)
{
	uint8_t	md[LISP_MAX_AUTH_LEN];

	if (auth_len == 0 || auth_len != lisp_auth_len(alg) ||
	    auth_off > len || len - auth_off < auth_len)
		return -1;
	if (lisp_auth_compute(alg, key, keylen, msg, len, auth_off, md) == -1)
		return -1;
	return CRYPTO_memcmp(md, msg + auth_off, auth_len) == 0 ? 0 : -1;
}

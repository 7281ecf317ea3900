/*
 * auth.c: Map-Register / Map-Notify authentication (RFC 9301 §5.6): an
 * HMAC over the whole message with the Authentication Data field set to
 * zero, through OpenSSL's EVP_MAC, checked in constant time.
 *
 * Fetching the HMAC implementation and keying it (hashing a long key,
 * the ipad/opad blocks) costs more than the HMAC of a 100-byte message,
 * so the implementation is fetched once, and a struct lisp_auth_key keeps
 * a context keyed once: each message then only re-initialises it with
 * EVP_MAC_init(ctx, NULL, 0, NULL), which restarts from the keyed state.
 */
#include <stdlib.h>
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

/* The HMAC implementation, fetched on first use and kept. */
static EVP_MAC *
hmac_impl(void)
{
	static EVP_MAC	*mac;

	if (mac == NULL)
		mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	return mac;
}

/* A context of mac keyed with key for alg, or NULL. */
static EVP_MAC_CTX *
keyed_ctx(uint8_t alg, const void *key, size_t keylen)
{
	static const uint8_t	 nokey[1];
	OSSL_PARAM		 params[2];
	EVP_MAC_CTX		*ctx;
	EVP_MAC			*mac;
	const char		*dg = alg_digest(alg);

	if (dg == NULL || (key == NULL && keylen > 0) ||
	    (mac = hmac_impl()) == NULL || (ctx = EVP_MAC_CTX_new(mac)) == NULL)
		return NULL;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)(uintptr_t)dg, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_MAC_init(ctx, key != NULL ? key : nokey, keylen, params) != 1) {
		EVP_MAC_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

/* The HMAC of msg with its auth field zeroed; ctx freshly keyed. */
static int
mac_msg(EVP_MAC_CTX *ctx, size_t alen, const uint8_t *msg, size_t len,
    size_t auth_off, uint8_t *out)
{
	static const uint8_t	zero[LISP_MAX_AUTH_LEN];
	uint8_t			md[EVP_MAX_MD_SIZE];
	size_t			mdlen = 0;

	if (alen == 0 || auth_off > len || len - auth_off < alen ||
	    EVP_MAC_update(ctx, msg, auth_off) != 1 ||
	    EVP_MAC_update(ctx, zero, alen) != 1 ||
	    EVP_MAC_update(ctx, msg + auth_off + alen,
	    len - auth_off - alen) != 1 ||
	    EVP_MAC_final(ctx, md, &mdlen, sizeof(md)) != 1 || mdlen != alen)
		return -1;
	memcpy(out, md, alen);
	return 0;
}

/*
 * Constant-time equality of two n-byte strings.  CRYPTO_memcmp() is the
 * constant-time compare; its x86-64 version takes a 16-byte fast path
 * (two words) and does anything else a byte per iteration, which for a
 * SHA-256 HMAC was ~3 % of a Map-Server refresh: feed it 16-byte pieces.
 */
static int
ct_equal(const void *a, const void *b, size_t n)
{
	const uint8_t	*x = a, *y = b;
	size_t		 off;
	int		 d = 0;

	for (off = 0; n - off >= 16; off += 16)
		d |= CRYPTO_memcmp(x + off, y + off, 16);
	if (off < n)
		d |= CRYPTO_memcmp(x + off, y + off, n - off);
	return d == 0;
}

int
lisp_auth_compute(uint8_t alg, const void *key, size_t keylen,
    const uint8_t *msg, size_t len, size_t auth_off, uint8_t *out)
{
	EVP_MAC_CTX	*ctx;
	int		 rc;

	if ((ctx = keyed_ctx(alg, key, keylen)) == NULL)
		return -1;
	rc = mac_msg(ctx, lisp_auth_len(alg), msg, len, auth_off, out);
	EVP_MAC_CTX_free(ctx);
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
	return ct_equal(md, msg + auth_off, auth_len) ? 0 : -1;
}

/* --- prepared keys ------------------------------------------------------- */

void
lisp_auth_key_free(struct lisp_auth_key *k)
{
	EVP_MAC_CTX_free(k->ctx);
	if (k->key != NULL)
		OPENSSL_cleanse(k->key, k->keylen);
	free(k->key);
	memset(k, 0, sizeof(*k));
}

int
lisp_auth_key_set(struct lisp_auth_key *k, uint8_t alg, const void *key,
    size_t keylen)
{
	EVP_MAC_CTX	*ctx;
	uint8_t		*copy;

	if (k->ctx != NULL && k->alg == alg && k->keylen == keylen &&
	    (keylen == 0 || ct_equal(k->key, key, keylen)))
		return 0;			/* already prepared */
	if ((ctx = keyed_ctx(alg, key, keylen)) == NULL)
		return -1;
	if ((copy = malloc(keylen > 0 ? keylen : 1)) == NULL) {
		EVP_MAC_CTX_free(ctx);
		return -1;
	}
	if (keylen > 0)
		memcpy(copy, key, keylen);
	lisp_auth_key_free(k);
	k->alg = alg;
	k->ctx = ctx;
	k->key = copy;
	k->keylen = keylen;
	return 0;
}

int
lisp_auth_compute_key(struct lisp_auth_key *k, const uint8_t *msg,
    size_t len, size_t auth_off, uint8_t *out)
{
	/* NULL key: restart from the keyed state (OpenSSL HMAC reinit) */
	if (k->ctx == NULL || EVP_MAC_init(k->ctx, NULL, 0, NULL) != 1)
		return -1;
	return mac_msg(k->ctx, lisp_auth_len(k->alg), msg, len, auth_off, out);
}

int
lisp_auth_verify_key(struct lisp_auth_key *k, const uint8_t *msg,
    size_t len, size_t auth_off, size_t auth_len)
{
	uint8_t	md[LISP_MAX_AUTH_LEN];

	if (k->ctx == NULL || auth_len == 0 ||
	    auth_len != lisp_auth_len(k->alg) ||
	    auth_off > len || len - auth_off < auth_len)
		return -1;
	if (lisp_auth_compute_key(k, msg, len, auth_off, md) == -1)
		return -1;
	return ct_equal(md, msg + auth_off, auth_len) ? 0 : -1;
}

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
 *
 * Algorithm 3, HMAC-SHA-256-128+HKDF-SHA256 (RFC 9301 §5.6, §12.5): "The
 * derived per-message key is computed as: per-msg-key=KDF(nonce+PSK[Key
 * ID],s). Where the nonce is the value in the 'Nonce' field of the
 * Map-Register, '+' denotes concatenation and 's' (the salt) is a string
 * that corresponds to the message type being authenticated ... 'Map-
 * Register Authentication' ... 'Map-Notify Authentication' and 'Map-
 * Notify-Ack Authentication'".  Read as HKDF-SHA256 (RFC 5869) with salt
 * s, input keying material the 8 nonce bytes as sent followed by the
 * pre-shared key, no info, 32 bytes out; the MAC is HMAC-SHA-256 with
 * that key over the message (authentication data zeroed), its first 16
 * bytes sent (HMAC-SHA-256-128, RFC 4868).  No deployed implementation to
 * follow; this is the reading tests/unit/test_lisp_auth_hkdf.c checks
 * against an independent computation.  The key changes with each nonce,
 * so nothing is prepared ahead for it.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "hkdf.h"
#include "lisp_int.h"

#define MSG_NONCE_OFF	4	/* §5.6: after the first word */

size_t
lisp_auth_len(uint8_t alg)
{
	switch (alg) {
	case LISP_AUTH_HMAC_SHA1:
		return 20;
	case LISP_AUTH_HMAC_SHA256:
		return 32;
	case LISP_AUTH_HMAC_SHA256_HKDF:
		return 16;
	default:
		return 0;
	}
}

static const char *
alg_digest(uint8_t alg)
{
	return alg == LISP_AUTH_HMAC_SHA1 ? "SHA1" :
	    alg == LISP_AUTH_HMAC_SHA256 ||
	    alg == LISP_AUTH_HMAC_SHA256_HKDF ? "SHA256" : NULL;
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
	    EVP_MAC_final(ctx, md, &mdlen, sizeof(md)) != 1 || mdlen < alen)
		return -1;	/* (alen < mdlen: truncated, RFC 4868 -128) */
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

/* Algorithm 3's per-message key (see the top), into out[32]. */
static int
hkdf_msg_key(const void *psk, size_t psklen, const uint8_t *msg, size_t len,
    uint8_t *out)
{
	static const char *const salt[] = {
		[LISP_MAP_REGISTER] = "Map-Register Authentication",
		[LISP_MAP_NOTIFY] = "Map-Notify Authentication",
		[LISP_MAP_NOTIFY_ACK] = "Map-Notify-Ack Authentication",
	};
	uint8_t		ikm[8 + 256];
	unsigned	type;
	int		rc;

	if (len < MSG_NONCE_OFF + 8 || psklen > sizeof(ikm) - 8 ||
	    (psk == NULL && psklen > 0))
		return -1;
	type = msg[0] >> 4;
	if (type != LISP_MAP_REGISTER && type != LISP_MAP_NOTIFY &&
	    type != LISP_MAP_NOTIFY_ACK)
		return -1;
	memcpy(ikm, msg + MSG_NONCE_OFF, 8);
	if (psklen > 0)
		memcpy(ikm + 8, psk, psklen);
	rc = lisp_hkdf(LISP_HKDF_SHA256, salt[type], strlen(salt[type]), ikm,
	    8 + psklen, NULL, 0, out, 32);
	OPENSSL_cleanse(ikm, sizeof(ikm));
	return rc;
}

/* The MAC of msg with alen bytes of authentication data at auth_off. */
static int
compute_n(uint8_t alg, const void *key, size_t keylen, const uint8_t *msg,
    size_t len, size_t auth_off, size_t alen, uint8_t *out)
{
	EVP_MAC_CTX	*ctx;
	uint8_t		 mk[32];
	int		 rc;

	if (alg == LISP_AUTH_HMAC_SHA256_HKDF) {
		if (hkdf_msg_key(key, keylen, msg, len, mk) == -1)
			return -1;
		ctx = keyed_ctx(alg, mk, sizeof(mk));
		OPENSSL_cleanse(mk, sizeof(mk));
	} else
		ctx = keyed_ctx(alg, key, keylen);
	if (ctx == NULL)
		return -1;
	rc = mac_msg(ctx, alen, msg, len, auth_off, out);
	EVP_MAC_CTX_free(ctx);
	return rc;
}

int
lisp_auth_compute(uint8_t alg, const void *key, size_t keylen,
    const uint8_t *msg, size_t len, size_t auth_off, uint8_t *out)
{
	return compute_n(alg, key, keylen, msg, len, auth_off,
	    lisp_auth_len(alg), out);
}

/*
 * The authentication data lengths we accept for alg.  We send the full
 * HMAC output as deployed implementations do (20, 32); RFC 9301 §12.5
 * names algorithms 1 and 2 HMAC-SHA-1-96 and HMAC-SHA-256-128, whose
 * output is the first 12 and 16 bytes of the same HMAC.  The 'Authentication
 * Data Length' field says which a sender used ("The length field allows a
 * device that doesn't know the MAC algorithm to correctly parse the
 * packet", §5.6), so both readings are accepted.
 */
int
lisp_auth_len_ok(uint8_t alg, size_t len)
{
	switch (alg) {
	case LISP_AUTH_HMAC_SHA1:
		return len == 20 || len == 12;
	case LISP_AUTH_HMAC_SHA256:
		return len == 32 || len == 16;
	case LISP_AUTH_HMAC_SHA256_HKDF:
		return len == 16;
	case LISP_AUTH_NONE:
		return len == 0;
	default:
		return 0;
	}
}

int
lisp_auth_verify(uint8_t alg, const void *key, size_t keylen,
    const uint8_t *msg, size_t len, size_t auth_off, size_t auth_len)
{
	uint8_t	md[LISP_MAX_AUTH_LEN];

	if (auth_len == 0 || !lisp_auth_len_ok(alg, auth_len) ||
	    auth_off > len || len - auth_off < auth_len)
		return -1;
	if (compute_n(alg, key, keylen, msg, len, auth_off, auth_len,
	    md) == -1)
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

	if (k->key != NULL && k->alg == alg && k->keylen == keylen &&
	    (keylen == 0 || ct_equal(k->key, key, keylen)))
		return 0;			/* already prepared */
	/* algorithm 3: a key per message, nothing to prepare */
	if (alg == LISP_AUTH_HMAC_SHA256_HKDF) {
		if (lisp_auth_len(alg) == 0)
			return -1;
		ctx = NULL;
	} else if ((ctx = keyed_ctx(alg, key, keylen)) == NULL)
		return -1;
	if ((copy = malloc(keylen > 0 ? keylen : 1)) == NULL) {
		EVP_MAC_CTX_free(ctx);
		return -1;
	}
	copy[0] = 0;
	if (keylen > 0)
		memcpy(copy, key, keylen);
	lisp_auth_key_free(k);
	k->alg = alg;
	k->ctx = ctx;
	k->key = copy;
	k->keylen = keylen;
	return 0;
}

/* lisp_auth_compute_key() with alen bytes of authentication data. */
static int
compute_key_n(struct lisp_auth_key *k, const uint8_t *msg, size_t len,
    size_t auth_off, size_t alen, uint8_t *out)
{
	if (k->alg == LISP_AUTH_HMAC_SHA256_HKDF && k->key != NULL)
		return compute_n(k->alg, k->key, k->keylen, msg, len,
		    auth_off, alen, out);
	/* NULL key: restart from the keyed state (OpenSSL HMAC reinit) */
	if (k->ctx == NULL || EVP_MAC_init(k->ctx, NULL, 0, NULL) != 1)
		return -1;
	return mac_msg(k->ctx, alen, msg, len, auth_off, out);
}

int
lisp_auth_compute_key(struct lisp_auth_key *k, const uint8_t *msg,
    size_t len, size_t auth_off, uint8_t *out)
{
	return compute_key_n(k, msg, len, auth_off, lisp_auth_len(k->alg),
	    out);
}

int
lisp_auth_verify_key(struct lisp_auth_key *k, const uint8_t *msg,
    size_t len, size_t auth_off, size_t auth_len)
{
	uint8_t	md[LISP_MAX_AUTH_LEN];

	if (k->key == NULL || auth_len == 0 ||
	    !lisp_auth_len_ok(k->alg, auth_len) ||
	    auth_off > len || len - auth_off < auth_len)
		return -1;
	if (compute_key_n(k, msg, len, auth_off, auth_len, md) == -1)
		return -1;
	return ct_equal(md, msg + auth_off, auth_len) ? 0 : -1;
}

/*
 * hkdf.c: HKDF (RFC 5869) through OpenSSL's EVP_KDF "HKDF" in its default
 * extract-and-expand mode.  The KDF implementation is fetched once.
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "hkdf.h"

static EVP_KDF *
hkdf_impl(void)
{
	static EVP_KDF	*kdf;

	if (kdf == NULL)
		kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	return kdf;
}

int
lisp_hkdf(enum lisp_hkdf_md md, const void *salt, size_t saltlen,
    const void *ikm, size_t ikmlen, const void *info, size_t infolen,
    uint8_t *out, size_t outlen)
{
	static const uint8_t	 empty[1];
	OSSL_PARAM		 p[5], *pp = p;
	EVP_KDF_CTX		*ctx = NULL;
	EVP_KDF			*kdf;
	const char		*dg;
	size_t			 hlen;
	int			 rc = -1;

	switch (md) {
	case LISP_HKDF_SHA1:
		dg = "SHA1";
		hlen = 20;
		break;
	case LISP_HKDF_SHA256:
		dg = "SHA256";
		hlen = 32;
		break;
	default:
		return -1;
	}
	if (out == NULL || outlen == 0 || outlen > 255 * hlen ||
	    (ikm == NULL && ikmlen > 0) || (salt == NULL && saltlen > 0) ||
	    (info == NULL && infolen > 0))
		return -1;
	if ((kdf = hkdf_impl()) == NULL || (ctx = EVP_KDF_CTX_new(kdf)) == NULL)
		goto out;
	*pp++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
	    (char *)(uintptr_t)dg, 0);
	/* OpenSSL refuses an absent key; an empty one is HKDF's IKM "" */
	*pp++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
	    (void *)(uintptr_t)(ikmlen > 0 ? ikm : empty), ikmlen);
	if (saltlen > 0)	/* absent: HashLen zeros (RFC 5869 §2.2) */
		*pp++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
		    (void *)(uintptr_t)salt, saltlen);
	if (infolen > 0)
		*pp++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
		    (void *)(uintptr_t)info, infolen);
	*pp = OSSL_PARAM_construct_end();
	if (EVP_KDF_derive(ctx, out, outlen, p) == 1)
		rc = 0;
out:
	EVP_KDF_CTX_free(ctx);
	if (rc == -1)
		memset(out, 0, outlen);
	return rc;
}

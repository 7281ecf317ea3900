/*
 * hkdf.h: HKDF (RFC 5869) through OpenSSL libcrypto's EVP_KDF, one helper
 * for every key derivation LISP needs: RFC 9303 (LISP-SEC: the MS-OTK and
 * the OTK key-wrap key) and RFC 9301 §5.6 (HMAC-SHA-256-128+HKDF-SHA256
 * Map-Register authentication).  Programs linking it list libcrypto in
 * <name>_PKGS.
 */
#ifndef MIG_LISP_HKDF_H
#define MIG_LISP_HKDF_H

#include <stddef.h>
#include <stdint.h>

/* The hash under HKDF. */
enum lisp_hkdf_md {
	LISP_HKDF_SHA1,
	LISP_HKDF_SHA256,
};

/*
 * HKDF-Extract then HKDF-Expand (RFC 5869 §2.2, §2.3): out = the first
 * outlen bytes of OKM from ikm, with salt (NULL or saltlen 0: HashLen
 * zero bytes, as §2.2 says) and info (NULL or infolen 0: empty).
 * Returns 0, or -1 (bad argument, outlen 0 or over 255*HashLen, or
 * libcrypto failed).  out is zeroed on failure.
 */
int	lisp_hkdf(enum lisp_hkdf_md, const void *salt, size_t saltlen,
	    const void *ikm, size_t ikmlen, const void *info, size_t infolen,
	    uint8_t *out, size_t outlen);

#endif

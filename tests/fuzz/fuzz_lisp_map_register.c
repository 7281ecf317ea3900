/*
 * fuzz_lisp_map_register.c: libFuzzer harness for the Map-Register,
 * Map-Notify and Map-Notify-Ack decoder (RFC 9301 §5.6, §5.7) and the
 * HMAC check.  Whatever it accepts must re-encode (with a fixed key),
 * verify under that key, and decode again to the same struct.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lisp.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define KEY	"fuzz-key"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct lisp_map_register	a, b;
	static uint8_t			buf[LISP_MAX_MSG];
	enum lisp_err			why = LERR_OK;
	ssize_t				n;

	/* decoders leave slots past a count alone: start both from zero so
	 * the whole-struct compare below sees only decoded fields */
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	if (lisp_decode_map_register(data, len, &a, &why) == -1) {
		if (why == LERR_OK || why >= LERR__COUNT)
			abort();
		return 0;
	}
	if (a.alg_id != LISP_AUTH_NONE)
		(void)lisp_auth_verify(a.alg_id, KEY, strlen(KEY), data, len,
		    a.auth_off, a.auth_len);
	n = lisp_encode_map_register(&a, KEY, strlen(KEY), buf, sizeof(buf));
	if (n < 0)
		return 0;
	if (lisp_decode_map_register(buf, (size_t)n, &b, &why) == -1)
		abort();
	if (b.alg_id != LISP_AUTH_NONE && lisp_auth_verify(b.alg_id, KEY,
	    strlen(KEY), buf, (size_t)n, b.auth_off, b.auth_len) != 0)
		abort();
	memset(a.auth, 0, sizeof(a.auth));
	memset(b.auth, 0, sizeof(b.auth));
	/* what the encoder makes canonical: the reserved R bit is never
	 * sent (RFC 9301 §5.6), a truncated HMAC (the RFC's 12 or 16 bytes)
	 * is sent in full as deployed implementations do */
	a.rsvd_r = false;
	a.auth_len = b.auth_len;
	if (memcmp(&a, &b, sizeof(a)) != 0)
		abort();
	return 0;
}

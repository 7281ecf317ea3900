/*
 * fuzz_lisp_sec_ecm_ad.c: libFuzzer harness for the LISP-SEC ECM
 * Authentication Data decoder (RFC 9303 §6.1).  What it accepts must
 * re-encode to as many bytes and decode again to the same fields (the
 * Unassigned bits are not kept, OTK Length 24 is sent back as 28), its
 * EID-AD must lie inside the input, and the span the ECM decoder uses
 * must agree with it; the key unwrap and HMAC check run on it too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lispsec.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static uint8_t		buf[LISP_MAX_MSG];
	static struct lisp_sec_ecm_ad	a, b;
	enum lisp_err		why = LERR_OK;
	uint8_t			otk[LISP_SEC_OTK_LEN];
	struct cur		c = cur_make(data, len);
	size_t			span = 0;
	ssize_t			n;

	if (lisp_sec_decode_ecm_ad(data, len, &a, &why) == -1) {
		if (why == LERR_OK || why >= LERR__COUNT)
			abort();
		return 0;
	}
	if (lisp_sec_ecm_ad_span(&c, &span, &why) == -1 || span != len)
		abort();
	if (a.eid.raw < data || a.eid.raw + a.eid.raw_len != data + len ||
	    (a.eid.has_records && a.eid.hmac_off + lisp_sec_hmac_len(
	    a.eid.hmac_id) != a.eid.raw_len))
		abort();
	(void)lisp_sec_unwrap(&a, 1, "k", 1, false, otk);
	if (a.eid.has_records)
		(void)lisp_sec_hmac_verify(a.eid.hmac_id, "k", 1, a.eid.raw,
		    a.eid.raw_len, a.eid.hmac_off);
	n = lisp_sec_encode_ecm_ad(&a, buf, sizeof(buf), NULL);
	if (n < 0)
		return 0;	/* e.g. a 32-bit IID we only send as 24 */
	if ((size_t)n != len ||
	    lisp_sec_decode_ecm_ad(buf, (size_t)n, &b, &why) == -1 ||
	    b.eid.raw - buf != a.eid.raw - data)
		abort();
	b.eid.raw = a.eid.raw;
	if (memcmp(&a, &b, sizeof(a)) != 0)
		abort();
	return 0;
}

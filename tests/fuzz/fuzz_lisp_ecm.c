/*
 * fuzz_lisp_ecm.c: libFuzzer harness for the Encapsulated Control Message
 * decoder (RFC 9301 §5.8) with its inner IPv4/IPv6 and UDP headers and,
 * with S, the LISP-SEC AD it skips (RFC 9303 §6.1).  What
 * it accepts must re-encode and decode again to the same headers and
 * payload; the inner message is fed to the Map-Request decoder too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lisp.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct lisp_map_request	q;
	static uint8_t			buf[LISP_MAX_MSG + 128];
	struct lisp_ecm			a, b;
	enum lisp_err			why = LERR_OK;
	ssize_t				n;

	if (lisp_decode_ecm(data, len, &a, &why) == -1) {
		if (why == LERR_OK || why >= LERR__COUNT)
			abort();
		return 0;
	}
	if (a.payload < data || a.payload + a.payload_len != data + len)
		abort();
	(void)lisp_decode_map_request(a.payload, a.payload_len, &q, &why);
	n = lisp_encode_ecm(&a, a.payload, a.payload_len, buf, sizeof(buf));
	if (n < 0)
		return 0;
	if (lisp_decode_ecm(buf, (size_t)n, &b, &why) == -1 ||
	    b.payload_len != a.payload_len ||
	    memcmp(b.payload, a.payload, a.payload_len) != 0)
		abort();
	if (a.sec_ad_len != b.sec_ad_len || (a.sec_ad_len > 0 &&
	    memcmp(a.sec_ad, b.sec_ad, a.sec_ad_len) != 0))
		abort();
	a.payload = b.payload;
	a.sec_ad = b.sec_ad;
	if (memcmp(&a, &b, sizeof(a)) != 0)
		abort();
	return 0;
}

/*
 * fuzz_lisp_map_reply.c: libFuzzer harness for the Map-Reply (RFC 9301 §5.4) decoder.
 * Whatever it accepts must re-encode, and decode again to the same struct.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lisp.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct lisp_map_reply	a, b;
	static uint8_t		buf[LISP_MAX_MSG];
	enum lisp_err		why = LERR_OK;
	ssize_t			n;

	/* decoders leave slots past a count alone: start both from zero so
	 * the whole-struct compare below sees only decoded fields */
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	if (lisp_decode_map_reply(data, len, &a, &why) == -1) {
		if (why == LERR_OK || why >= LERR__COUNT)
			abort();	/* refused without a reason */
		return 0;
	}
	n = lisp_encode_map_reply(&a, buf, sizeof(buf));
	if (n < 0)
		return 0;	/* e.g. a 32-bit IID we only send as 24 */
	if (lisp_decode_map_reply(buf, (size_t)n, &b, &why) == -1 ||
	    memcmp(&a, &b, sizeof(a)) != 0)
		abort();
	return 0;
}

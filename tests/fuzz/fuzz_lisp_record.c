/*
 * fuzz_lisp_record.c: libFuzzer harness for the EID record / locator /
 * address decoders (RFC 9301 §5.4, RFC 8060 §4.1) as building blocks:
 * records are read one after another until the input runs out, each
 * must re-encode and decode to the same struct, and the cursor must
 * never move past the end.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lisp.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct lisp_record	a, b;
	static uint8_t			buf[LISP_MAX_MSG];
	struct lisp_addr		x;
	struct cur			c = cur_make(data, len), c2;
	struct wbuf			w;
	enum lisp_err			why;

	c2 = c;
	why = LERR_OK;
	if (lisp_decode_addr(&c2, &x, &why) == -1 && why == LERR_OK)
		abort();
	while (cur_left(&c) > 0) {
		why = LERR_OK;
		/* decoders leave slots past a count alone: start both from zero so
		 * the whole-struct compare below sees only decoded fields */
		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		if (lisp_decode_record(&c, &a, &why) == -1) {
			if (why == LERR_OK || why >= LERR__COUNT)
				abort();
			break;
		}
		if (c.p + c.len != data + len)
			abort();
		w = wbuf_make(buf, sizeof(buf));
		if (lisp_encode_record(&w, &a) == -1)
			continue;
		c2 = cur_make(buf, w.len);
		if (lisp_decode_record(&c2, &b, &why) == -1 ||
		    cur_left(&c2) != 0 || memcmp(&a, &b, sizeof(a)) != 0)
			abort();
	}
	return 0;
}

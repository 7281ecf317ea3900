/*
 * fuzz_lisp_data_hdr.c: libFuzzer harness for the LISP data header
 * decoder (RFC 9300 §5.3).  What it accepts must re-encode to a header
 * that decodes to the same struct.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lisp.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct lisp_data_hdr	a, b;
	enum lisp_err		why = LERR_OK;
	uint8_t			buf[LISP_DATA_HDR_LEN];

	if (lisp_decode_data_hdr(data, len, &a, &why) == -1) {
		if (why == LERR_OK || why >= LERR__COUNT)
			abort();
		return 0;
	}
	if (lisp_encode_data_hdr(&a, buf, sizeof(buf)) != LISP_DATA_HDR_LEN ||
	    lisp_decode_data_hdr(buf, sizeof(buf), &b, &why) == -1 ||
	    memcmp(&a, &b, sizeof(a)) != 0)
		abort();
	return 0;
}

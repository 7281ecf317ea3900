/* fuzz_xtr_config.c: libFuzzer harness for the xtrd.conf parser: any
 * input either parses (and then prints and parses back to the same
 * text) or is rejected with errors, never a crash or a leak. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xtr/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static FILE		*devnull;
	static struct xtr_conf	 c, c2;
	char			*a = NULL, *b = NULL;
	size_t			 alen = 0, blen = 0;
	FILE			*f;

	if (devnull == NULL)
		devnull = fopen("/dev/null", "w");
	if (xc_load_text("fuzz", (const char *)data, len, &c, devnull) != 0)
		return 0;
	/* accepted: the normalised form must parse back identically */
	f = open_memstream(&a, &alen);
	xc_print(f, &c);
	fclose(f);
	if (xc_load_text("fuzz-nv", a, alen, &c2, devnull) != 0)
		abort();
	f = open_memstream(&b, &blen);
	xc_print(f, &c2);
	fclose(f);
	if (alen != blen || memcmp(a, b, alen) != 0)
		abort();
	free(a);
	free(b);
	return 0;
}

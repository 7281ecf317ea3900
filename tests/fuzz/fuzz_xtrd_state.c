/* fuzz_xtrd_state.c: libFuzzer harness for xtrd.state's parser
 * (xtr/xtrd_state_parse.c): any bytes give an xTR-ID, away entries with
 * 1 to XC_MAX_RLOC locators and a masked-or-refused prefix, or skipped
 * lines; never a read past the text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xtr/xtrd_state.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check(const struct xst_away *a, void *arg)
{
	(void)arg;
	if (a->nrloc < 1 || a->nrloc > XC_MAX_RLOC)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	uint8_t	 id[16];
	bool	 have;
	char	*s;

	if ((s = malloc(len + 1)) == NULL)
		return 0;
	memcpy(s, data, len);
	s[len] = '\0';
	(void)xst_parse(s, id, &have, check, NULL);
	free(s);
	return 0;
}

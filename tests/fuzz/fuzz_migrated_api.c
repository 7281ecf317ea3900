/* fuzz_migrated_api.c: libFuzzer harness for migrated's API bodies
 * (POST /v1/vif, POST /v1/departure).  A body accepted once must be
 * accepted again with the same result. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "migrated/api_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct api_vif		v1, v2;
	struct api_departure	d1, d2;
	struct api_err		e;
	char			*copy;

	if ((copy = malloc(len ? len : 1)) == NULL)
		return 0;
	memcpy(copy, data, len);
	if (api_parse_vif(copy, len, &v1, &e) == 0) {
		if (api_parse_vif(copy, len, &v2, &e) != 0 ||
		    memcmp(&v1, &v2, sizeof(v1)) != 0)
			abort();
	} else if (e.counter == NULL || e.msg[0] == '\0')
		abort();
	if (api_parse_departure(copy, len, &d1, &e) == 0) {
		if (d1.nrlocs < 1 || d1.nrlocs > API_MAX_RLOCS ||
		    api_parse_departure(copy, len, &d2, &e) != 0 ||
		    memcmp(&d1, &d2, sizeof(d1)) != 0)
			abort();
	}
	free(copy);
	return 0;
}

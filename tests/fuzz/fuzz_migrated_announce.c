/* fuzz_migrated_announce.c: libFuzzer harness for migrated's frame parser
 * (gratuitous ARP, RARP, neighbour advertisements, anything else). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "migrated/announce.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct announce	 a;
	const char	*why = NULL;
	uint8_t		*copy;
	char		 buf[MAC_STRLEN];

	/* An exact-size heap copy so ASan sees any read past the end. */
	if ((copy = malloc(len ? len : 1)) == NULL)
		return 0;
	memcpy(copy, data, len);
	if (announce_parse(copy, len, &a, &why) == 0) {
		(void)mac_fmt(a.eth_src, buf, sizeof(buf));
		if (a.kind != ANN_FRAME && a.kind != ANN_RARP &&
		    a.addr.af == 0)
			abort();
	} else if (why == NULL || why[0] == '\0')
		abort();
	free(copy);
	return 0;
}

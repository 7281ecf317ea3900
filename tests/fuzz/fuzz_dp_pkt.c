/*
 * fuzz_dp_pkt.c: libFuzzer harness for the data plane's inner-packet
 * parser (xtr/dp_pkt.c), which sees every packet from the site (TUN) and
 * every decapsulated one.  Properties: what it accepts lies inside the
 * buffer, addresses are of the version announced, and parsing is
 * deterministic (same flow hash twice).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xtr/dp/dp_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct dp_pkt	a, b;
	uint8_t		*copy;

	/* a heap copy of exactly len bytes, so ASan sees any overread */
	if ((copy = malloc(len ? len : 1)) == NULL)
		return 0;
	memcpy(copy, data, len);
	if (dp_pkt_parse(copy, len, &a) != DPP_OK) {
		free(copy);
		return 0;
	}
	if (a.len > len || a.hlen > a.len || a.src.af != a.dst.af ||
	    (a.src.af != AF_INET && a.src.af != AF_INET6) ||
	    (copy[0] >> 4) != (a.src.af == AF_INET ? 4 : 6))
		abort();
	if (dp_pkt_parse(copy, len, &b) != DPP_OK || a.hash != b.hash ||
	    memcmp(&a, &b, sizeof(a)) != 0)
		abort();
	free(copy);
	return 0;
}

/* fuzz_nonce_floor.c: libFuzzer harness for a state_dir floor file
 * ("floor HEX\n": xtr/nonce_seq.c's state_floor_parse) and the xTR-ID
 * file ("xtr-id HEX32\n", state_xtr_id_parse): any bytes parse
 * to a value or are refused, never read past n. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xtr/nonce_seq.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	uint64_t	v;
	uint8_t		id[16];
	char		*s;

	if ((s = malloc(len ? len : 1)) == NULL)
		return 0;
	memcpy(s, data, len);
	(void)state_floor_parse(s, len, &v);
	(void)state_xtr_id_parse(s, len, id);
	free(s);
	return 0;
}

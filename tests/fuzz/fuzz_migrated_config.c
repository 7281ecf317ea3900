/* fuzz_migrated_config.c: libFuzzer harness for the migrated.conf parser;
 * whatever parses must print back to text that parses to the same text. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migrated/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct mig_conf	c1, c2;
static char		t1[1 << 16], t2[1 << 16];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static FILE	*devnull;
	FILE		*f;

	if (devnull == NULL)
		devnull = fopen("/dev/null", "w");
	if (conf_parse_text("fuzz", (const char *)data, len, &c1, devnull) != 0)
		return 0;
	memset(t1, 0, sizeof(t1));
	f = fmemopen(t1, sizeof(t1) - 1, "w");
	conf_print(f, &c1);
	fclose(f);
	if (conf_parse_text("fuzz2", t1, strlen(t1), &c2, devnull) != 0)
		abort();
	memset(t2, 0, sizeof(t2));
	f = fmemopen(t2, sizeof(t2) - 1, "w");
	conf_print(f, &c2);
	fclose(f);
	if (strcmp(t1, t2) != 0)
		abort();
	return 0;
}

/* fuzz_cfgline.c: libFuzzer harness for the config tokenizer. */
#include <stdint.h>
#include <stdio.h>

#include "addr.h"
#include "cfgline.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
cb(struct cfg_parser *cp, struct cfg_line *l, void *arg)
{
	struct ipprefix	p;
	unsigned long	v;
	int		i;

	(void)arg;
	for (i = 0; i < l->ntok; i++) {
		(void)ipprefix_parse(l->tok[i], &p);
		(void)cfg_uint(l->tok[i], 0, 65535, &v);
	}
	if (l->ntok > 3)
		return cfg_error(cp, l, l->tok[3], "fuzz");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static FILE		*devnull;
	struct cfg_parser	 cp = { "fuzz", 0, NULL };

	if (devnull == NULL)
		devnull = fopen("/dev/null", "w");
	cp.errf = devnull;
	cfg_read_text(&cp, (const char *)data, len, cb, NULL);
	return 0;
}

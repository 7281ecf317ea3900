/*
 * fuzz_openlisp.c: libFuzzer harness for openlisp-import's parser and its
 * two printers.  Whatever parses must print; what ol_print prints must parse
 * again to the same text; what ol_emit_xtrd prints (when ol_emit_check lets
 * it) must be accepted by xtrd's own parser.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lisp.h"
#include "xtr/config.h"
#include "tools/openlisp.h"
#include "tools/openlisp_emit.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static FILE	*devnull;

static char *
print_ol(const struct ol_config *oc, size_t *len)
{
	char	*buf = NULL;
	FILE	*f = open_memstream(&buf, len);

	if (f == NULL)
		abort();
	ol_print(f, oc);
	fclose(f);
	return buf;
}

static void
check_xtrd(const struct ol_config *oc)
{
	static struct xtr_conf	 xc;
	struct ol_emit_opts	 o;
	char			*buf = NULL;
	size_t			 len;
	FILE			*f;

	ol_emit_defaults(&o);
	if (oc->n == 0 || ol_emit_check(devnull, oc, &o, "fuzz") != 0)
		return;
	if ((f = open_memstream(&buf, &len)) == NULL)
		abort();
	ol_emit_xtrd(f, oc, &o, "fuzz");
	fclose(f);
	if (xc_load_text("fuzz-xtrd", buf, len, &xc, devnull) != 0)
		abort();
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct cfg_parser	 cp = { "fuzz", 0, NULL };
	struct cfg_parser	 cp2 = { "fuzz2", 0, NULL };
	struct ol_config	 oc, oc2;
	char			*t1, *t2;
	size_t			 l1, l2;

	if (devnull == NULL)
		devnull = fopen("/dev/null", "w");
	cp.errf = cp2.errf = devnull;
	ol_init(&oc);
	cfg_read_text(&cp, (const char *)data, len, ol_line, &oc);
	if (ol_finish(&cp, &oc) == 0) {
		check_xtrd(&oc);
		/* round trip: the normalised form parses to itself */
		t1 = print_ol(&oc, &l1);
		ol_init(&oc2);
		cfg_read_text(&cp2, t1, l1, ol_line, &oc2);
		if (ol_finish(&cp2, &oc2) != 0)
			abort();
		t2 = print_ol(&oc2, &l2);
		if (l1 != l2 || memcmp(t1, t2, l1) != 0)
			abort();
		free(t1);
		free(t2);
		ol_free(&oc2);
	}
	ol_free(&oc);
	return 0;
}

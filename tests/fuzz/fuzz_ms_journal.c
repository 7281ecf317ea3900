/* fuzz_ms_journal.c: libFuzzer harness for a Map-Server journal line
 * (xtr/ms_journal_parse.c): any bytes either parse into a line whose
 * fields are in range or are refused, never a crash or an overread. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xtr/ms/ms_journal.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct msj_line	 l;
	char			*s;

	if ((s = malloc(len + 1)) == NULL)
		return 0;
	memcpy(s, data, len);
	s[len] = '\0';
	if (msj_parse_line(s, &l) == 0) {
		if (l.kind != 'N' && l.kind != 'R' && l.kind != 'W')
			abort();
		if (l.kind == 'R' && (l.rec.nloc > LISP_MAX_LOCATORS ||
		    l.rec.ttl == 0 || l.eid.plen > 128 || l.iid > 0xffffff ||
		    l.rec.eid.has_iid != (l.iid != 0)))
			abort();
		if (memchr(l.site, '\0', sizeof(l.site)) == NULL)
			abort();
	}
	free(s);
	return 0;
}

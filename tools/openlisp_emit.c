/*
 * openlisp_emit.c: print a parsed OpenLISP configuration as xtrd.conf,
 * see openlisp_emit.h.  PROVISIONAL: xtrd's format is being defined in
 * xtr/config.c; this prints the mapping as comments until it is.
 */
#include <string.h>

#include "openlisp_emit.h"

int
ol_emit_check(FILE *f, const struct ol_config *oc, const char *src)
{
	size_t		i, j;
	unsigned	m, n;
	char		a[IPADDR_STRLEN];
	int		errs = 0;

	/* One Map-Server, one key: xtrd authenticates per Map-Server. */
	for (i = 0; i < oc->n; i++)
		for (m = 0; m < oc->blocks[i].nms; m++)
			for (j = 0; j < i; j++)
				for (n = 0; n < oc->blocks[j].nms; n++) {
					if (ipaddr_cmp(&oc->blocks[i].ms[m],
					    &oc->blocks[j].ms[n]) != 0 ||
					    strcmp(oc->blocks[i].key,
					    oc->blocks[j].key) == 0)
						continue;
					fprintf(f, "%s:%d: Map-Server given "
					    "another key than at line %d "
					    "(xtrd has one key per "
					    "Map-Server) '%s'\n", src,
					    oc->blocks[i].lineno,
					    oc->blocks[j].lineno,
					    ipaddr_fmt(&oc->blocks[i].ms[m], a,
					    sizeof(a)));
					errs++;
				}
	return errs ? -1 : 0;
}

void
ol_emit_xtrd(FILE *f, const struct ol_config *oc, const char *src)
{
	fprintf(f, "# xtrd.conf imported from OpenLISP %s by openlisp-import\n",
	    src);
	ol_print(f, oc);
}

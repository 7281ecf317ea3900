/* xtrd_state_parse.c: xtrd.state's text, see xtrd_state.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xtr/xtrd_state.h"

static int
hex_id(const char *s, uint8_t *id)
{
	int	i;

	if (strlen(s) != 2 * LISP_XTR_ID_LEN)
		return -1;
	for (i = 0; i < LISP_XTR_ID_LEN; i++) {
		unsigned int	b;
		char		h[3] = { s[2 * i], s[2 * i + 1], '\0' };

		if (strspn(h, "0123456789abcdefABCDEF") != 2 ||
		    sscanf(h, "%2x", &b) != 1)
			return -1;
		id[i] = (uint8_t)b;
	}
	return 0;
}

/* One "away" line after its keyword; 0 or -1. */
static int
parse_away(char *rest, struct xst_away *a)
{
	char		*tok, *save = NULL, *end;
	int		 n = 0;

	memset(a, 0, sizeof(*a));
	if ((tok = strtok_r(rest, " \t", &save)) == NULL ||
	    ipprefix_parse(tok, &a->eid) == -1)
		return -1;
	if ((tok = strtok_r(NULL, " \t", &save)) == NULL)
		return -1;
	errno = 0;
	a->expires_ms = strtoull(tok, &end, 10);
	if (errno != 0 || *end != '\0' || *tok == '-')
		return -1;
	while ((tok = strtok_r(NULL, " \t", &save)) != NULL) {
		if (n == XC_MAX_RLOC || ipaddr_parse(tok, &a->rloc[n]) == -1)
			return -1;
		n++;
	}
	a->nrloc = n;
	return n > 0 ? 0 : -1;
}

int
xst_parse(const char *text, uint8_t *id, bool *have_id, void (*away_cb)(
    const struct xst_away *, void *), void *arg)
{
	char		 line[XST_LINE], *sp;
	const char	*p = text, *nl;
	struct xst_away	 a;
	int		 bad = 0, lineno = 0;
	size_t		 len;

	*have_id = false;
	for (; *p != '\0'; p = *nl ? nl + 1 : nl) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		len = (size_t)(nl - p);
		lineno++;
		if (len >= sizeof(line)) {
			bad++;
			continue;
		}
		memcpy(line, p, len);
		line[len] = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		if (lineno == 1) {
			if (strcmp(line, "xtrd-state 1") != 0)
				return -1;	/* not ours, or a newer format */
			continue;
		}
		if ((sp = strchr(line, ' ')) == NULL) {
			bad++;
			continue;
		}
		*sp++ = '\0';
		if (strcmp(line, "xtr_id") == 0 && hex_id(sp, id) == 0)
			*have_id = true;
		else if (strcmp(line, "away") == 0 && parse_away(sp, &a) == 0)
			away_cb(&a, arg);
		else
			bad++;
	}
	return bad;
}


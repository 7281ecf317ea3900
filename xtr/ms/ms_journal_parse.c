/*
 * ms_journal_parse.c: one line of the Map-Server's journal (the format is
 * described in ms_journal.c), parsed without touching the daemon's state
 * so that it can be fuzzed alone (tests/fuzz/fuzz_ms_journal.c).  Every
 * field is range-checked; a malformed line is -1, skipped and counted by
 * the reader.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xtr/ms/ms_journal.h"

static int
parse_hex(const char *s, uint8_t *out, size_t n)
{
	size_t	i;

	if (strlen(s) != 2 * n)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned	v = 0;
		int		k;

		for (k = 0; k < 2; k++) {
			char c = s[2 * i + k];

			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v |= (unsigned)(c - 'a' + 10);
			else
				return -1;
		}
		out[i] = (uint8_t)v;
	}
	return 0;
}

static int
parse_u64(const char *s, int base, uint64_t max, uint64_t *v)
{
	char	*end;

	if (*s == '\0' || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, base);
	return errno != 0 || *end != '\0' || *v > max ? -1 : 0;
}

static int
parse_loc(char *s, struct lisp_locator *l)
{
	char		*f[6], *save = NULL;
	uint64_t	 v[5];
	int		 i;

	for (i = 0; i < 6; i++)
		if ((f[i] = strtok_r(i ? NULL : s, "/", &save)) == NULL)
			return -1;
	if (strtok_r(NULL, "/", &save) != NULL ||
	    ipaddr_parse(f[0], &l->rloc.ip) == -1)
		return -1;
	for (i = 0; i < 5; i++)
		if (parse_u64(f[i + 1], 10, 255, &v[i]) == -1 ||
		    (i == 4 && v[i] > 7))
			return -1;
	l->priority = (uint8_t)v[0];
	l->weight = (uint8_t)v[1];
	l->mpriority = (uint8_t)v[2];
	l->mweight = (uint8_t)v[3];
	l->local = v[4] & 1;
	l->probed = v[4] & 2;
	l->reachable = v[4] & 4;
	return 0;
}

/* [IID]PREFIX (IID 1 to 2^24 - 1, as written) or PREFIX (IID 0); no
 * host bits. */
static int
parse_prefix(const char *s, uint32_t *iid, struct ipprefix *p)
{
	struct ipprefix	chk;
	const char	*end;
	uint64_t	 v;
	char		 num[16];

	*iid = 0;
	if (*s == '[') {
		if ((end = strchr(s, ']')) == NULL ||
		    (size_t)(end - s - 1) >= sizeof(num))
			return -1;
		memcpy(num, s + 1, (size_t)(end - s - 1));
		num[end - s - 1] = '\0';
		if (parse_u64(num, 10, 0xffffff, &v) == -1 || v == 0)
			return -1;
		*iid = (uint32_t)v;
		s = end + 1;
	}
	if (ipprefix_parse(s, p) == -1)
		return -1;
	chk = *p;
	ipprefix_mask(&chk);
	return ipprefix_cmp(&chk, p) == 0 ? 0 : -1;
}

int
msj_parse_line(char *line, struct msj_line *o)
{
	char		*t[10 + LISP_MAX_LOCATORS], *save = NULL, *f;
	uint64_t	 v;
	int		 n = 0, i;

	memset(o, 0, sizeof(*o));
	for (f = strtok_r(line, " \t\n", &save); f != NULL;
	    f = strtok_r(NULL, " \t\n", &save)) {
		if (n == (int)(sizeof(t) / sizeof(t[0])))
			return -1;
		t[n++] = f;
	}
	if (n == 0 || t[0][0] == '#')
		return 1;			/* blank or comment */
	if (strcmp(t[0], "N") == 0 && n == 5) {
		o->kind = 'N';
		if (strlen(t[1]) >= sizeof(o->site) ||
		    parse_u64(t[2], 10, 255, &v) == -1 ||
		    parse_hex(t[3], o->xtr_id, LISP_XTR_ID_LEN) == -1 ||
		    parse_u64(t[4], 16, UINT64_MAX, &o->nonce) == -1)
			return -1;
		strcpy(o->site, t[1]);
		o->key_id = (uint8_t)v;
		return 0;
	}
	if (strcmp(t[0], "W") == 0 && n == 3) {
		o->kind = 'W';
		return parse_hex(t[1], o->xtr_id, LISP_XTR_ID_LEN) == -1 ||
		    parse_prefix(t[2], &o->iid, &o->eid) == -1 ? -1 : 0;
	}
	if (strcmp(t[0], "R") != 0 || n < 10 || n > 10 + LISP_MAX_LOCATORS)
		return -1;
	o->kind = 'R';
	if (strlen(t[1]) >= sizeof(o->site) ||
	    parse_hex(t[2], o->xtr_id, LISP_XTR_ID_LEN) == -1 ||
	    parse_u64(t[3], 10, UINT64_MAX, &o->site_id) == -1 ||
	    ipaddr_parse(t[5], &o->from) == -1 ||
	    parse_u64(t[6], 10, 65535, &v) == -1)
		return -1;
	strcpy(o->site, t[1]);
	o->port = (uint16_t)v;
	for (f = t[4]; *f != '\0'; f++)
		if (*f == 'p')
			o->proxy_reply = true;
		else if (*f == 'm')
			o->merge = true;
		else if (*f == 'r')
			o->released = true;
		else if (*f != '-')
			return -1;
	if (parse_u64(t[7], 10, UINT64_MAX, &o->expires_wall_ms) == -1 ||
	    parse_prefix(t[8], &o->iid, &o->eid) == -1 ||
	    parse_u64(t[9], 10, UINT32_MAX, &v) == -1 || v == 0)
		return -1;
	o->rec.ttl = (uint32_t)v;
	o->rec.eid.ip = o->eid.addr;
	o->rec.eid_plen = o->eid.plen;
	if (o->iid != 0) {		/* RFC 8060 §4.1 */
		o->rec.eid.has_iid = true;
		o->rec.eid.iid = o->iid;
	}
	o->rec.authoritative = true;
	for (i = 10; i < n; i++)
		if (parse_loc(t[i], &o->rec.loc[o->rec.nloc++]) == -1)
			return -1;
	return 0;
}

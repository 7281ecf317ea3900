/*
 * openlisp_parse.c: OpenLISP configuration parser (thesis Figures 7.1 and
 * 7.2), see openlisp.h.  An init / line / finish parser over cfgline.c,
 * one small function per kind of line, errors as "file:line: msg 'token'".
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "openlisp.h"

static void
ol_warn(struct cfg_parser *cp, struct ol_config *oc, int lineno,
    const char *tok, const char *fmt, ...) LOG_ATTR(5, 6);

static void
ol_warn(struct cfg_parser *cp, struct ol_config *oc, int lineno,
    const char *tok, const char *fmt, ...)
{
	FILE	*f = cp->errf ? cp->errf : stderr;
	va_list	 ap;

	fprintf(f, "%s:%d: warning: ", cp->file ? cp->file : "(config)",
	    lineno);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	if (tok != NULL)
		fprintf(f, " '%s'", tok);
	fputc('\n', f);
	oc->warnings++;
}

void
ol_init(struct ol_config *oc)
{
	memset(oc, 0, sizeof(*oc));
}

void
ol_free(struct ol_config *oc)
{
	free(oc->blocks);
	memset(oc, 0, sizeof(*oc));
}

static struct ol_block *
ol_open_block(struct ol_config *oc)
{
	struct ol_block	*b;

	if (oc->n == 0)
		return NULL;
	b = &oc->blocks[oc->n - 1];
	return b->nrloc < b->want ? b : NULL;
}

static struct ol_block *
ol_new_block(struct ol_config *oc)
{
	struct ol_block	*nb;
	size_t		 ncap;

	if (oc->n == oc->cap) {
		ncap = oc->cap ? oc->cap * 2 : 8;
		if ((nb = reallocarray(oc->blocks, ncap, sizeof(*nb))) == NULL)
			return NULL;
		oc->blocks = nb;
		oc->cap = ncap;
	}
	nb = &oc->blocks[oc->n++];
	memset(nb, 0, sizeof(*nb));
	return nb;
}

/* "IPV4" / "IPV6" on a line of its own starts a section. */
static int
ol_section(struct cfg_line *l, struct ol_config *oc)
{
	if (l->ntok != 1 || l->quoted[0])
		return 0;
	if (strcasecmp(l->tok[0], "IPV4") == 0)
		oc->section_af = AF_INET;
	else if (strcasecmp(l->tok[0], "IPV6") == 0)
		oc->section_af = AF_INET6;
	else
		return 0;
	return 1;
}

static int
ol_key(struct cfg_parser *cp, struct cfg_line *l, const char *tok,
    struct ol_block *b)
{
	const char	*s;

	if (*tok == '\0')
		return cfg_error(cp, l, tok, "empty key");
	if (strlen(tok) > OL_MAXKEY)
		return cfg_error(cp, l, tok, "key longer than %d characters",
		    OL_MAXKEY);
	for (s = tok; *s != '\0'; s++)
		if ((unsigned char)*s < 0x21 || (unsigned char)*s > 0x7e ||
		    *s == '\'' || *s == '"' || *s == '\\')
			return cfg_error(cp, l, tok,
			    "key must be printable ASCII without blanks, "
			    "quotes or backslashes");
	strcpy(b->key, tok);
	return 0;
}

static int
ol_eid(struct cfg_parser *cp, struct ol_config *oc, struct cfg_line *l,
    const char *atok, const char *ltok, struct ol_block *b)
{
	unsigned long	plen;
	struct ipprefix	masked;
	char		buf[IPPREFIX_STRLEN];

	if (ipaddr_parse(atok, &b->eid.addr) == -1)
		return cfg_error(cp, l, atok, "bad EID prefix address");
	if (oc->section_af != 0 && b->eid.addr.af != oc->section_af)
		return cfg_error(cp, l, atok, "EID prefix is not %s in the %s "
		    "section", oc->section_af == AF_INET ? "IPv4" : "IPv6",
		    oc->section_af == AF_INET ? "IPV4" : "IPV6");
	if (cfg_uint(ltok, 0, (unsigned long)ipaddr_maxplen(b->eid.addr.af),
	    &plen) == -1)
		return cfg_error(cp, l, ltok, "bad EID prefix length (0-%d)",
		    ipaddr_maxplen(b->eid.addr.af));
	b->eid.plen = (uint8_t)plen;
	masked = b->eid;
	ipprefix_mask(&masked);
	if (ipaddr_cmp(&masked.addr, &b->eid.addr) != 0) {
		ol_warn(cp, oc, l->lineno, atok, "EID prefix has host bits "
		    "set, using %s", ipprefix_fmt(&masked, buf, sizeof(buf)));
		b->eid = masked;
	}
	return 0;
}

static int
ol_dup_eid(struct cfg_parser *cp, struct ol_config *oc, struct cfg_line *l,
    const char *tok, const struct ol_block *b)
{
	size_t	i;

	for (i = 0; i + 1 < oc->n; i++)
		if (ipprefix_cmp(&oc->blocks[i].eid, &b->eid) == 0)
			return cfg_error(cp, l, tok, "EID prefix already "
			    "given at line %d", oc->blocks[i].lineno);
	return 0;
}

static int
ol_map_servers(struct cfg_parser *cp, struct cfg_line *l, int *i,
    struct ol_block *b)
{
	unsigned long	n;
	unsigned	j;

	if (cfg_uint(l->tok[*i], 1, OL_MAXMS, &n) == -1)
		return cfg_error(cp, l, l->tok[*i], "bad Map-Server count "
		    "(1-%d)", OL_MAXMS);
	if (*i + 1 + (int)n >= l->ntok)
		return cfg_error(cp, l, l->tok[*i], "header too short for "
		    "this many Map-Servers and a TTL: Map-Server count");
	(*i)++;
	for (j = 0; j < n; j++, (*i)++) {
		if (ipaddr_parse(l->tok[*i], &b->ms[j]) == -1)
			return cfg_error(cp, l, l->tok[*i],
			    "bad Map-Server address");
	}
	b->nms = (unsigned)n;
	return 0;
}

/*
 * <RLOC count> <key> <EID> <plen> <MS count> <MS>... <TTL> [<flag>]
 */
static int
ol_header(struct cfg_parser *cp, struct cfg_line *l, struct ol_config *oc)
{
	struct ol_block	*b;
	unsigned long	 v;
	int		 i = 0;

	if ((b = ol_new_block(oc)) == NULL)
		return cfg_error(cp, l, NULL, "out of memory");
	b->lineno = l->lineno;
	b->section_af = oc->section_af;
	if (l->ntok < 7) {
		oc->n--;
		oc->resync = 1;
		return cfg_error(cp, l, l->tok[l->ntok - 1], "header needs at "
		    "least 7 fields (RLOC count, key, EID prefix, prefix "
		    "length, Map-Server count, Map-Servers, TTL), line ends "
		    "at");
	}
	if (cfg_uint(l->tok[i], 1, OL_MAXRLOC, &v) == -1)
		goto bad_count;
	b->want = (unsigned)v;
	if (ol_key(cp, l, l->tok[++i], b) == -1 ||
	    ol_eid(cp, oc, l, l->tok[i + 1], l->tok[i + 2], b) == -1)
		goto fail;
	i += 3;
	if (ol_dup_eid(cp, oc, l, l->tok[i - 2], b) == -1 ||
	    ol_map_servers(cp, l, &i, b) == -1)
		goto fail;
	if (cfg_uint(l->tok[i], 1, OL_MAXTTL, &b->ttl) == -1) {
		cfg_error(cp, l, l->tok[i], "bad TTL (1-%u minutes)",
		    OL_MAXTTL);
		goto fail;
	}
	if (++i < l->ntok) {
		if (cfg_uint(l->tok[i], 0, 1, &v) == -1) {
			cfg_error(cp, l, l->tok[i], "bad flag after the TTL "
			    "(0 or 1)");
			goto fail;
		}
		b->has_flag = 1;
		b->flag = (unsigned)v;
		if (++i < l->ntok) {
			cfg_error(cp, l, l->tok[i], "unexpected field");
			goto fail;
		}
	}
	return 0;
bad_count:
	cfg_error(cp, l, l->tok[0], "bad RLOC count (1-%d)", OL_MAXRLOC);
fail:
	oc->resync = 1;		/* skip its RLOC lines: one error per block */
	oc->n--;
	return -1;
}

/* <RLOC> <priority> <weight> <local/self> */
static int
ol_rloc(struct cfg_parser *cp, struct cfg_line *l, struct ol_block *b)
{
	struct ol_rloc	*r = &b->rloc[b->nrloc];
	unsigned long	 v;
	unsigned	 j;

	if (ipaddr_parse(l->tok[0], &r->addr) == -1)
		return cfg_error(cp, l, l->tok[0], "expected RLOC line %u of "
		    "%u (address priority weight local), bad address",
		    b->nrloc + 1, b->want);
	if (l->ntok != 4)
		return cfg_error(cp, l, l->tok[l->ntok - 1], "RLOC line needs "
		    "4 fields (address priority weight local), line ends at");
	for (j = 0; j < b->nrloc; j++)
		if (ipaddr_cmp(&b->rloc[j].addr, &r->addr) == 0)
			return cfg_error(cp, l, l->tok[0], "RLOC already given "
			    "at line %d", b->rloc[j].lineno);
	if (cfg_uint(l->tok[1], 0, 255, &v) == -1)
		return cfg_error(cp, l, l->tok[1], "bad RLOC priority (0-255)");
	r->priority = (uint8_t)v;
	if (cfg_uint(l->tok[2], 0, 255, &v) == -1)
		return cfg_error(cp, l, l->tok[2], "bad RLOC weight (0-255)");
	r->weight = (uint8_t)v;
	if (cfg_uint(l->tok[3], 0, 1, &v) == -1)
		return cfg_error(cp, l, l->tok[3], "bad local/self flag "
		    "(0 or 1)");
	r->local = (uint8_t)v;
	r->lineno = l->lineno;
	b->nrloc++;
	return 0;
}

int
ol_line(struct cfg_parser *cp, struct cfg_line *l, void *arg)
{
	struct ol_config	*oc = arg;
	struct ol_block		*b;
	struct ipaddr		 skip;
	int			 r;

	oc->lastline = l->lineno;
	if (oc->resync) {
		/* after an error, skip RLOC lines up to the next header */
		if (ipaddr_parse(l->tok[0], &skip) == 0)
			return 0;
		oc->resync = 0;
	}
	if ((b = ol_open_block(oc)) != NULL) {
		if ((r = ol_rloc(cp, l, b)) == -1) {
			oc->resync = 1;
			oc->n--;
		}
		return r;
	}
	if (ol_section(l, oc))
		return 0;
	return ol_header(cp, l, oc);
}

int
ol_finish(struct cfg_parser *cp, struct ol_config *oc)
{
	struct ol_block	*b;
	struct cfg_line	*l;
	char		 tok[16];

	if ((b = ol_open_block(oc)) != NULL) {
		if ((l = calloc(1, sizeof(*l))) == NULL)
			return ++cp->errors;
		l->lineno = b->lineno;
		snprintf(tok, sizeof(tok), "%u", b->want);
		cfg_error(cp, l, tok, "file ends after %u of the RLOC lines "
		    "announced by the RLOC count", b->nrloc);
		free(l);
		oc->n--;
	}
	return cp->errors;
}

static void
ol_print_block(FILE *f, const struct ol_block *b)
{
	char		 a[IPADDR_STRLEN];
	unsigned	 j;

	/* keys hold no quotes (ol_key): single quotes always work */
	fprintf(f, strpbrk(b->key, "#=,[]") ? "%u '%s'" : "%u %s", b->want,
	    b->key);
	fprintf(f, " %s %u %u", ipaddr_fmt(&b->eid.addr, a, sizeof(a)),
	    b->eid.plen, b->nms);
	for (j = 0; j < b->nms; j++)
		fprintf(f, " %s", ipaddr_fmt(&b->ms[j], a, sizeof(a)));
	fprintf(f, " %lu", b->ttl);
	if (b->has_flag)
		fprintf(f, " %u", b->flag);
	fputc('\n', f);
	for (j = 0; j < b->nrloc; j++)
		fprintf(f, "%s %u %u %u\n",
		    ipaddr_fmt(&b->rloc[j].addr, a, sizeof(a)),
		    b->rloc[j].priority, b->rloc[j].weight, b->rloc[j].local);
}

void
ol_print(FILE *f, const struct ol_config *oc)
{
	size_t	i;
	int	af = 0;

	for (i = 0; i < oc->n; i++) {
		if (oc->blocks[i].section_af != 0 &&
		    oc->blocks[i].section_af != af) {
			af = oc->blocks[i].section_af;
			fprintf(f, "%s\n", af == AF_INET ? "IPV4" : "IPV6");
		}
		ol_print_block(f, &oc->blocks[i]);
	}
}

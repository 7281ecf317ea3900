/*
 * openlisp_emit.c: a parsed OpenLISP configuration printed as xtrd.conf,
 * see openlisp_emit.h for the mapping between the two.
 */
#include <string.h>

#include "lisp.h"
#include "xtr/config.h"
#include "openlisp_emit.h"

void
ol_emit_defaults(struct ol_emit_opts *o)
{
	memset(o, 0, sizeof(*o));
	/* OpenLISP (2011) signed Map-Registers with HMAC-SHA-1-96, the
	 * algorithm RFC 6833 made mandatory. */
	o->alg = LISP_AUTH_HMAC_SHA1;
}

static int
emit_err(FILE *f, const char *src, int lineno, const char *tok,
    const char *msg)
{
	fprintf(f, "%s:%d: %s '%s'\n", src, lineno, msg, tok);
	return 1;
}

/* The RLOCs of the whole file, in order of first appearance. */
static int
rloc_union(const struct ol_config *oc, struct ipaddr *u, int max)
{
	size_t		i;
	unsigned	j;
	int		k, n = 0;

	for (i = 0; i < oc->n; i++)
		for (j = 0; j < oc->blocks[i].nrloc; j++) {
			const struct ipaddr *a = &oc->blocks[i].rloc[j].addr;

			for (k = 0; k < n; k++)
				if (ipaddr_cmp(&u[k], a) == 0)
					break;
			if (k < n)
				continue;
			if (n == max)
				return -1;
			u[n++] = *a;
		}
	return n;
}

/* Map-Servers: a Map-Server seen before in block j, m, or -1. */
static int
ms_first(const struct ol_config *oc, size_t upto, const struct ipaddr *a,
    size_t *bj)
{
	size_t		j;
	unsigned	m;

	for (j = 0; j < upto; j++)
		for (m = 0; m < oc->blocks[j].nms; m++)
			if (ipaddr_cmp(&oc->blocks[j].ms[m], a) == 0) {
				*bj = j;
				return 0;
			}
	return -1;
}

static int
check_block(FILE *f, const struct ol_config *oc, size_t i, int nu,
    const char *src)
{
	const struct ol_block	*b = &oc->blocks[i];
	char			 a[IPADDR_STRLEN];
	unsigned		 j, m;
	size_t			 bj;
	int			 errs = 0;

	for (j = 1; j < b->nrloc; j++)
		if (b->rloc[j].priority != b->rloc[0].priority ||
		    b->rloc[j].weight != b->rloc[0].weight)
			errs += emit_err(f, src, b->rloc[j].lineno,
			    ipaddr_fmt(&b->rloc[j].addr, a, sizeof(a)),
			    "xtrd gives all RLOCs of a mapping one priority "
			    "and weight; this one differs from the first");
	if ((int)b->nrloc != nu)
		errs += emit_err(f, src, b->lineno, ipprefix_fmt(&b->eid, a,
		    sizeof(a)), "xtrd registers every EID prefix with all "
		    "its RLOCs, but this block does not list every RLOC of "
		    "the file");
	if (strlen(b->key) >= XC_MAX_KEY || strchr(b->key, ',') != NULL)
		errs += emit_err(f, src, b->lineno, ipprefix_fmt(&b->eid, a,
		    sizeof(a)), "key too long for xtrd.conf or holds a ',' "
		    "(key of the block of");
	else if (xc_key_weak(b->key))
		errs += emit_err(f, src, b->lineno, ipprefix_fmt(&b->eid, a,
		    sizeof(a)), "key too weak for xtrd (under 16 bytes or under 8 "
		    "different characters): make a new one for both ends "
		    "with openssl rand -base64 32; key of the block of");
	for (m = 0; m < b->nms; m++)
		if (ms_first(oc, i, &b->ms[m], &bj) == 0 &&
		    strcmp(oc->blocks[bj].key, b->key) != 0) {
			char msg[128];

			snprintf(msg, sizeof(msg), "Map-Server given another "
			    "key than at line %d (xtrd has one key per "
			    "Map-Server)", oc->blocks[bj].lineno);
			errs += emit_err(f, src, b->lineno, ipaddr_fmt(&b->ms[m],
			    a, sizeof(a)), msg);
		}
	return errs;
}

int
ol_emit_check(FILE *f, const struct ol_config *oc,
    const struct ol_emit_opts *o, const char *src)
{
	struct ipaddr	u[XC_MAX_RLOC];
	size_t		i, bj;
	unsigned	m;
	int		nu, nms = 0, errs = 0;

	if ((nu = rloc_union(oc, u, XC_MAX_RLOC)) == -1) {
		fprintf(f, "%s: more than %d different RLOCs, xtrd's limit\n",
		    src, XC_MAX_RLOC);
		return 1;
	}
	if (oc->n > XC_MAX_DB) {
		fprintf(f, "%s: more than %d EID prefixes, xtrd's limit\n",
		    src, XC_MAX_DB);
		errs++;
	}
	if (o->nmr > XC_MAX_MR || o->npxtr > XC_MAX_PXTR) {
		fprintf(f, "openlisp-import: more than %d map-resolvers or "
		    "%d proxy-ITRs, xtrd's limits\n", XC_MAX_MR, XC_MAX_PXTR);
		errs++;
	}
	for (i = 0; i < oc->n; i++) {
		errs += check_block(f, oc, i, nu, src);
		for (m = 0; m < oc->blocks[i].nms; m++)
			if (ms_first(oc, i, &oc->blocks[i].ms[m], &bj) == -1)
				nms++;
	}
	if (nms > XC_MAX_MS) {
		fprintf(f, "%s: more than %d different Map-Servers, xtrd's "
		    "limit\n", src, XC_MAX_MS);
		errs++;
	}
	return errs;
}

static void
emit_addr_list(FILE *f, const char *key, const struct ipaddr *a, int n)
{
	char	buf[IPADDR_STRLEN];
	int	i;

	if (n == 0)
		return;
	fprintf(f, "%s = [", key);
	for (i = 0; i < n; i++)
		fprintf(f, "%s '%s'", i ? "," : "",
		    ipaddr_fmt(&a[i], buf, sizeof(buf)));
	fprintf(f, " ]\n");
}

static void
emit_database(FILE *f, const struct ol_config *oc, const char *src)
{
	const struct ol_block	*b;
	char			 p[IPPREFIX_STRLEN];
	size_t			 i;

	fprintf(f, "database = [\n");
	for (i = 0; i < oc->n; i++) {
		b = &oc->blocks[i];
		fprintf(f, "    # %s:%d", src, b->lineno);
		if (b->has_flag)
			fprintf(f, ", header flag %u after the TTL ignored",
			    b->flag);
		fprintf(f, "\n    '%s,priority=%u,weight=%u,ttl=%lu'%s\n",
		    ipprefix_fmt(&b->eid, p, sizeof(p)), b->rloc[0].priority,
		    b->rloc[0].weight, b->ttl, i + 1 < oc->n ? "," : " ]");
	}
}

static void
emit_map_servers(FILE *f, const struct ol_config *oc,
    const struct ol_emit_opts *o)
{
	char		a[IPADDR_STRLEN];
	size_t		i, bj;
	unsigned	m;
	int		first = 1;

	fprintf(f, "map_servers = [");
	for (i = 0; i < oc->n; i++)
		for (m = 0; m < oc->blocks[i].nms; m++) {
			if (ms_first(oc, i, &oc->blocks[i].ms[m], &bj) == 0)
				continue;
			fprintf(f, "%s\n    '%s,key=%s,alg=%s,key_id=0'",
			    first ? "" : ",", ipaddr_fmt(&oc->blocks[i].ms[m],
			    a, sizeof(a)), oc->blocks[i].key,
			    xc_alg_name((uint8_t)o->alg));
			first = 0;
		}
	fprintf(f, " ]\n");
}

void
ol_emit_xtrd(FILE *f, const struct ol_config *oc,
    const struct ol_emit_opts *o, const char *src)
{
	struct ipaddr	u[XC_MAX_RLOC];
	int		nu;
	size_t		i;
	unsigned	j;
	char		a[IPADDR_STRLEN];

	nu = rloc_union(oc, u, XC_MAX_RLOC);
	fprintf(f, "# xtrd.conf imported by openlisp-import from %s\n"
	    "# (OpenLISP's format: thesis Figures 7.1 and 7.2).  Map-Server "
	    "keys are\n# in clear: keep this file mode 0600.\n", src);
	fprintf(f, "role = \"xtr\"\n");
	fprintf(f, "# OpenLISP's local/self column (first block):");
	for (i = 0; i < oc->n; i++)
		for (j = 0; j < oc->blocks[i].nrloc; j++)
			if (i == 0)
				fprintf(f, " %s=%u", ipaddr_fmt(
				    &oc->blocks[i].rloc[j].addr, a, sizeof(a)),
				    oc->blocks[i].rloc[j].local);
	fprintf(f, "\n");
	emit_addr_list(f, "rlocs", u, nu);
	emit_database(f, oc, src);
	emit_map_servers(f, oc, o);
	emit_addr_list(f, "map_resolvers", o->mr, o->nmr);
	emit_addr_list(f, "proxy_itrs", o->pxtr, o->npxtr);
}

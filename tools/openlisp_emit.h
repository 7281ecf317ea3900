/*
 * openlisp_emit.h: print a parsed OpenLISP configuration as xtrd.conf (the
 * format of xtr/config.h).
 *
 * OpenLISP gives each EID prefix its own locator set with a priority and
 * weight per RLOC; xtrd has one list of RLOCs (its own) and registers every
 * database EID with all of them, one priority and weight per mapping.  So:
 *   rlocs       = every RLOC of the file, in order of first appearance
 *   database    = one mapping per block: its EID prefix, the priority and
 *                 weight its RLOCs share, its TTL (minutes, as in OpenLISP)
 *   map_servers = every Map-Server of the file with its block's key
 * A file that needs more than that (RLOCs of one block with different
 * priorities, blocks with different RLOC sets, one Map-Server with two keys)
 * is refused by ol_emit_check() rather than silently changed.
 */
#ifndef MIG_OPENLISP_EMIT_H
#define MIG_OPENLISP_EMIT_H

#include <stdio.h>

#include "openlisp.h"

#define OL_EMIT_MAXADDR	16

struct ol_emit_opts {
	int		alg;			/* LISP_AUTH_HMAC_* */
	int		nmr;			/* -r: map_resolvers */
	struct ipaddr	mr[OL_EMIT_MAXADDR];
	int		npxtr;			/* -p: proxy_itrs */
	struct ipaddr	pxtr[OL_EMIT_MAXADDR];
};

void	ol_emit_defaults(struct ol_emit_opts *);
/* What xtrd.conf cannot say, reported on f as "src:line: message 'token'".
 * Returns the number of problems (0: ol_emit_xtrd may run). */
int	ol_emit_check(FILE *f, const struct ol_config *,
	    const struct ol_emit_opts *, const char *src);
/* The xtrd.conf text; src names the input in comments. */
void	ol_emit_xtrd(FILE *f, const struct ol_config *,
	    const struct ol_emit_opts *, const char *src);

#endif

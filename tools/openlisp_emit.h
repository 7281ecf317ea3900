/*
 * openlisp_emit.h: print a parsed OpenLISP configuration as xtrd.conf.
 */
#ifndef MIG_OPENLISP_EMIT_H
#define MIG_OPENLISP_EMIT_H

#include <stdio.h>

#include "openlisp.h"

/* What OpenLISP can say that xtrd.conf cannot (e.g. one Map-Server given two
 * different keys): reported on f as "file: message 'token'".  0 or -1. */
int	ol_emit_check(FILE *f, const struct ol_config *, const char *src);
/* The xtrd.conf text; src names the input in the header comment. */
void	ol_emit_xtrd(FILE *f, const struct ol_config *, const char *src);

#endif

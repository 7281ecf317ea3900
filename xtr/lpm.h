/*
 * lpm.h: longest-prefix-match table for one address family, the structure
 * under the map-cache, the database, the Map-Server's registrations and the
 * away entries.  Values are opaque pointers owned by the caller.
 */
#ifndef XTR_LPM_H
#define XTR_LPM_H

#include <stddef.h>

#include "addr.h"

struct lpm;

struct lpm	*lpm_new(int af);
/* freefn (may be NULL) is called for every value still in the table. */
void		 lpm_free(struct lpm *, void (*freefn)(void *));
/* Insert or replace; *old (if not NULL) gets the replaced value or NULL.
 * 0, or -1 (ENOMEM, or EINVAL for a prefix of the wrong family). */
int		 lpm_insert(struct lpm *, const struct ipprefix *, void *val,
		    void **old);
/* Remove exactly this prefix; returns its value or NULL. */
void		*lpm_remove(struct lpm *, const struct ipprefix *);
void		*lpm_exact(const struct lpm *, const struct ipprefix *);
/* Longest prefix containing addr; *matched (if not NULL) is set. */
void		*lpm_lookup(const struct lpm *, const struct ipaddr *,
		    struct ipprefix *matched);
/* Longest prefix covering p (p itself included). */
void		*lpm_lookup_prefix(const struct lpm *, const struct ipprefix *,
		    struct ipprefix *matched);
size_t		 lpm_count(const struct lpm *);
/* Visit every entry in prefix order; a non-zero return from cb stops the
 * walk and is returned.  cb must not modify the table. */
int		 lpm_walk(const struct lpm *,
		    int (*cb)(const struct ipprefix *, void *val, void *arg),
		    void *arg);
/* Visit the entries covered by p (p itself and every more-specific). */
int		 lpm_walk_covered(const struct lpm *, const struct ipprefix *p,
		    int (*cb)(const struct ipprefix *, void *val, void *arg),
		    void *arg);

#endif

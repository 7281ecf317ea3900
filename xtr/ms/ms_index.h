/*
 * ms_index.h: the Map-Server's exact-prefix index, beside its tries.
 *
 * The tries answer longest-prefix lookups and walks.  A Map-Register names
 * its EID-prefix exactly, and the trie walk to it (a cache miss per level:
 * a dozen for 4096 /32s) was the largest cost of a refresh after the HMAC.
 * This table holds the same prefixes and finds one in a slot or two: open
 * addressing, linear probing, backward-shift deletion, at most 3/4 full.
 * A slot holds the prefix's 64-bit hash and its ms_eid, whose own eid (the
 * one lpm_insert was given, host bits and all) confirms a hash match, and
 * where that EID's registrations were when last seen: a hint that is only
 * ever prefetched (ix_prefetch), never dereferenced, so it may go stale.
 * Every lpm_insert / lpm_remove on ms_tab4/6 goes with an ix_add / ix_del.
 * An ms_index belongs to the Map-Server (struct xtrd's ms_ix).
 */
#ifndef XTR_MS_MS_INDEX_H
#define XTR_MS_MS_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "xtr/ms/ms.h"

struct ix_slot {
	uint64_t	 h;
	struct ms_eid	*e;		/* NULL: empty */
	const void	*regs_hint;
};

struct ms_index {
	struct ix_slot	*s;
	size_t		 mask;		/* slots - 1 */
	unsigned	 shift;		/* 64 - log2(slots) */
	size_t		 n;
};

/* A prefix as the index keys it, worked out once per record. */
struct ix_ref {
	uint64_t	k[3];	/* address, bits past the length zero;
				 * iid << 16 | af << 8 | plen */
	uint64_t	h;
	bool		ok;	/* of a family the tables hold */
};

struct ms_index	*ix_new(void);
void		 ix_free(struct ms_index *);
void		 ix_ref(uint32_t iid, const struct ipprefix *, struct ix_ref *);
struct ix_slot	*ix_slot_ref(struct ms_index *, const struct ix_ref *);
struct ms_eid	*ix_find(struct ms_index *, uint32_t iid,
		    const struct ipprefix *);
/* (e->iid, e->eid) must not be in the index yet. */
int		 ix_add(struct ms_index *, struct ms_eid *);
void		 ix_del(struct ms_index *, uint32_t iid, const struct ipprefix *);
/* Remember where e's registrations are, for ix_prefetch. */
void		 ix_hint(struct ms_index *, struct ms_eid *);

/*
 * Start the cache misses a refresh of r's prefix will take without waiting
 * for any: ix_prefetch_slot asks for its slot; ix_prefetch, once the slot
 * is likely there, for what the slot names (the ms_eid, its registration
 * up to the record's first locators).  Only the slot is read; a hash match
 * is not confirmed, a wrong guess costs a useless prefetch.
 */
static inline void
ix_prefetch_slot(const struct ms_index *ix, const struct ix_ref *r)
{
	if (ix->s != NULL && r->ok)
		__builtin_prefetch(&ix->s[r->h >> ix->shift]);
}

static inline void
ix_prefetch(const struct ms_index *ix, const struct ix_ref *r)
{
	const struct ix_slot	*s;
	const char		*g;
	size_t			 i;

	if (ix->s == NULL || !r->ok)
		return;
	for (i = r->h >> ix->shift; (s = &ix->s[i])->e != NULL && s->h != r->h;)
		i = (i + 1) & ix->mask;
	if (s->e == NULL)
		return;
	__builtin_prefetch(s->e);
	if ((g = s->regs_hint) == NULL)
		return;
	__builtin_prefetch(g);
	__builtin_prefetch(g + 64);
	__builtin_prefetch(g + 128);
	__builtin_prefetch(g + offsetof(struct ms_reg, rec.loc[1]) - 1);
}

#endif

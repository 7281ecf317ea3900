/*
 * dp_hold_ix.h: the index of the EIDs the data plane holds packets for
 * (dp_hold.c, issue 18).  Every decapsulated packet asks it "is your
 * destination held?" before delivery; a linear scan of the hold table
 * cost up to HIX_MAX prefix comparisons per packet.  Here each held
 * prefix sits in a hash of (family, length, masked address), and a
 * lookup masks the address once per prefix length in use (one for host
 * EIDs alone, the case of a migration): constant time, whatever the
 * number of holds.  Ids are the caller's slot numbers, 0 .. HIX_MAX - 1.
 */
#ifndef XTR_DP_HOLD_IX_H
#define XTR_DP_HOLD_IX_H

#include <stdint.h>

#include "addr.h"

#define HIX_MAX		256		/* ids 0 .. HIX_MAX - 1 */
#define HIX_BUCKETS	512		/* power of two, 2 x HIX_MAX */

struct hold_ix {
	uint32_t	seed;
	int16_t		head[HIX_BUCKETS];	/* -1: empty */
	int16_t		next[HIX_MAX];
	struct ipprefix	key[HIX_MAX];		/* masked */
	uint8_t		used[HIX_MAX];
	uint16_t	nplen[2][129];		/* [v6][plen]: entries */
	uint64_t	plens[2][3];		/* the same as a bitmap */
};

/* seed: any value (a random one keeps the buckets unpredictable). */
void	hix_init(struct hold_ix *, uint32_t seed);
/* 0, or -1 (bad id or family, id in use, prefix already indexed). */
int	hix_add(struct hold_ix *, const struct ipprefix *, int id);
/* Forget id (indexed under prefix); nothing if it is not. */
void	hix_del(struct hold_ix *, int id);
/* The id indexed under exactly this prefix (masked here), or -1. */
int	hix_exact(const struct hold_ix *, const struct ipprefix *);
/* The id of the longest indexed prefix containing a, or -1. */
int	hix_match(const struct hold_ix *, const struct ipaddr *a);

#endif

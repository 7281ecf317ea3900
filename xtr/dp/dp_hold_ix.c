/*
 * dp_hold_ix.c: hash index of the held EID prefixes (dp_hold_ix.h).
 * Chained buckets over fixed arrays: no allocation, HIX_MAX entries at
 * most, so a chain is never longer than the linear scan it replaces.
 */
#include <string.h>
#include <sys/socket.h>

#include "dp_hold_ix.h"

static int
fam(int af)
{
	return af == AF_INET6 ? 1 : af == AF_INET ? 0 : -1;
}

/* FNV-1a over family, length and the address bytes, seeded, then a
 * final mix so that the low bits (the bucket) depend on every byte. */
static uint32_t
hix_hash(uint32_t seed, const struct ipprefix *p)
{
	size_t		i, n = ipaddr_len(p->addr.af);
	uint32_t	h = 2166136261u ^ seed;

	h = (h ^ p->addr.af) * 16777619u;
	h = (h ^ p->plen) * 16777619u;
	for (i = 0; i < n; i++)
		h = (h ^ p->addr.a[i]) * 16777619u;
	h ^= h >> 16;
	h *= 0x7feb352du;
	h ^= h >> 15;
	return h;
}

static int
find(const struct hold_ix *ix, const struct ipprefix *k)
{
	int	i;

	for (i = ix->head[hix_hash(ix->seed, k) & (HIX_BUCKETS - 1)];
	    i != -1; i = ix->next[i])
		if (ipprefix_cmp(&ix->key[i], k) == 0)
			return i;
	return -1;
}

void
hix_init(struct hold_ix *ix, uint32_t seed)
{
	memset(ix, 0, sizeof(*ix));
	memset(ix->head, 0xff, sizeof(ix->head));	/* -1 */
	ix->seed = seed;
}

static int
masked(const struct ipprefix *p, struct ipprefix *k)
{
	int	f = fam(p->addr.af);

	if (f == -1 || p->plen > ipaddr_maxplen(p->addr.af))
		return -1;
	memset(k, 0, sizeof(*k));
	k->addr.af = p->addr.af;
	memcpy(k->addr.a, p->addr.a, ipaddr_len(p->addr.af));
	k->plen = p->plen;
	ipprefix_mask(k);
	return f;
}

int
hix_add(struct hold_ix *ix, const struct ipprefix *p, int id)
{
	struct ipprefix	k;
	uint32_t	b;
	int		f;

	if (id < 0 || id >= HIX_MAX || ix->used[id] ||
	    (f = masked(p, &k)) == -1 || find(ix, &k) != -1)
		return -1;
	b = hix_hash(ix->seed, &k) & (HIX_BUCKETS - 1);
	ix->key[id] = k;
	ix->used[id] = 1;
	ix->next[id] = ix->head[b];
	ix->head[b] = (int16_t)id;
	if (ix->nplen[f][k.plen]++ == 0)
		ix->plens[f][k.plen / 64] |= 1ull << (k.plen % 64);
	return 0;
}

void
hix_del(struct hold_ix *ix, int id)
{
	const struct ipprefix	*k;
	int16_t			*pp;
	int			 f;

	if (id < 0 || id >= HIX_MAX || !ix->used[id])
		return;
	k = &ix->key[id];
	f = fam(k->addr.af);
	for (pp = &ix->head[hix_hash(ix->seed, k) & (HIX_BUCKETS - 1)];
	    *pp != -1; pp = &ix->next[*pp])
		if (*pp == id) {
			*pp = ix->next[id];
			break;
		}
	if (--ix->nplen[f][k->plen] == 0)
		ix->plens[f][k->plen / 64] &= ~(1ull << (k->plen % 64));
	ix->used[id] = 0;
}

int
hix_exact(const struct hold_ix *ix, const struct ipprefix *p)
{
	struct ipprefix	k;

	if (masked(p, &k) == -1)
		return -1;
	return find(ix, &k);
}

int
hix_match(const struct hold_ix *ix, const struct ipaddr *a)
{
	struct ipprefix	k;
	uint64_t	w;
	int		f = fam(a->af), word, bit = 0, id;

	if (f == -1)
		return -1;
	/* the lengths in use, longest first */
	for (word = 2; word >= 0; word--)
		for (w = ix->plens[f][word]; w != 0; w &= ~(1ull << bit)) {
			bit = 63 - __builtin_clzll(w);
			k.addr = *a;
			k.plen = (uint8_t)(word * 64 + bit);
			ipprefix_mask(&k);
			if ((id = find(ix, &k)) != -1)
				return id;
		}
	return -1;
}

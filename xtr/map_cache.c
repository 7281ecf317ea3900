/*
 * map_cache.c: the ITR's EID-to-RLOC map-cache, see map_cache.h.
 *
 * One lpm table per (instance-ID, family), created by the first update
 * that needs it and kept in an array sorted by (iid, af).  Each entry is a
 * struct mc_node holding the caller's struct mc_entry with only its nrloc
 * RLOCs (a node with 2 RLOCs is 104 bytes, the whole struct 408), and its
 * position in a 4-ary min-heap ordered by expires_ms; the keys live in the
 * heap array, so sifting touches an entry only to update its index.
 *
 * Nodes come from one slab per RLOC count (0..LISP_MAX_LOCATORS): chunks
 * carved into nodes of that size, freed nodes kept on the slab's free list
 * (chunks go back only at mc_free).  A chunk ends with a pad as long as a
 * whole struct mc_node, so a caller that copies *e whole (as the header
 * allows) reads memory that is ours; rloc[] past nrloc is then junk.
 * An update that changes an entry's RLOC count moves it to a node of the
 * new size (the header says pointers last until that entry's update).  Entries that never expire (expires_ms 0) stay
 * out of the heap.  mc_expire pops the heap while its top has expired:
 * O(k log n) for k removed entries.  mc_lookup skips expired entries
 * itself by retrying with a shorter prefix, so it is right even before
 * mc_expire runs.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "map_cache.h"
#include "xtr/lpm.h"

#define NO_HEAP	UINT32_MAX
#define HEAP_D	4		/* 4-ary: half the levels of a binary heap */
#define CHUNK_MIN	4096		/* first chunk of a slab, bytes */
#define CHUNK_MAX	(256 * 1024)	/* chunks double up to this */

struct mc_node {
	uint32_t	heap_idx;	/* NO_HEAP: never expires */
	struct mc_entry	e;		/* rloc[] only up to e.nrloc: */
};					/* see node_size() */

/* Free nodes are linked through their first bytes (memcpy'd: no type
 * punning), chunks through theirs. */
struct slab {
	void		*free;
	uint8_t		*cur, *end;	/* not yet carved part of the newest */
	size_t		 chunk;		/* bytes of the next chunk */
};
#define CHUNK_HDR	16		/* the link, keeping nodes 16-aligned */

struct mc_table {
	uint32_t	iid;
	int		af;
	struct lpm	*lpm;
};

struct heap_slot {
	uint64_t	expires_ms;
	struct mc_node	*n;
};

/* Distinct RLOCs: open addressing, linear probing, refs 0 = empty. */
struct rloc_slot {
	struct ipaddr	a;
	uint32_t	refs;
};

struct rloc_set {
	bool		  on;
	struct rloc_slot *s;
	size_t		  cap;		/* power of two */
	size_t		  n;
};

struct map_cache {
	struct mc_table	 *tables;	/* sorted by (iid, af) */
	size_t		  ntables;
	size_t		  count;
	struct heap_slot *heap;
	size_t		  nheap, heapcap;
	struct rloc_set	  rlocs;	/* mc_rlocs_enable() */
	struct slab	  slab[LISP_MAX_LOCATORS + 1];	/* by RLOC count */
	void		 *chunks;	/* every slab's chunks */
};

static void	rlocs_entry(struct map_cache *, const struct mc_entry *, int);

static int
expired(const struct mc_entry *e, uint64_t now_ms)
{
	return e->expires_ms != 0 && e->expires_ms <= now_ms;
}

/* --- nodes -------------------------------------------------------------- */

static size_t
node_size(unsigned nrloc)
{
	size_t	n = offsetof(struct mc_node, e) +
	    offsetof(struct mc_entry, rloc) + nrloc * sizeof(struct mc_rloc);

	return (n + 7) & ~(size_t)7;
}

static struct mc_node *
node_alloc(struct map_cache *mc, unsigned nrloc)
{
	struct slab	*s = &mc->slab[nrloc];
	size_t		 sz = node_size(nrloc), bytes;
	uint8_t		*c;
	void		*n;

	if ((n = s->free) != NULL) {
		memcpy(&s->free, n, sizeof(void *));
		return n;
	}
	if (s->cur == NULL || (size_t)(s->end - s->cur) < sz) {
		bytes = s->chunk ? s->chunk : CHUNK_MIN;
		if (bytes < sz)
			bytes = sz;
		/* the pad: a whole struct read from the last node stays in */
		if ((c = malloc(CHUNK_HDR + bytes + sizeof(struct mc_node))) ==
		    NULL)
			return NULL;
		memcpy(c, &mc->chunks, sizeof(void *));
		mc->chunks = c;
		s->cur = c + CHUNK_HDR;
		s->end = s->cur + bytes;
		s->chunk = bytes * 2 > CHUNK_MAX ? CHUNK_MAX : bytes * 2;
	}
	n = s->cur;
	s->cur += sz;
	return n;
}

static void
node_free(struct map_cache *mc, struct mc_node *n)
{
	struct slab	*s = &mc->slab[n->e.nrloc];

	memcpy(n, &s->free, sizeof(void *));
	s->free = n;
}

/* The entry's header and its nrloc RLOCs, never the slots past them. */
static void
node_set(struct mc_node *n, const struct mc_entry *e,
    const struct ipprefix *eid)
{
	/* memmove: e may be this very entry (mc_update(mc, mc_exact())) */
	memmove(&n->e, e, offsetof(struct mc_entry, rloc));
	memmove(n->e.rloc, e->rloc, n->e.nrloc * sizeof(e->rloc[0]));
	n->e.eid = *eid;
}

/* --- tables ------------------------------------------------------------- */

static int
table_cmp(uint32_t iid, int af, const struct mc_table *t)
{
	if (iid != t->iid)
		return iid < t->iid ? -1 : 1;
	return af < t->af ? -1 : af > t->af ? 1 : 0;
}

/* Index of (iid, af), or of where it would go with *found = 0. */
static size_t
table_pos(const struct map_cache *mc, uint32_t iid, int af, int *found)
{
	size_t	lo = 0, hi = mc->ntables, mid;
	int	r;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		r = table_cmp(iid, af, &mc->tables[mid]);
		if (r == 0) {
			*found = 1;
			return mid;
		}
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	*found = 0;
	return lo;
}

static struct lpm *
table_get(const struct map_cache *mc, uint32_t iid, int af)
{
	size_t	i;
	int	found;

	/* One instance and family is the common case. */
	if (mc->ntables == 1)
		return mc->tables[0].iid == iid && mc->tables[0].af == af ?
		    mc->tables[0].lpm : NULL;
	i = table_pos(mc, iid, af, &found);
	return found ? mc->tables[i].lpm : NULL;
}

static struct lpm *
table_make(struct map_cache *mc, uint32_t iid, int af)
{
	struct mc_table	*nt;
	struct lpm	*l;
	size_t		 i;
	int		 found;

	i = table_pos(mc, iid, af, &found);
	if (found)
		return mc->tables[i].lpm;
	if ((l = lpm_new(af)) == NULL)
		return NULL;
	nt = realloc(mc->tables, (mc->ntables + 1) * sizeof(*nt));
	if (nt == NULL) {
		lpm_free(l, NULL);
		return NULL;
	}
	mc->tables = nt;
	memmove(&nt[i + 1], &nt[i], (mc->ntables - i) * sizeof(*nt));
	nt[i].iid = iid;
	nt[i].af = af;
	nt[i].lpm = l;
	mc->ntables++;
	return l;
}

/* --- expiry heap -------------------------------------------------------- */

static void
heap_set(struct map_cache *mc, size_t i, struct heap_slot s)
{
	mc->heap[i] = s;
	s.n->heap_idx = (uint32_t)i;
}

static void
heap_up(struct map_cache *mc, size_t i)
{
	struct heap_slot	s = mc->heap[i];
	size_t			p;

	while (i > 0) {
		p = (i - 1) / HEAP_D;
		if (mc->heap[p].expires_ms <= s.expires_ms)
			break;
		heap_set(mc, i, mc->heap[p]);
		i = p;
	}
	heap_set(mc, i, s);
}

static void
heap_down(struct map_cache *mc, size_t i)
{
	struct heap_slot	s = mc->heap[i];
	size_t			c, j, end;

	for (;;) {
		c = HEAP_D * i + 1;
		if (c >= mc->nheap)
			break;
		end = c + HEAP_D < mc->nheap ? c + HEAP_D : mc->nheap;
		for (j = c + 1; j < end; j++)
			if (mc->heap[j].expires_ms < mc->heap[c].expires_ms)
				c = j;
		if (s.expires_ms <= mc->heap[c].expires_ms)
			break;
		heap_set(mc, i, mc->heap[c]);
		i = c;
	}
	heap_set(mc, i, s);
}

/* Room for one more in the heap: 0 or -1. */
static int
heap_reserve(struct map_cache *mc)
{
	struct heap_slot	*nh;
	size_t			 cap;

	if (mc->nheap < mc->heapcap)
		return 0;
	if (mc->heapcap >= NO_HEAP / 2) {
		errno = ENOMEM;
		return -1;
	}
	cap = mc->heapcap ? mc->heapcap * 2 : 64;
	if ((nh = realloc(mc->heap, cap * sizeof(*nh))) == NULL)
		return -1;
	mc->heap = nh;
	mc->heapcap = cap;
	return 0;
}

static int
heap_add(struct map_cache *mc, struct mc_node *n)
{
	if (heap_reserve(mc) == -1)
		return -1;
	mc->heap[mc->nheap].expires_ms = n->e.expires_ms;
	mc->heap[mc->nheap].n = n;
	n->heap_idx = (uint32_t)mc->nheap++;
	heap_up(mc, n->heap_idx);
	return 0;
}

static void
heap_del(struct map_cache *mc, struct mc_node *n)
{
	size_t		 i = n->heap_idx;
	struct mc_node	*last;

	if (i == NO_HEAP)
		return;
	n->heap_idx = NO_HEAP;
	if (i == --mc->nheap)
		return;
	last = mc->heap[mc->nheap].n;
	heap_set(mc, i, mc->heap[mc->nheap]);
	heap_up(mc, i);
	heap_down(mc, last->heap_idx);
}

/* --- entries ------------------------------------------------------------ */

struct map_cache *
mc_new(void)
{
	return calloc(1, sizeof(struct map_cache));
}

void
mc_free(struct map_cache *mc)
{
	size_t	i;

	if (mc == NULL)
		return;
	void	*c;

	for (i = 0; i < mc->ntables; i++)
		lpm_free(mc->tables[i].lpm, NULL);	/* nodes: the chunks */
	while ((c = mc->chunks) != NULL) {
		memcpy(&mc->chunks, c, sizeof(void *));
		free(c);
	}
	free(mc->tables);
	free(mc->heap);
	free(mc->rlocs.s);
	free(mc);
}

static int
entry_valid(const struct mc_entry *e)
{
	if (e == NULL || (e->eid.addr.af != AF_INET &&
	    e->eid.addr.af != AF_INET6) ||
	    e->eid.plen > ipaddr_maxplen(e->eid.addr.af) ||
	    e->nrloc > LISP_MAX_LOCATORS)
		return 0;
	return 1;
}

int
mc_update(struct map_cache *mc, const struct mc_entry *e)
{
	struct lpm	*l;
	struct mc_node	*n, *nn;
	struct ipprefix	 eid;
	uint64_t	 was;

	if (!entry_valid(e)) {
		errno = EINVAL;
		return -1;
	}
	eid = e->eid;
	ipprefix_mask(&eid);
	if ((l = table_make(mc, e->iid, eid.addr.af)) == NULL)
		return -1;
	if ((n = lpm_exact(l, &eid)) != NULL) {
		was = n->e.expires_ms;
		/* what can fail comes first: room in the heap, a node of the
		 * new size, which takes the old one's place */
		if (was == 0 && e->expires_ms != 0 && heap_reserve(mc) == -1)
			return -1;
		if (n->e.nrloc != e->nrloc) {
			if ((nn = node_alloc(mc, e->nrloc)) == NULL)
				return -1;
			if (lpm_insert(l, &eid, nn, NULL) == -1) {
				node_free(mc, nn);
				return -1;
			}
			nn->heap_idx = n->heap_idx;
			if (nn->heap_idx != NO_HEAP)
				mc->heap[nn->heap_idx].n = nn;
			rlocs_entry(mc, &n->e, -1);	/* old RLOCs out */
			node_free(mc, n);
			n = nn;
		} else
			rlocs_entry(mc, &n->e, -1);	/* old RLOCs out */
		node_set(n, e, &eid);
		if (was == 0 && e->expires_ms != 0)
			(void)heap_add(mc, n);		/* reserved above */
		else if (was != 0 && e->expires_ms == 0)
			heap_del(mc, n);
		else if (was != 0) {
			mc->heap[n->heap_idx].expires_ms = e->expires_ms;
			heap_up(mc, n->heap_idx);
			heap_down(mc, n->heap_idx);
		}
		rlocs_entry(mc, &n->e, 1);
		return 0;
	}
	if ((n = node_alloc(mc, e->nrloc)) == NULL)
		return -1;
	node_set(n, e, &eid);
	n->heap_idx = NO_HEAP;
	if (e->expires_ms != 0 && heap_add(mc, n) == -1) {
		node_free(mc, n);
		return -1;
	}
	if (lpm_insert(l, &eid, n, NULL) == -1) {
		heap_del(mc, n);
		node_free(mc, n);
		return -1;
	}
	mc->count++;
	rlocs_entry(mc, &n->e, 1);
	return 0;
}

static void
node_drop(struct map_cache *mc, struct lpm *l, struct mc_node *n)
{
	rlocs_entry(mc, &n->e, -1);
	lpm_remove(l, &n->e.eid);
	heap_del(mc, n);
	mc->count--;
	node_free(mc, n);
}

int
mc_remove(struct map_cache *mc, uint32_t iid, const struct ipprefix *p)
{
	struct lpm	*l;
	struct mc_node	*n;

	if (p == NULL || (l = table_get(mc, iid, p->addr.af)) == NULL ||
	    (n = lpm_exact(l, p)) == NULL) {
		errno = ENOENT;
		return -1;
	}
	node_drop(mc, l, n);
	return 0;
}

const struct mc_entry *
mc_lookup(const struct map_cache *mc, uint32_t iid, const struct ipaddr *dst,
    uint64_t now_ms)
{
	struct lpm	*l;
	struct mc_node	*n;
	struct ipprefix	 m;

	if (dst == NULL || (l = table_get(mc, iid, dst->af)) == NULL)
		return NULL;
	n = lpm_lookup(l, dst, &m);
	/* An expired entry is not there: try the next shorter one. */
	while (n != NULL && expired(&n->e, now_ms)) {
		if (m.plen == 0)
			return NULL;
		ipprefix_host(dst, &m);
		m.plen = (uint8_t)(n->e.eid.plen - 1);
		ipprefix_mask(&m);
		n = lpm_lookup_prefix(l, &m, &m);
	}
	return n != NULL ? &n->e : NULL;
}

const struct mc_entry *
mc_exact(const struct map_cache *mc, uint32_t iid, const struct ipprefix *p)
{
	struct lpm	*l;
	struct mc_node	*n;

	if (p == NULL || (l = table_get(mc, iid, p->addr.af)) == NULL)
		return NULL;
	n = lpm_exact(l, p);
	return n != NULL ? &n->e : NULL;
}

size_t
mc_expire(struct map_cache *mc, uint64_t now_ms)
{
	struct mc_node	*n;
	size_t		 k = 0;

	while (mc->nheap > 0 && mc->heap[0].expires_ms <= now_ms) {
		n = mc->heap[0].n;
		node_drop(mc, table_get(mc, n->e.iid, n->e.eid.addr.af), n);
		k++;
	}
	return k;
}

uint64_t
mc_next_expiry(const struct map_cache *mc)
{
	return mc->nheap > 0 ? mc->heap[0].expires_ms : 0;
}

size_t
mc_count(const struct map_cache *mc)
{
	return mc->count;
}

struct walk_arg {
	int	(*cb)(const struct mc_entry *, void *);
	void	*arg;
};

static int
walk_one(const struct ipprefix *p, void *val, void *arg)
{
	struct walk_arg	*w = arg;

	(void)p;
	return w->cb(&((struct mc_node *)val)->e, w->arg);
}

int
mc_walk(const struct map_cache *mc, int (*cb)(const struct mc_entry *, void *),
    void *arg)
{
	struct walk_arg	w = { cb, arg };
	size_t		i;
	int		rc;

	for (i = 0; i < mc->ntables; i++)
		if ((rc = lpm_walk(mc->tables[i].lpm, walk_one, &w)) != 0)
			return rc;
	return 0;
}

int
mc_walk_covered(const struct map_cache *mc, uint32_t iid,
    const struct ipprefix *p, int (*cb)(const struct mc_entry *, void *),
    void *arg)
{
	struct walk_arg	 w = { cb, arg };
	struct lpm	*l;

	if ((l = table_get(mc, iid, p->addr.af)) == NULL)
		return 0;
	return lpm_walk_covered(l, p, walk_one, &w);
}

/* --- RLOC choice -------------------------------------------------------- */

/* Spread a flow hash that may be weak (sequential ports) over 32 bits. */
static uint32_t
mix32(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x7feb352dU;
	h ^= h >> 15;
	h *= 0x846ca68bU;
	h ^= h >> 16;
	return h;
}

static bool
rloc_usable(const struct mc_rloc *r,
    bool (*usable)(const struct mc_rloc *, void *), void *arg)
{
	return r->up && r->priority < 255 && (usable == NULL ||
	    usable(r, arg));
}

const struct mc_rloc *
mc_select_rloc_if(const struct mc_entry *e, uint32_t flow_hash,
    bool (*usable)(const struct mc_rloc *, void *), void *arg)
{
	const struct mc_rloc	*r;
	unsigned		 best = 255, i, n = 0, wsum = 0, pick;
	uint32_t		 h;

	if (e == NULL || e->negative)
		return NULL;
	/* RFC 9301 §5.4 (Priority): the lowest wins; 255 means "do not use
	 * for unicast forwarding". */
	for (i = 0; i < e->nrloc && i < LISP_MAX_LOCATORS; i++) {
		r = &e->rloc[i];
		if (!rloc_usable(r, usable, arg))
			continue;
		if (r->priority < best) {
			best = r->priority;
			n = 0;
			wsum = 0;
		}
		if (r->priority == best) {
			n++;
			wsum += r->weight;
		}
	}
	if (n == 0)
		return NULL;
	h = mix32(flow_hash);
	/* RFC 9301 §5.4 (Weight): traffic splits in proportion to the
	 * weights; all zero at that priority means an equal share each. */
	pick = (unsigned)(((uint64_t)h * (wsum != 0 ? wsum : n)) >> 32);
	for (i = 0; i < e->nrloc && i < LISP_MAX_LOCATORS; i++) {
		r = &e->rloc[i];
		if (r->priority != best || !rloc_usable(r, usable, arg))
			continue;
		if (wsum == 0) {
			if (pick-- == 0)
				return r;
		} else if (pick < r->weight) {
			return r;
		} else {
			pick -= r->weight;
		}
	}
	return NULL;	/* not reached */
}

const struct mc_rloc *
mc_select_rloc(const struct mc_entry *e, uint32_t flow_hash)
{
	return mc_select_rloc_if(e, flow_hash, NULL, NULL);
}

/* --- distinct RLOCs (SMR fan-out) ------------------------------------- */

static uint32_t
rloc_hash(const struct ipaddr *a)
{
	uint32_t	h = 2166136261u ^ a->af;	/* FNV-1a */
	size_t		i, len = ipaddr_len(a->af);

	for (i = 0; i < len; i++)
		h = (h ^ a->a[i]) * 16777619u;
	return mix32(h);
}

/* The slot holding a, or the empty slot where it would go. */
static size_t
rloc_find(const struct rloc_set *rs, const struct ipaddr *a)
{
	size_t	mask = rs->cap - 1, i = rloc_hash(a) & mask;

	while (rs->s[i].refs != 0 && ipaddr_cmp(&rs->s[i].a, a) != 0)
		i = (i + 1) & mask;
	return i;
}

static int
rloc_grow(struct rloc_set *rs)
{
	struct rloc_slot	*old = rs->s, *ns;
	size_t			 oldcap = rs->cap, cap, i;

	cap = oldcap ? oldcap * 2 : 64;
	if ((ns = calloc(cap, sizeof(*ns))) == NULL)
		return -1;
	rs->s = ns;
	rs->cap = cap;
	for (i = 0; i < oldcap; i++)
		if (old[i].refs != 0)
			rs->s[rloc_find(rs, &old[i].a)] = old[i];
	free(old);
	return 0;
}

static int
rloc_add(struct rloc_set *rs, const struct ipaddr *a)
{
	size_t	i;

	if ((rs->n + 1) * 4 > rs->cap * 3 && rloc_grow(rs) == -1)
		return -1;
	i = rloc_find(rs, a);
	if (rs->s[i].refs++ == 0) {
		rs->s[i].a = *a;
		rs->n++;
	}
	return 0;
}

/* Drop one reference; the last one empties the slot, and the entries
 * after it in its probe run shift back (no tombstones). */
static void
rloc_del(struct rloc_set *rs, const struct ipaddr *a)
{
	size_t	mask = rs->cap - 1, i, j, home;

	i = rloc_find(rs, a);
	if (rs->s[i].refs == 0 || --rs->s[i].refs != 0)
		return;
	rs->n--;
	for (j = (i + 1) & mask; rs->s[j].refs != 0; j = (j + 1) & mask) {
		home = rloc_hash(&rs->s[j].a) & mask;
		/* j may move to i unless its home lies cyclically in (i, j] */
		if ((j > i && (home <= i || home > j)) ||
		    (j < i && home <= i && home > j)) {
			rs->s[i] = rs->s[j];
			rs->s[j].refs = 0;
			i = j;
		}
	}
}

static void
rlocs_off(struct rloc_set *rs)
{
	free(rs->s);
	memset(rs, 0, sizeof(*rs));
}

/* e's locators join (dir 1) or leave (dir -1) the set. */
static void
rlocs_entry(struct map_cache *mc, const struct mc_entry *e, int dir)
{
	struct rloc_set	*rs = &mc->rlocs;
	unsigned	 i;

	if (!rs->on)
		return;
	for (i = 0; i < e->nrloc && i < LISP_MAX_LOCATORS; i++) {
		if (ipaddr_is_unspec(&e->rloc[i].addr))
			continue;
		if (dir < 0)
			rloc_del(rs, &e->rloc[i].addr);
		else if (rloc_add(rs, &e->rloc[i].addr) == -1) {
			rlocs_off(rs);	/* out of memory: callers walk */
			return;
		}
	}
}

static int
rlocs_fill(const struct mc_entry *e, void *arg)
{
	struct map_cache	*mc = arg;

	rlocs_entry(mc, e, 1);
	return mc->rlocs.on ? 0 : -1;
}

int
mc_rlocs_enable(struct map_cache *mc)
{
	if (mc->rlocs.on)
		return 0;
	mc->rlocs.on = true;
	if (mc_walk(mc, rlocs_fill, mc) != 0 || !mc->rlocs.on) {
		rlocs_off(&mc->rlocs);
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

size_t
mc_rlocs_count(const struct map_cache *mc)
{
	return mc->rlocs.on ? mc->rlocs.n : SIZE_MAX;
}

int
mc_rlocs_walk(const struct map_cache *mc,
    int (*cb)(const struct ipaddr *, uint32_t, void *), void *arg)
{
	const struct rloc_set	*rs = &mc->rlocs;
	size_t			 i;
	int			 rc;

	if (!rs->on) {
		errno = ENOENT;
		return -1;
	}
	for (i = 0; i < rs->cap; i++)
		if (rs->s[i].refs != 0 &&
		    (rc = cb(&rs->s[i].a, rs->s[i].refs, arg)) != 0)
			return rc;
	return 0;
}

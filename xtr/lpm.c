/*
 * lpm.c: longest-prefix-match table, see lpm.h.
 *
 * A path-compressed binary trie (Patricia): every node holds a prefix; a
 * node either carries a value ("real") or is a glue node with exactly two
 * children, so a table of n prefixes has at most 2n - 1 nodes.  Keys are
 * two host-order 64-bit words (an IPv4 address sits in the top 32 bits of
 * the first word), so bit tests and common-prefix lengths are a shift, an
 * XOR and a count-leading-zeros.
 *
 * Nodes are 32 bytes and live in fixed chunks of NODES_PER_CHUNK, named by
 * a 24-bit index (0 = none): no pointer per child, no slack from doubling
 * a big array, and two nodes share a 64-byte cache line.  The prefix length
 * rides in the top 8 bits of the first child word.  2^24 nodes make the
 * limit about 8 M prefixes per table (then lpm_insert fails with ENOMEM).
 *
 * Once a table holds DIR_MIN_COUNT prefixes it grows a direct-indexed top
 * level of 2^dbits slots (the first dbits bits of the key; 16 bits, then
 * 20 from DIR_BIG_COUNT prefixes, i.e. 512 KB then 8 MB): each slot names
 * the first node at least dbits long on the slot's path if that node lies
 * inside the slot, and the longest prefix shorter than dbits covering the
 * slot.  Lookups, exact matches, inserts and removes of prefixes at least
 * dbits long start at the slot instead of the root.  An update that
 * changes a node shorter than dbits, or a link crossing that depth,
 * recomputes the slots under the changed node (2^(dbits - plen) of them).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lpm.h"

#define CHUNK_SHIFT	12
#define NODES_PER_CHUNK	(1u << CHUNK_SHIFT)
#define MAX_NODES	(1u << 24)		/* 24-bit node indices */
#define IDX_MASK	(MAX_NODES - 1)
#define NIL		0u
#define DIR_BITS	16		/* slots from DIR_MIN_COUNT prefixes */
#define DIR_BITS_BIG	20		/* from DIR_BIG_COUNT prefixes */
#ifndef DIR_MIN_COUNT
#define DIR_MIN_COUNT	4096
#endif
#ifndef DIR_BIG_COUNT
#define DIR_BIG_COUNT	262144
#endif

struct key {
	uint64_t	w[2];
};

struct node {
	uint64_t	k[2];		/* prefix, host bits zero */
	void		*val;		/* &glue for a glue node */
	uint32_t	c[2];		/* child index; c[0] >> 24 = plen */
};

struct slot {
	uint32_t	start;		/* first node with plen >= dbits,
					 * if it lies inside the slot */
	uint32_t	best;		/* longest real node with plen < dbits */
};

struct lpm {
	int		af;
	int		maxplen;
	uint32_t	root;
	size_t		count;		/* real nodes */
	struct node	**chunks;
	uint32_t	nchunks;
	uint32_t	next;		/* next never-used index */
	uint32_t	freelist;	/* through c[1] */
	struct slot	*dir;		/* NULL below DIR_MIN_COUNT */
	unsigned	dbits;		/* 2^dbits slots */
};

static const char glue_mark;	/* only its address is used */
#define GLUE	((void *)(uintptr_t)&glue_mark)

static inline struct node *
N(const struct lpm *t, uint32_t i)
{
	return &t->chunks[i >> CHUNK_SHIFT][i & (NODES_PER_CHUNK - 1)];
}

static inline unsigned
node_plen(const struct node *n)
{
	return n->c[0] >> 24;
}

static inline uint32_t
child(const struct node *n, unsigned b)
{
	return n->c[b] & IDX_MASK;
}

static inline void
set_child(struct node *n, unsigned b, uint32_t i)
{
	n->c[b] = (n->c[b] & ~IDX_MASK) | i;
}

static inline unsigned
key_bit(const uint64_t k[2], unsigned i)
{
	return i < 64 ? (unsigned)(k[0] >> (63 - i)) & 1 :
	    (unsigned)(k[1] >> (127 - i)) & 1;
}

/* Do the first plen bits of a and b agree? */
static inline int
key_match(const uint64_t a[2], const uint64_t b[2], unsigned plen)
{
	uint64_t	x0 = a[0] ^ b[0], x1 = a[1] ^ b[1];

	if (plen == 0)
		return 1;
	if (plen <= 64)
		return (x0 >> (64 - plen)) == 0;
	return x0 == 0 && (x1 >> (128 - plen)) == 0;
}

static inline unsigned
key_common(const uint64_t a[2], const uint64_t b[2])
{
	uint64_t	x0 = a[0] ^ b[0], x1 = a[1] ^ b[1];

	if (x0 != 0)
		return (unsigned)__builtin_clzll(x0);
	if (x1 != 0)
		return 64 + (unsigned)__builtin_clzll(x1);
	return 128;
}

static void
key_mask(uint64_t k[2], unsigned plen)
{
	if (plen == 0) {
		k[0] = k[1] = 0;
	} else if (plen < 64) {
		k[0] &= ~0ULL << (64 - plen);
		k[1] = 0;
	} else if (plen == 64) {
		k[1] = 0;
	} else if (plen < 128) {
		k[1] &= ~0ULL << (128 - plen);
	}
}

static uint64_t
load64(const uint8_t *p)
{
	uint64_t	v = 0;
	int		i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void
addr_key(const struct lpm *t, const struct ipaddr *a, uint64_t k[2])
{
	if (t->af == AF_INET) {
		k[0] = (uint64_t)a->a[0] << 56 | (uint64_t)a->a[1] << 48 |
		    (uint64_t)a->a[2] << 40 | (uint64_t)a->a[3] << 32;
		k[1] = 0;
	} else {
		k[0] = load64(a->a);
		k[1] = load64(a->a + 8);
	}
}

static void
key_prefix(const struct lpm *t, const uint64_t k[2], unsigned plen,
    struct ipprefix *p)
{
	int	i;

	memset(p, 0, sizeof(*p));
	p->addr.af = (uint8_t)t->af;
	p->plen = (uint8_t)plen;
	for (i = 0; i < 8; i++) {
		p->addr.a[i] = (uint8_t)(k[0] >> (56 - 8 * i));
		p->addr.a[8 + i] = (uint8_t)(k[1] >> (56 - 8 * i));
	}
	if (t->af == AF_INET)
		memset(p->addr.a + 4, 0, 12);
}

/* The key of p, masked; -1 if p is not of the table's family. */
static int
prefix_key(const struct lpm *t, const struct ipprefix *p, uint64_t k[2])
{
	if (p == NULL || p->addr.af != t->af || p->plen > t->maxplen) {
		errno = EINVAL;
		return -1;
	}
	addr_key(t, &p->addr, k);
	key_mask(k, p->plen);
	return 0;
}

static uint32_t
node_alloc(struct lpm *t, const uint64_t k[2], unsigned plen, void *val)
{
	struct node	**nc, *n;
	uint32_t	  i;

	if (t->freelist != NIL) {
		i = t->freelist;
		t->freelist = child(N(t, i), 1);
	} else {
		if (t->next >= MAX_NODES) {
			errno = ENOMEM;
			return NIL;
		}
		if ((t->next >> CHUNK_SHIFT) >= t->nchunks) {
			nc = realloc(t->chunks,
			    (t->nchunks + 1) * sizeof(*t->chunks));
			if (nc == NULL)
				return NIL;
			t->chunks = nc;
			nc[t->nchunks] = malloc(NODES_PER_CHUNK *
			    sizeof(struct node));
			if (nc[t->nchunks] == NULL)
				return NIL;
			t->nchunks++;
		}
		i = t->next++;
	}
	n = N(t, i);
	n->k[0] = k[0];
	n->k[1] = k[1];
	n->val = val;
	n->c[0] = (uint32_t)plen << 24;
	n->c[1] = 0;
	return i;
}

static void
node_free(struct lpm *t, uint32_t i)
{
	struct node	*n = N(t, i);

	n->val = NULL;
	n->c[0] = 0;
	n->c[1] = t->freelist;
	t->freelist = i;
}

struct lpm *
lpm_new(int af)
{
	struct lpm	*t;
	uint64_t	 z[2] = { 0, 0 };

	if (af != AF_INET && af != AF_INET6) {
		errno = EAFNOSUPPORT;
		return NULL;
	}
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->af = af;
	t->maxplen = ipaddr_maxplen(af);
	/* Index 0 is NIL: burn it. */
	(void)node_alloc(t, z, 0, NULL);
	if (t->next == 0) {
		free(t->chunks);
		free(t);
		return NULL;
	}
	return t;
}

static void
free_vals(struct lpm *t, uint32_t i, void (*freefn)(void *))
{
	struct node	*n;

	while (i != NIL) {
		n = N(t, i);
		if (n->val != GLUE)
			freefn(n->val);
		free_vals(t, child(n, 0), freefn);
		i = child(n, 1);
	}
}

void
lpm_free(struct lpm *t, void (*freefn)(void *))
{
	uint32_t	i;

	if (t == NULL)
		return;
	if (freefn != NULL)
		free_vals(t, t->root, freefn);
	for (i = 0; i < t->nchunks; i++)
		free(t->chunks[i]);
	free(t->chunks);
	free(t->dir);
	free(t);
}

/* --- direct-indexed top level ------------------------------------------- */

static void
dir_fill_slot(struct lpm *t, uint32_t s)
{
	uint64_t	 k[2] = { (uint64_t)s << (64 - t->dbits), 0 };
	uint32_t	 i = t->root, best = NIL;
	struct node	*n;

	while (i != NIL) {
		n = N(t, i);
		if (node_plen(n) >= t->dbits) {
			/* Only a node inside this slot starts it, so each
			 * start belongs to one slot. */
			if (!key_match(n->k, k, t->dbits))
				i = NIL;
			break;
		}
		if (!key_match(n->k, k, node_plen(n))) {
			i = NIL;
			break;
		}
		if (n->val != GLUE)
			best = i;
		i = child(n, key_bit(k, node_plen(n)));
	}
	t->dir[s].start = i;
	t->dir[s].best = best;
}

/* Recompute the slots under the prefix (k, plen). */
static void
dir_fix(struct lpm *t, const uint64_t k[2], unsigned plen)
{
	uint32_t	s, first, n;

	if (t->dir == NULL)
		return;
	first = (uint32_t)(k[0] >> (64 - t->dbits));
	if (plen >= t->dbits) {
		dir_fill_slot(t, first);
		return;
	}
	n = 1u << (t->dbits - plen);
	first &= ~(n - 1);
	for (s = first; s < first + n; s++)
		dir_fill_slot(t, s);
}

/* A link from parent (NIL: the root) to a node of prefix (k, plen), or that
 * node itself, changed: fix the slots it can affect. */
static void
dir_changed(struct lpm *t, uint32_t parent, const uint64_t k[2],
    unsigned plen)
{
	if (t->dir == NULL)
		return;
	if (plen < t->dbits || parent == NIL ||
	    node_plen(N(t, parent)) < t->dbits)
		dir_fix(t, k, plen);
}

static void
dir_build(struct lpm *t, unsigned bits)
{
	struct slot	*d;
	uint32_t	 s;

	/* Without memory lookups just start at the root (or use the old,
	 * smaller top level). */
	if ((d = malloc(((size_t)1 << bits) * sizeof(*d))) == NULL)
		return;
	free(t->dir);
	t->dir = d;
	t->dbits = bits;
	for (s = 0; s < (1u << bits); s++)
		dir_fill_slot(t, s);
}

/* The slot of k, for a prefix or address at least dbits long. */
static inline const struct slot *
dir_slot(const struct lpm *t, const uint64_t k[2])
{
	return &t->dir[k[0] >> (64 - t->dbits)];
}

/* --- updates ------------------------------------------------------------ */

static void
set_link(struct lpm *t, uint32_t parent, unsigned side, uint32_t i)
{
	if (parent == NIL)
		t->root = i;
	else
		set_child(N(t, parent), side, i);
}

/* Where an insert of k (plen bits, at least dbits) may start its walk:
 * below a slot start that covers it the walk never needs the start's
 * parent. */
static uint32_t
insert_start(const struct lpm *t, const uint64_t k[2], unsigned plen)
{
	uint32_t	st;

	if (t->dir == NULL || plen < t->dbits)
		return t->root;
	st = dir_slot(t, k)->start;
	if (st != NIL && node_plen(N(t, st)) <= plen &&
	    key_match(N(t, st)->k, k, node_plen(N(t, st))))
		return st;
	return t->root;
}

/* Exact: replace, or turn glue into a prefix. */
static void
insert_exact(struct lpm *t, struct node *n, const uint64_t k[2],
    unsigned plen, void *val, void **old)
{
	if (n->val == GLUE) {
		n->val = val;
		t->count++;
		if (plen < t->dbits)
			dir_fix(t, k, plen);
	} else if (old != NULL) {
		*old = n->val;
		n->val = val;
	} else {
		n->val = val;
	}
}

/* Link a new node for k under parent (side), where the walk stopped at i
 * (NIL: off the trie) with c bits in common.  *g gets the topmost node
 * added, *np its length.  0, or -1 when out of nodes. */
static int
insert_link(struct lpm *t, uint32_t i, uint32_t parent, unsigned side,
    unsigned c, const uint64_t k[2], unsigned plen, void *val, uint32_t *g,
    unsigned *np)
{
	struct node	*n;
	uint32_t	 nn;

	if ((nn = node_alloc(t, k, plen, val)) == NIL)
		return -1;
	if (i == NIL) {
		/* Fell off the trie: a new leaf. */
		set_link(t, parent, side, nn);
		*np = plen;
		*g = nn;
	} else if (c == plen) {
		/* The new prefix covers node i: it becomes i's parent. */
		set_child(N(t, nn), key_bit(N(t, i)->k, plen), i);
		set_link(t, parent, side, nn);
		*g = nn;
		*np = plen;
	} else {
		/* They diverge at bit c: a glue node joins them. */
		uint64_t	gk[2] = { k[0], k[1] };

		key_mask(gk, c);
		if ((*g = node_alloc(t, gk, c, GLUE)) == NIL) {
			node_free(t, nn);
			return -1;
		}
		n = N(t, *g);
		set_child(n, key_bit(k, c), nn);
		set_child(n, !key_bit(k, c), i);
		set_link(t, parent, side, *g);
		*np = c;
	}
	return 0;
}

int
lpm_insert(struct lpm *t, const struct ipprefix *p, void *val, void **old)
{
	uint64_t	 k[2];
	uint32_t	 i, parent = NIL, g;
	unsigned	 side = 0, plen, c = 0, np;
	struct node	*n;

	if (old != NULL)
		*old = NULL;
	if (prefix_key(t, p, k) == -1)
		return -1;
	plen = p->plen;
	for (i = insert_start(t, k, plen); i != NIL; i = child(n, side)) {
		n = N(t, i);
		np = node_plen(n);
		c = key_common(k, n->k);
		if (c > plen)
			c = plen;
		if (c < np)
			break;
		if (np == plen) {
			insert_exact(t, n, k, plen, val, old);
			return 0;
		}
		parent = i;
		side = key_bit(k, np);
	}
	if (insert_link(t, i, parent, side, c, k, plen, val, &g, &np) == -1)
		return -1;
	t->count++;
	if (t->dir == NULL && t->count >= DIR_MIN_COUNT)
		dir_build(t, DIR_BITS);
	else if (t->dir != NULL && t->dbits < DIR_BITS_BIG &&
	    t->count >= DIR_BIG_COUNT)
		dir_build(t, DIR_BITS_BIG);
	else
		dir_changed(t, parent, N(t, g)->k, np);
	return 0;
}

void *
lpm_remove(struct lpm *t, const struct ipprefix *p)
{
	uint64_t	 k[2], tk[2];
	uint32_t	 i, parent = NIL, gparent = NIL, top, tparent, ch;
	unsigned	 side = 0, pside = 0, np, depth;
	struct node	*n, *pn;
	void		*val;

	if (prefix_key(t, p, k) == -1)
		return NULL;
	i = t->root;
	if (t->dir != NULL && p->plen >= t->dbits)
		i = dir_slot(t, k)->start;	/* may be NIL: nothing there */
	for (depth = 0; i != NIL; i = child(n, side), depth++) {
		n = N(t, i);
		np = node_plen(n);
		if (np > p->plen || !key_match(n->k, k, np))
			return NULL;
		if (np == p->plen)
			break;
		gparent = parent;
		pside = side;
		parent = i;
		side = key_bit(k, np);
	}
	if (i == NIL || n->val == GLUE)
		return NULL;
	if (t->dir != NULL && p->plen >= t->dbits && depth < 2 &&
	    i != t->root) {
		/* Found within two steps of the slot start: the parent
		 * and grandparent links come from a walk from the root. */
		parent = gparent = NIL;
		side = pside = 0;
		for (i = t->root; node_plen(n = N(t, i)) != p->plen;
		    i = child(n, side)) {
			gparent = parent;
			pside = side;
			parent = i;
			side = key_bit(k, node_plen(n));
		}
	}
	val = n->val;
	t->count--;
	top = i;
	tparent = parent;
	if (child(n, 0) != NIL && child(n, 1) != NIL) {
		n->val = GLUE;
	} else {
		ch = child(n, 0) != NIL ? child(n, 0) : child(n, 1);
		set_link(t, parent, side, ch);
		if (ch == NIL && parent != NIL &&
		    (pn = N(t, parent))->val == GLUE) {
			/* A glue node left with one child goes too. */
			set_link(t, gparent, pside, child(pn, !side));
			top = parent;
			tparent = gparent;
		}
	}
	n = N(t, top);
	tk[0] = n->k[0];
	tk[1] = n->k[1];
	np = node_plen(n);
	if (top != i)
		node_free(t, top);
	if (N(t, i)->val != GLUE)
		node_free(t, i);
	dir_changed(t, tparent, tk, np);
	return val;
}

/* --- lookups ------------------------------------------------------------ */

/* Longest real node whose prefix covers the first maxplen bits of k. */
static uint32_t
match(const struct lpm *t, const uint64_t k[2], unsigned maxplen)
{
	uint32_t		 i = t->root, best = NIL;
	const struct node	*n;
	unsigned		 np;

	if (t->dir != NULL && maxplen >= t->dbits) {
		const struct slot *s = dir_slot(t, k);

		i = s->start;
		best = s->best;
	}
	while (i != NIL) {
		n = N(t, i);
		np = node_plen(n);
		if (np > maxplen || !key_match(n->k, k, np))
			break;
		if (n->val != GLUE)
			best = i;
		if (np >= 128)
			break;
		i = child(n, key_bit(k, np));
	}
	return best;
}

void *
lpm_lookup(const struct lpm *t, const struct ipaddr *a,
    struct ipprefix *matched)
{
	uint64_t	k[2];
	uint32_t	i;

	if (a == NULL || a->af != t->af)
		return NULL;
	addr_key(t, a, k);
	i = match(t, k, (unsigned)t->maxplen);
	if (i == NIL)
		return NULL;
	if (matched != NULL)
		key_prefix(t, N(t, i)->k, node_plen(N(t, i)), matched);
	return N(t, i)->val;
}

void *
lpm_lookup_prefix(const struct lpm *t, const struct ipprefix *p,
    struct ipprefix *matched)
{
	uint64_t	k[2];
	uint32_t	i;

	if (prefix_key(t, p, k) == -1)
		return NULL;
	i = match(t, k, p->plen);
	if (i == NIL)
		return NULL;
	if (matched != NULL)
		key_prefix(t, N(t, i)->k, node_plen(N(t, i)), matched);
	return N(t, i)->val;
}

/* The first node at or below p on p's path (plen >= p->plen), or NIL. */
static uint32_t
find_below(const struct lpm *t, const uint64_t k[2], unsigned plen)
{
	uint32_t		 i = t->root;
	const struct node	*n;
	unsigned		 np;

	/* Nodes at least dbits long on k's path lie in k's slot. */
	if (t->dir != NULL && plen >= t->dbits)
		i = dir_slot(t, k)->start;
	while (i != NIL) {
		n = N(t, i);
		np = node_plen(n);
		if (np >= plen)
			return key_match(n->k, k, plen) ? i : NIL;
		if (!key_match(n->k, k, np))
			return NIL;
		i = child(n, key_bit(k, np));
	}
	return NIL;
}

void *
lpm_exact(const struct lpm *t, const struct ipprefix *p)
{
	uint64_t		 k[2];
	uint32_t		 i;
	const struct node	*n;

	if (prefix_key(t, p, k) == -1)
		return NULL;
	if ((i = find_below(t, k, p->plen)) == NIL)
		return NULL;
	n = N(t, i);
	if (node_plen(n) != p->plen || n->val == GLUE)
		return NULL;
	return n->val;
}

size_t
lpm_count(const struct lpm *t)
{
	return t->count;
}

typedef int (*walk_cb)(const struct ipprefix *, void *, void *);

/* Pre-order: a prefix before its more-specifics, 0-branch before 1. */
static int
walk(const struct lpm *t, uint32_t i, walk_cb cb, void *arg)
{
	const struct node	*n;
	struct ipprefix		 p;
	int			 rc;

	while (i != NIL) {
		n = N(t, i);
		if (n->val != GLUE) {
			key_prefix(t, n->k, node_plen(n), &p);
			if ((rc = cb(&p, n->val, arg)) != 0)
				return rc;
		}
		if ((rc = walk(t, child(n, 0), cb, arg)) != 0)
			return rc;
		i = child(n, 1);
	}
	return 0;
}

int
lpm_walk(const struct lpm *t, walk_cb cb, void *arg)
{
	return walk(t, t->root, cb, arg);
}

int
lpm_walk_covered(const struct lpm *t, const struct ipprefix *p, walk_cb cb,
    void *arg)
{
	uint64_t	k[2];

	if (prefix_key(t, p, k) == -1)
		return 0;
	return walk(t, find_below(t, k, p->plen), cb, arg);
}

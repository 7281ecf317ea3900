/*
 * ms_index.c: the Map-Server's exact-prefix index (ms_index.h).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "xtr/ms/ms_index.h"

#define IX_MIN_SLOTS	64

static inline uint64_t
be64(const uint8_t *b)
{
	return (uint64_t)rd_be32(b) << 32 | rd_be32(b + 4);
}

void
ix_ref(uint32_t iid, const struct ipprefix *p, struct ix_ref *r)
{
	uint8_t		b[16] = { 0 };
	unsigned	plen = p->plen;

	r->ok = true;
	if (p->addr.af == AF_INET && plen <= 32)
		memcpy(b, p->addr.a, 4);
	else if (p->addr.af == AF_INET6 && plen <= 128)
		memcpy(b, p->addr.a, 16);
	else
		r->ok = false;
	r->k[0] = be64(b);
	r->k[1] = be64(b + 8);
	if (plen == 0)
		r->k[0] = r->k[1] = 0;
	else if (plen < 64) {
		r->k[0] &= ~0ULL << (64 - plen);
		r->k[1] = 0;
	} else if (plen == 64)
		r->k[1] = 0;
	else if (plen < 128)
		r->k[1] &= ~0ULL << (128 - plen);
	/* the key is (Instance-ID, prefix): the same prefix in two IIDs
	 * is two entries */
	r->k[2] = (uint64_t)iid << 16 | (uint64_t)p->addr.af << 8 | plen;
	r->h = (r->k[0] ^ (r->k[1] * 0xff51afd7ed558ccdULL) ^ r->k[2]) *
	    0x9e3779b97f4a7c15ULL;
}

static int
ix_same(const struct ms_eid *e, const struct ix_ref *r)
{
	struct ix_ref	er;

	ix_ref(e->iid, &e->eid, &er);
	return er.ok && er.k[0] == r->k[0] && er.k[1] == r->k[1] &&
	    er.k[2] == r->k[2];
}

struct ix_slot *
ix_slot_ref(struct ms_index *ix, const struct ix_ref *r)
{
	size_t	i;

	if (ix->s == NULL || !r->ok)
		return NULL;
	for (i = r->h >> ix->shift; ix->s[i].e != NULL; i = (i + 1) & ix->mask)
		if (ix->s[i].h == r->h && ix_same(ix->s[i].e, r))
			return &ix->s[i];
	return NULL;
}

static struct ix_slot *
ix_slot(struct ms_index *ix, uint32_t iid, const struct ipprefix *p)
{
	struct ix_ref	r;

	ix_ref(iid, p, &r);
	return ix_slot_ref(ix, &r);
}

struct ms_eid *
ix_find(struct ms_index *ix, uint32_t iid, const struct ipprefix *p)
{
	struct ix_slot	*s = ix_slot(ix, iid, p);

	return s != NULL ? s->e : NULL;
}

static void
ix_put(struct ms_index *ix, const struct ix_slot *v)
{
	size_t	i;

	for (i = v->h >> ix->shift; ix->s[i].e != NULL; i = (i + 1) & ix->mask)
		;
	ix->s[i] = *v;
}

static int
ix_grow(struct ms_index *ix)
{
	struct ix_slot	*old = ix->s, *s;
	size_t		 oldn = ix->s == NULL ? 0 : ix->mask + 1, i;
	size_t		 n = oldn == 0 ? IX_MIN_SLOTS : 2 * oldn;
	unsigned	 bits = 0;

	if ((s = calloc(n, sizeof(*s))) == NULL)
		return -1;
	while (((size_t)1 << bits) < n)
		bits++;
	ix->s = s;
	ix->mask = n - 1;
	ix->shift = 64 - bits;
	for (i = 0; i < oldn; i++)
		if (old[i].e != NULL)
			ix_put(ix, &old[i]);
	free(old);
	return 0;
}

int
ix_add(struct ms_index *ix, struct ms_eid *e)
{
	struct ix_slot	v;
	struct ix_ref	r;

	ix_ref(e->iid, &e->eid, &r);
	if (!r.ok)
		return -1;
	if ((ix->s == NULL || 4 * (ix->n + 1) > 3 * (ix->mask + 1)) &&
	    ix_grow(ix) == -1)
		return -1;
	v.h = r.h;
	v.e = e;
	v.regs_hint = e->regs;
	ix_put(ix, &v);
	ix->n++;
	return 0;
}

void
ix_del(struct ms_index *ix, uint32_t iid, const struct ipprefix *p)
{
	struct ix_slot	*s = ix_slot(ix, iid, p);
	size_t		 i, j, h;

	if (s == NULL)
		return;
	ix->n--;
	/* backward shift: pull later entries of the run into the hole unless
	 * their home lies cyclically in (hole, their slot] */
	for (i = (size_t)(s - ix->s), j = i;;) {
		j = (j + 1) & ix->mask;
		if (ix->s[j].e == NULL)
			break;
		h = ix->s[j].h >> ix->shift;
		if (i <= j ? (i < h && h <= j) : (i < h || h <= j))
			continue;
		ix->s[i] = ix->s[j];
		i = j;
	}
	memset(&ix->s[i], 0, sizeof(ix->s[i]));
}

void
ix_hint(struct ms_index *ix, struct ms_eid *e)
{
	struct ix_slot	*s = ix_slot(ix, e->iid, &e->eid);

	if (s != NULL)
		s->regs_hint = e->regs;
}

struct ms_index *
ix_new(void)
{
	return calloc(1, sizeof(struct ms_index));
}

void
ix_free(struct ms_index *ix)
{
	if (ix == NULL)
		return;
	free(ix->s);
	free(ix);
}

/*
 * ms_guard.c: the Map-Server's guards that need no registration table
 * (issue 15): the last nonce of every (xTR-ID, site, key ID), so that a
 * replayed Map-Register is dropped (RFC 9301 §5.6, finding 1), and the
 * counts behind the caps on registrations (finding 7): all sites, per
 * site, per configured prefix of a site its more-specifics fall in.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xtr/ms/ms_int.h"
#include "xtr/ms/ms_journal.h"

/* RFC 9301 §5.6: the last nonce of each (xTR-ID, site key). */
struct nonce_ent {
	struct nonce_ent	*next;
	uint8_t			 xtr_id[LISP_XTR_ID_LEN];
	int			 site;
	uint8_t			 key_id;
	uint64_t		 last;
};
#define NONCE_BUCKETS	MS_NONCE_BUCKETS

void
ms_reg_count(struct xtrd *x, const struct ms_reg *r, int d)
{
	struct ms_guard	*g = &x->ms->guard;

	x->ms->nreg += (size_t)(ssize_t)d;
	g->site_nreg[r->site] += (uint32_t)d;
	if (r->cover >= 0)
		g->cover_nreg[r->site][r->cover] += (uint32_t)d;
}

/* 0 if one more registration of p by site fits the caps, else the
 * counter of the cap it would exceed. */
int
ms_reg_cap(struct xtrd *x, int site, uint32_t iid, const struct ipprefix *p,
    int *cover, enum cnt *why)
{
	const struct xc_site	*s = &x->conf->site[site];
	const struct ms_guard	*g = &x->ms->guard;

	*cover = ms_site_cover(s, iid, p);
	if (x->ms->nreg >= x->conf->ms_max_registrations)
		*why = C_drop_reg_cap_global;
	else if (g->site_nreg[site] >= s->max_registrations)
		*why = C_drop_reg_cap_site;
	else if (*cover >= 0 &&
	    g->cover_nreg[site][*cover] >= s->max_more_specifics)
		*why = C_drop_reg_cap_more_specifics;
	else
		return 0;
	return -1;
}

static unsigned
nonce_hash(const uint8_t *id, int site, uint8_t key_id)
{
	uint64_t	h = 0xcbf29ce484222325ULL;
	int		i;

	for (i = 0; i < LISP_XTR_ID_LEN; i++)
		h = (h ^ id[i]) * 0x100000001b3ULL;
	h = (h ^ (uint64_t)site) * 0x100000001b3ULL;
	h = (h ^ key_id) * 0x100000001b3ULL;
	return (unsigned)(h % NONCE_BUCKETS);
}

static struct nonce_ent *
nonce_find(struct ms_guard *g, const uint8_t *id, int site, uint8_t key_id)
{
	struct nonce_ent	*ne;

	for (ne = g->nonce_tab[nonce_hash(id, site, key_id)]; ne != NULL;
	    ne = ne->next)
		if (ne->site == site && ne->key_id == key_id &&
		    memcmp(ne->xtr_id, id, LISP_XTR_ID_LEN) == 0)
			return ne;
	return NULL;
}

/*
 * RFC 9301 §5.6: "A Map-Server MUST track and save in persistent storage
 * the last nonce received for each ETR xTR-ID and key pair.  If a
 * Map-Register is received with a nonce value that is not greater than
 * the saved nonce, it MUST drop the Map-Register message and SHOULD log
 * the fact that a replay attack could have occurred."  0 if fresh (and
 * now the last), -1 if dropped.  Called once the HMAC verified: only the
 * key holder moves the saved nonce.
 */
int
ms_nonce_check(struct xtrd *x, const uint8_t *id, int site, uint8_t key_id,
    uint64_t nonce, const struct ipaddr *src)
{
	struct ms_guard		*g = &x->ms->guard;
	struct nonce_ent	*ne = nonce_find(g, id, site, key_id);
	char			 a[IPADDR_STRLEN], h[33];

	if (ne != NULL && nonce <= ne->last) {
		for (int i = 0; i < LISP_XTR_ID_LEN; i++)
			snprintf(h + 2 * i, 3, "%02x", id[i]);
		cnt_drop(C_drop_register_replay, "Map-Register from %s, xTR-ID "
		    "%s, site %s: nonce %016llx not greater than %016llx, a "
		    "replay?", ipaddr_fmt(src, a, sizeof(a)), h,
		    x->conf->site[site].name, (unsigned long long)nonce,
		    (unsigned long long)ne->last);
		return -1;
	}
	if (ne == NULL) {
		unsigned b = nonce_hash(id, site, key_id);

		/* as many xTRs as registrations at most: key holders only */
		if (g->nonce_n >= x->conf->ms_max_registrations ||
		    (ne = calloc(1, sizeof(*ne))) == NULL) {
			cnt_drop(C_drop_reg_cap_global, "Map-Register from %s: "
			    "%zu xTRs known", ipaddr_fmt(src, a, sizeof(a)),
			    g->nonce_n);
			return -1;
		}
		memcpy(ne->xtr_id, id, LISP_XTR_ID_LEN);
		ne->site = site;
		ne->key_id = key_id;
		ne->next = g->nonce_tab[b];
		g->nonce_tab[b] = ne;
		g->nonce_n++;
	}
	ne->last = nonce;
	msj_nonce(x, site, key_id, id, nonce);	/* "persistent storage" */
	return 0;
}


int
ms_site_by_name(struct xtrd *x, const char *name)
{
	int	i;

	for (i = 0; i < x->conf->nsite; i++)
		if (strcmp(x->conf->site[i].name, name) == 0)
			return i;
	return -1;
}

void
ms_restore_nonce(struct xtrd *x, const struct msj_line *l)
{
	struct ms_guard		*g = &x->ms->guard;
	struct nonce_ent	*ne;
	int			 site = ms_site_by_name(x, l->site);
	unsigned		 b;

	if (site == -1)
		return;
	if ((ne = nonce_find(g, l->xtr_id, site, l->key_id)) == NULL) {
		if (g->nonce_n >= x->conf->ms_max_registrations ||
		    (ne = calloc(1, sizeof(*ne))) == NULL)
			return;
		memcpy(ne->xtr_id, l->xtr_id, LISP_XTR_ID_LEN);
		ne->site = site;
		ne->key_id = l->key_id;
		b = nonce_hash(l->xtr_id, site, l->key_id);
		ne->next = g->nonce_tab[b];
		g->nonce_tab[b] = ne;
		g->nonce_n++;
	}
	if (l->nonce > ne->last)
		ne->last = l->nonce;
}

void
ms_nonce_dump(struct xtrd *x, FILE *f)
{
	struct nonce_ent	*ne;
	int			 i;

	for (i = 0; i < NONCE_BUCKETS; i++)
		for (ne = x->ms->guard.nonce_tab[i]; ne != NULL; ne = ne->next)
			msj_fmt_nonce(f, x->conf->site[ne->site].name,
			    ne->key_id, ne->xtr_id, ne->last);
}

uint32_t
ms_site_nreg(struct xtrd *x, int site)
{
	return x->ms->guard.site_nreg[site];
}

void
ms_guard_free(struct xtrd *x)
{
	struct ms_guard		*g = &x->ms->guard;
	struct nonce_ent	*ne;
	int			 i;

	for (i = 0; i < NONCE_BUCKETS; i++)
		while ((ne = g->nonce_tab[i]) != NULL) {
			g->nonce_tab[i] = ne->next;
			free(ne);
		}
	g->nonce_n = 0;
	memset(g->site_nreg, 0, sizeof(g->site_nreg));
	memset(g->cover_nreg, 0, sizeof(g->cover_nreg));
}

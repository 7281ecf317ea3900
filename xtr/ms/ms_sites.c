/*
 * ms_sites.c: the Map-Server's site table (RFC 9301 §8.2): which site owns
 * an EID prefix (and so which key authenticates its Map-Registers), and
 * whether a site may register a given prefix: exactly one of its
 * configured prefixes, or a more-specific of one when the site allows
 * more-specifics (a VM's /32 inside the site's /16).  Pure functions of
 * the configuration.
 *
 * A site prefix is an (Instance-ID, prefix) pair (issue 15 finding 7).
 * RFC 8060 §4.1: "their address spaces must remain segregated due to
 * possible address duplication.  An Instance ID in the address encoding
 * can aid in making the entire AFI-based address unique"; "When used as a
 * lookup key, the EID is regarded as an extended-EID in the mapping
 * system."  So every test here matches the IID exactly: a prefix of one
 * IID neither covers nor belongs to a site prefix of another.
 */
#include "xtr/ms/ms.h"

int
ms_site_allows(const struct xc_site *s, uint32_t iid,
    const struct ipprefix *p)
{
	int	i;

	/* covers first: a site that allows more-specifics mostly gets them
	 * (a VM's /32), and that test alone then decides */
	for (i = 0; i < s->neid; i++) {
		if (s->iid[i] != iid)
			continue;
		if (s->more_specifics && ipprefix_covers(&s->eid[i], p))
			return 0;
		if (ipprefix_cmp(&s->eid[i], p) == 0)
			return 0;
	}
	return -1;
}

/* The site whose configured prefix covers p most specifically; -1. */
int
ms_site_for_eid(const struct xtr_conf *c, uint32_t iid,
    const struct ipprefix *p, bool *more_specific)
{
	int	i, j, best = -1, best_plen = -1;

	for (i = 0; i < c->nsite; i++)
		for (j = 0; j < c->site[i].neid; j++) {
			const struct ipprefix *e = &c->site[i].eid[j];

			if (c->site[i].iid[j] == iid &&
			    ipprefix_covers(e, p) && e->plen > best_plen) {
				best = i;
				best_plen = e->plen;
			}
		}
	if (more_specific != NULL)
		*more_specific = best >= 0 && best_plen < p->plen;
	return best;
}

/* Does p overlap any site's EID space (either covering the other)? */
bool
ms_in_site_space(const struct xtr_conf *c, uint32_t iid,
    const struct ipprefix *p)
{
	int	i, j;

	for (i = 0; i < c->nsite; i++)
		for (j = 0; j < c->site[i].neid; j++)
			if (c->site[i].iid[j] == iid &&
			    (ipprefix_covers(&c->site[i].eid[j], p) ||
			    ipprefix_covers(p, &c->site[i].eid[j])))
				return true;
	return false;
}

/* Does p strictly cover a prefix another site is configured with?  Such a
 * registration would take the other site's space (issue 15 finding 7). */
bool
ms_covers_other_site(const struct xtr_conf *c, int site, uint32_t iid,
    const struct ipprefix *p)
{
	int	i, j;

	for (i = 0; i < c->nsite; i++) {
		if (i == site)
			continue;
		for (j = 0; j < c->site[i].neid; j++)
			if (c->site[i].iid[j] == iid &&
			    ipprefix_covers(p, &c->site[i].eid[j]) &&
			    ipprefix_cmp(p, &c->site[i].eid[j]) != 0)
				return true;
	}
	return false;
}

/* The configured prefix of s that p is a more-specific of, or -1. */
int
ms_site_cover(const struct xc_site *s, uint32_t iid, const struct ipprefix *p)
{
	int	i, best = -1;

	for (i = 0; i < s->neid; i++)
		if (s->iid[i] == iid && s->eid[i].plen < p->plen &&
		    ipprefix_covers(&s->eid[i], p) &&
		    (best == -1 || s->eid[i].plen > s->eid[best].plen))
			best = i;
	return best;
}

/* domains.c: guest table and migration state machine, see domains.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domains.h"

static int
ends_with(const char *s, const char *suf, size_t *baselen)
{
	size_t	n = strlen(s), m = strlen(suf);

	if (n <= m || strcmp(s + n - m, suf) != 0)
		return 0;
	*baselen = n - m;
	return 1;
}

enum dom_state
dom_name_state(const char *xsname, char *base, size_t len)
{
	enum dom_state	st = DOM_RUNNING;
	size_t		n = strlen(xsname);

	if (ends_with(xsname, SUFFIX_INCOMING, &n))
		st = DOM_INCOMING;
	else if (ends_with(xsname, SUFFIX_MIGRATEDAWAY, &n))
		st = DOM_MIGRATEDAWAY;
	if (n >= len)
		n = len - 1;
	memcpy(base, xsname, n);
	base[n] = '\0';
	return st;
}

struct domain *
dom_find(struct domtab *t, uint32_t domid)
{
	int	i;

	for (i = 0; i < t->n; i++)
		if (t->d[i]->domid == domid)
			return t->d[i];
	return NULL;
}

struct domain *
dom_find_name(struct domtab *t, const char *name)
{
	struct domain	*found = NULL;
	int		 i;

	/* During a local migration both ends share a name: prefer the
	 * one that runs. */
	for (i = 0; i < t->n; i++)
		if (strcmp(t->d[i]->name, name) == 0) {
			if (t->d[i]->state == DOM_RUNNING)
				return t->d[i];
			found = t->d[i];
		}
	return found;
}

struct domain *
dom_find_mac(struct domtab *t, const uint8_t mac[6], struct vif **vp)
{
	struct domain	*found = NULL;
	struct vif	*fv = NULL;
	int		 i, j;

	for (i = 0; i < t->n; i++)
		for (j = 0; j < DOM_MAXVIF; j++) {
			struct vif *v = &t->d[i]->vifs[j];

			if (!v->used || !v->has_mac ||
			    memcmp(v->mac, mac, 6) != 0)
				continue;
			if (found == NULL || t->d[i]->state == DOM_RUNNING) {
				found = t->d[i];
				fv = v;
			}
		}
	if (vp != NULL)
		*vp = fv;
	return found;
}

struct domain *
dom_find_ifname(struct domtab *t, const char *ifname, struct vif **vp)
{
	int	i, j;

	for (i = 0; i < t->n; i++)
		for (j = 0; j < DOM_MAXVIF; j++) {
			struct vif *v = &t->d[i]->vifs[j];

			if (v->used && strcmp(v->ifname, ifname) == 0) {
				if (vp != NULL)
					*vp = v;
				return t->d[i];
			}
		}
	return NULL;
}

struct domain *
dom_add(struct domtab *t, uint32_t domid, const char *xsname, int at_startup,
    enum dom_ev *ev)
{
	struct domain	*d;

	*ev = DEV_NONE;
	if (t->n >= DOM_MAX) {
		errno = ENOSPC;
		return NULL;
	}
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	d->domid = domid;
	d->tl = -1;
	snprintf(d->xsname, sizeof(d->xsname), "%s", xsname);
	d->state = dom_name_state(xsname, d->name, sizeof(d->name));
	switch (d->state) {
	case DOM_INCOMING:
		d->was_incoming = 1;
		*ev = DEV_NEW_INCOMING;
		break;
	case DOM_RUNNING:
		if (at_startup) {
			d->owned = 1;
			d->arrival = ARR_STARTUP;
			*ev = DEV_NEW_OWNED;
		} else
			*ev = DEV_NEW_RUNNING;
		break;
	case DOM_MIGRATEDAWAY:
		/* Still ours until it is released. */
		d->owned = 1;
		*ev = DEV_NEW_MIGRATEDAWAY;
		break;
	}
	t->d[t->n++] = d;
	return d;
}

enum dom_ev
dom_rename(struct domain *d, const char *xsname)
{
	enum dom_state	old = d->state, st;
	char		base[DOM_XSNAMELEN];

	if (strcmp(xsname, d->xsname) == 0)
		return DEV_NONE;
	st = dom_name_state(xsname, base, sizeof(base));
	snprintf(d->xsname, sizeof(d->xsname), "%s", xsname);
	snprintf(d->name, sizeof(d->name), "%s", base);
	d->state = st;
	if (old == DOM_INCOMING && st == DOM_RUNNING)
		return DEV_UNPAUSED;
	if (old == DOM_RUNNING && st == DOM_MIGRATEDAWAY)
		return DEV_DEPARTING;
	if (old == DOM_MIGRATEDAWAY && st == DOM_RUNNING)
		return DEV_RETURNED;
	return DEV_RENAMED;
}

enum dom_ev
dom_release(struct domain *d)
{
	if (!d->owned)
		return d->was_incoming ? DEV_ABORTED_IN : DEV_NONE;
	if (d->state == DOM_MIGRATEDAWAY)
		return DEV_DEPARTED;
	return DEV_SHUTDOWN;
}

void
dom_free(struct domtab *t, struct domain *d)
{
	int	i;

	for (i = 0; i < t->n; i++)
		if (t->d[i] == d) {
			t->d[i] = t->d[--t->n];
			t->d[t->n] = NULL;
			break;
		}
	free(d);
}

int
dom_awaiting(const struct domain *d)
{
	return d->state == DOM_RUNNING && !d->owned;
}

int
dom_asserted(const struct domain *d)
{
	return d->owned || d->early;
}

int
dom_arrive(struct domain *d, enum arrival_reason why)
{
	if (!dom_awaiting(d))
		return 0;
	d->owned = 1;
	d->arrival = why;
	return 1;
}

struct vif *
dom_vif(struct domain *d, uint32_t devid, int create)
{
	struct vif	*free_slot = NULL;
	int		 i;

	for (i = 0; i < DOM_MAXVIF; i++) {
		if (d->vifs[i].used && d->vifs[i].devid == devid)
			return &d->vifs[i];
		if (!d->vifs[i].used && free_slot == NULL)
			free_slot = &d->vifs[i];
	}
	if (!create || free_slot == NULL)
		return NULL;
	memset(free_slot, 0, sizeof(*free_slot));
	free_slot->used = 1;
	free_slot->devid = devid;
	free_slot->fe_state = -1;
	return free_slot;
}

int
dom_has_dyn(const struct domain *d, const struct ipaddr *a)
{
	int	i;

	for (i = 0; i < d->ndyn; i++)
		if (ipaddr_cmp(&d->dyn[i], a) == 0)
			return 1;
	return 0;
}

int
dom_add_dyn(struct domain *d, const struct ipaddr *a)
{
	if (dom_has_dyn(d, a))
		return 0;
	if (d->ndyn >= DOM_MAXDYN) {
		errno = ENOSPC;
		return -1;
	}
	d->dyn[d->ndyn++] = *a;
	return 1;
}

const char *
dom_state_name(enum dom_state s)
{
	switch (s) {
	case DOM_INCOMING:	return "incoming";
	case DOM_RUNNING:	return "running";
	case DOM_MIGRATEDAWAY:	return "migratedaway";
	}
	return "?";
}

const char *
dom_ev_name(enum dom_ev e)
{
	static const char *names[] = {
		"none", "new-incoming", "new-running", "new-owned",
		"new-migratedaway", "unpaused", "departing", "returned",
		"renamed", "departed", "shutdown", "aborted-in",
	};

	if ((unsigned)e < sizeof(names) / sizeof(names[0]))
		return names[e];
	return "?";
}

const char *
arrival_name(enum arrival_reason r)
{
	switch (r) {
	case ARR_NONE:		return "none";
	case ARR_ANNOUNCEMENT:	return "announcement";
	case ARR_NETFRONT:	return "netfront-connected";
	case ARR_FIRST_FRAME:	return "first-frame";
	case ARR_STARTUP:	return "startup";
	}
	return "?";
}

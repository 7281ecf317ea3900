/* timeline.c: per-migration timelines, see timeline.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "timeline.h"

void
mtl_reset(struct mtl *tl)
{
	memset(tl, 0, sizeof(*tl));
}

int
mtl_begin(struct mtl *tl, const char *domain, const char *dir, uint64_t t_us)
{
	struct mtl_mig	*m = &tl->ring[tl->count % MTL_MAX];

	memset(m, 0, sizeof(*m));
	m->id = ++tl->last_id;
	snprintf(m->domain, sizeof(m->domain), "%s", domain);
	snprintf(m->dir, sizeof(m->dir), "%s", dir);
	tl->count++;
	(void)t_us;
	return m->id;
}

/* The ring slot of record id, or -1 when it is unknown (or overwritten). */
static int
find(const struct mtl *tl, int id)
{
	int	i;

	if (id <= 0)
		return -1;
	i = (id - 1) % MTL_MAX;
	return tl->ring[i].id == id ? i : -1;
}

const struct mtl_mig *
mtl_get(const struct mtl *tl, int id)
{
	int	i = find(tl, id);

	return i == -1 ? NULL : &tl->ring[i];
}

const struct mtl_mig *
mtl_nth(const struct mtl *tl, int i)
{
	int	first = tl->count > MTL_MAX ? tl->count - MTL_MAX : 0;

	if (i < 0 || first + i >= tl->count)
		return NULL;
	return &tl->ring[(first + i) % MTL_MAX];
}

int
mtl_has(const struct mtl *tl, int id, const char *event)
{
	const struct mtl_mig	*m = mtl_get(tl, id);
	int			 i;

	if (m == NULL)
		return 0;
	for (i = 0; i < m->nev; i++)
		if (strcmp(m->ev[i].event, event) == 0)
			return 1;
	return 0;
}

void
mtl_add(struct mtl *tl, int id, uint64_t t_us, const char *event,
    const char *fmt, ...)
{
	struct mtl_mig		*m;
	struct mtl_event	*e;
	va_list			 ap;
	uint64_t		 t0;
	int			 i, k;

	if ((i = find(tl, id)) == -1 || tl->ring[i].nev >= MTL_MAXEV)
		return;
	m = &tl->ring[i];
	/* In time order: a step may be recorded after a later one (the
	 * time a request was written is known when it is answered). */
	for (k = m->nev; k > 0 && m->ev[k - 1].t_us > t_us; k--)
		;
	memmove(&m->ev[k + 1], &m->ev[k], (size_t)(m->nev - k) * sizeof(*e));
	m->nev++;
	e = &m->ev[k];
	e->t_us = t_us;
	snprintf(e->event, sizeof(e->event), "%s", event);
	va_start(ap, fmt);
	vsnprintf(e->detail, sizeof(e->detail), fmt, ap);
	va_end(ap);
	t0 = m->ev[0].t_us;
	if (t_us < t0)
		t0 = t_us;
	log_info("timeline %s %s #%d +%llu.%03llums %s%s%s", m->domain,
	    m->dir, m->id, (unsigned long long)((t_us - t0) / 1000),
	    (unsigned long long)((t_us - t0) % 1000), event,
	    e->detail[0] ? " " : "", e->detail);
}

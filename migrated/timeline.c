/* timeline.c: per-migration timelines, see timeline.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "timeline.h"

static struct mtl_mig	tl_ring[MTL_MAX];
static int		tl_next_id = 1;
static int		tl_count;	/* records ever started */

void
mtl_reset(void)
{
	memset(tl_ring, 0, sizeof(tl_ring));
	tl_next_id = 1;
	tl_count = 0;
}

int
mtl_begin(const char *domain, const char *dir, uint64_t t_us)
{
	struct mtl_mig	*m = &tl_ring[tl_count % MTL_MAX];

	memset(m, 0, sizeof(*m));
	m->id = tl_next_id++;
	snprintf(m->domain, sizeof(m->domain), "%s", domain);
	snprintf(m->dir, sizeof(m->dir), "%s", dir);
	tl_count++;
	(void)t_us;
	return m->id;
}

static struct mtl_mig *
find(int id)
{
	struct mtl_mig	*m;

	if (id <= 0)
		return NULL;
	m = &tl_ring[(id - 1) % MTL_MAX];
	return m->id == id ? m : NULL;
}

const struct mtl_mig *
mtl_get(int id)
{
	return find(id);
}

const struct mtl_mig *
mtl_nth(int i)
{
	int	first = tl_count > MTL_MAX ? tl_count - MTL_MAX : 0;

	if (i < 0 || first + i >= tl_count)
		return NULL;
	return &tl_ring[(first + i) % MTL_MAX];
}

int
mtl_has(int id, const char *event)
{
	struct mtl_mig	*m = find(id);
	int		 i;

	if (m == NULL)
		return 0;
	for (i = 0; i < m->nev; i++)
		if (strcmp(m->ev[i].event, event) == 0)
			return 1;
	return 0;
}

void
mtl_add(int id, uint64_t t_us, const char *event, const char *fmt, ...)
{
	struct mtl_mig	*m = find(id);
	struct mtl_event	*e;
	va_list		 ap;
	uint64_t	 t0;
	int		 k;

	if (m == NULL || m->nev >= MTL_MAXEV)
		return;
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

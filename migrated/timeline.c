/* timeline.c: per-migration timelines, see timeline.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "timeline.h"

static struct tl_mig	tl_ring[TL_MAX];
static int		tl_next_id = 1;
static int		tl_count;	/* records ever started */

void
tl_reset(void)
{
	memset(tl_ring, 0, sizeof(tl_ring));
	tl_next_id = 1;
	tl_count = 0;
}

int
tl_begin(const char *domain, const char *dir, uint64_t t_us)
{
	struct tl_mig	*m = &tl_ring[tl_count % TL_MAX];

	memset(m, 0, sizeof(*m));
	m->id = tl_next_id++;
	snprintf(m->domain, sizeof(m->domain), "%s", domain);
	snprintf(m->dir, sizeof(m->dir), "%s", dir);
	tl_count++;
	(void)t_us;
	return m->id;
}

static struct tl_mig *
find(int id)
{
	struct tl_mig	*m;

	if (id <= 0)
		return NULL;
	m = &tl_ring[(id - 1) % TL_MAX];
	return m->id == id ? m : NULL;
}

const struct tl_mig *
tl_get(int id)
{
	return find(id);
}

const struct tl_mig *
tl_nth(int i)
{
	int	first = tl_count > TL_MAX ? tl_count - TL_MAX : 0;

	if (i < 0 || first + i >= tl_count)
		return NULL;
	return &tl_ring[(first + i) % TL_MAX];
}

int
tl_has(int id, const char *event)
{
	struct tl_mig	*m = find(id);
	int		 i;

	if (m == NULL)
		return 0;
	for (i = 0; i < m->nev; i++)
		if (strcmp(m->ev[i].event, event) == 0)
			return 1;
	return 0;
}

void
tl_add(int id, uint64_t t_us, const char *event, const char *fmt, ...)
{
	struct tl_mig	*m = find(id);
	struct tl_event	*e;
	va_list		 ap;
	uint64_t	 t0;
	int		 k;

	if (m == NULL || m->nev >= TL_MAXEV)
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

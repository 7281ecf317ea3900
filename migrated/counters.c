/* counters.c: named counters, see counters.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "counters.h"
#include "mono.h"

/* The slot of name (made on first use), or -1 when all are taken. */
static int
slot(struct mcnt *t, const char *name)
{
	int	i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->c[i].name, name) == 0)
			return i;
	if (t->n >= MCNT_MAX)
		return -1;
	memset(&t->c[t->n], 0, sizeof(t->c[t->n]));
	snprintf(t->c[t->n].name, sizeof(t->c[t->n].name), "%s", name);
	return t->n++;
}

void
mcnt_inc(struct mcnt *t, const char *name)
{
	int	i = slot(t, name);

	if (i != -1)
		t->c[i].v++;
}

uint64_t
mcnt_get(const struct mcnt *t, const char *name)
{
	int	i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->c[i].name, name) == 0)
			return t->c[i].v;
	return 0;
}

void
mcnt_drop(struct mcnt *t, const char *name, const char *fmt, ...)
{
	int	i = slot(t, name);
	va_list	ap;

	if (i == -1)
		return;
	t->c[i].v++;
	va_start(ap, fmt);
	droplog_v(&t->c[i].dl, mono_ms(), name, fmt, ap);
	va_end(ap);
}

int
mcnt_nth(const struct mcnt *t, int i, const char **name, uint64_t *v)
{
	if (i < 0 || i >= t->n)
		return -1;
	*name = t->c[i].name;
	*v = t->c[i].v;
	return 0;
}

void
mcnt_reset(struct mcnt *t)
{
	t->n = 0;
}

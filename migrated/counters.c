/* counters.c: named counters, see counters.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "counters.h"
#include "droplog.h"
#include "mono.h"

static struct {
	char		name[MCNT_NAMELEN];
	uint64_t	v;
	struct droplog	dl;
} cnt[MCNT_MAX];
static int	ncnt;

/* The slot of name (made on first use), or -1 when all are taken. */
static int
slot(const char *name)
{
	int	i;

	for (i = 0; i < ncnt; i++)
		if (strcmp(cnt[i].name, name) == 0)
			return i;
	if (ncnt >= MCNT_MAX)
		return -1;
	memset(&cnt[ncnt], 0, sizeof(cnt[ncnt]));
	snprintf(cnt[ncnt].name, sizeof(cnt[ncnt].name), "%s", name);
	return ncnt++;
}

void
mcnt_inc(const char *name)
{
	int	i = slot(name);

	if (i != -1)
		cnt[i].v++;
}

uint64_t
mcnt_get(const char *name)
{
	int	i;

	for (i = 0; i < ncnt; i++)
		if (strcmp(cnt[i].name, name) == 0)
			return cnt[i].v;
	return 0;
}

void
mcnt_drop(const char *name, const char *fmt, ...)
{
	int	i = slot(name);
	va_list	ap;

	if (i == -1)
		return;
	cnt[i].v++;
	va_start(ap, fmt);
	droplog_v(&cnt[i].dl, mono_ms(), name, fmt, ap);
	va_end(ap);
}

int
mcnt_nth(int i, const char **name, uint64_t *v)
{
	if (i < 0 || i >= ncnt)
		return -1;
	*name = cnt[i].name;
	*v = cnt[i].v;
	return 0;
}

void
mcnt_reset(void)
{
	ncnt = 0;
}

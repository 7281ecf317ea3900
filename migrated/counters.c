/* counters.c: named counters, see counters.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "counters.h"

static struct {
	char		name[CNT_NAMELEN];
	uint64_t	v;
} cnt[CNT_MAX];
static int	ncnt;

static uint64_t *
slot(const char *name)
{
	int	i;

	for (i = 0; i < ncnt; i++)
		if (strcmp(cnt[i].name, name) == 0)
			return &cnt[i].v;
	if (ncnt >= CNT_MAX)
		return NULL;
	snprintf(cnt[ncnt].name, sizeof(cnt[ncnt].name), "%s", name);
	cnt[ncnt].v = 0;
	return &cnt[ncnt++].v;
}

void
cnt_inc(const char *name)
{
	uint64_t	*p = slot(name);

	if (p != NULL)
		(*p)++;
}

uint64_t
cnt_get(const char *name)
{
	int	i;

	for (i = 0; i < ncnt; i++)
		if (strcmp(cnt[i].name, name) == 0)
			return cnt[i].v;
	return 0;
}

void
cnt_drop(const char *name, const char *fmt, ...)
{
	uint64_t	*p = slot(name);
	char		 msg[512];
	va_list		 ap;

	if (p == NULL)
		return;
	(*p)++;
	if (*p > 10 && *p % 1000 != 0)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_warnx("%s: %s (count %llu)", name, msg, (unsigned long long)*p);
}

int
cnt_nth(int i, const char **name, uint64_t *v)
{
	if (i < 0 || i >= ncnt)
		return -1;
	*name = cnt[i].name;
	*v = cnt[i].v;
	return 0;
}

void
cnt_reset(void)
{
	ncnt = 0;
}

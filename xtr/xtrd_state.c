/*
 * xtrd_state.c: what survives an xtrd restart (issue 16, finding 8), in
 * <state_dir>/xtrd.state, else <control socket without .sock>.state.d/
 * xtrd.state (made 0700 before the privilege drop and given to xtrd's
 * user):
 *   - the xTR-ID (RFC 9301 §5.6 / RFC 9437 §4), unless xtrd.conf sets
 *     xtr_id: a restarted xtrd that drew a new one would register and
 *     subscribe as another xTR and leave its old subscriptions orphaned
 *     at the Map-Server;
 *   - the away entries (dp_away.c): the old site of a migration keeps
 *     redirecting the moved EIDs' stray packets across a restart, each
 *     entry for the lifetime it had left (the file holds wall-clock
 *     expiry times, since CLOCK_MONOTONIC starts again).
 * Written whole on every change of the away entries and at the stop:
 * a temporary file, fsync, rename over xtrd.state, fsync of the directory.
 * After a crash the lifetimes are those of the last write (an entry in use
 * may expire earlier than it would have, never later).
 *
 * Format, one item per line (read back strictly; a line that does not
 * parse is skipped with a warning, the rest is used):
 *   xtrd-state 1
 *   xtr_id <32 hex digits>
 *   away <eid prefix> <expiry, ms since the epoch> <rloc>...
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "mono.h"
#include "xtr/dp/dp.h"
#include "xtr/xtrd.h"
#include "xtr/xtrd_state.h"

#define XST_MAX_AWAY	1024

/* x->xst: allocated by xst_load */
struct xst {
	struct xst_away	loaded[XST_MAX_AWAY];	/* until xst_restore */
	int		nloaded;
	uint64_t	last_sig;	/* of the entries last written */
	char		path[XC_PATH_MAX + 16];
};

static uint64_t
real_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
keep_loaded(const struct xst_away *a, void *arg)
{
	struct xst	*st = arg;

	if (st->nloaded < XST_MAX_AWAY)
		st->loaded[st->nloaded++] = *a;
}

/*
 * Before the privilege drop: the directory (0700), and what the file
 * holds.  The xTR-ID is taken from it unless xtrd.conf sets one; without
 * a file a new random one is drawn (main) and written at once.
 */
void
xst_load(struct xtrd *x, bool *have_id)
{
	const char	*dir = x->conf->own_state_dir;
	struct xst	*st;
	char		 buf[XST_MAX_AWAY * 128 + 256];
	ssize_t		 n;
	int		 fd, bad;

	*have_id = false;
	if ((x->xst = st = calloc(1, sizeof(*st))) == NULL) {
		log_warn("state");
		return;
	}
	snprintf(st->path, sizeof(st->path), "%s/xtrd.state", dir);
	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		log_warn("state directory %s", dir);
	if ((fd = open(st->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		if (errno != ENOENT)
			log_warn("%s", st->path);
		return;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0) {
		log_warn("%s", st->path);
		return;
	}
	buf[n] = '\0';
	bad = xst_parse(buf, x->xtr_id, have_id, keep_loaded, st);
	if (bad < 0) {
		log_warnx("%s: not an xtrd state file (version 1): ignored",
		    st->path);
		*have_id = false;
	} else if (bad > 0)
		log_warnx("%s: %d line%s skipped", st->path, bad,
		    bad == 1 ? "" : "s");
	if (x->conf->xtr_id_set)
		*have_id = false;	/* xtrd.conf's wins (main) */
}

/* After dp_init: the away entries still alive. */
void
xst_restore(struct xtrd *x)
{
	struct xst	*st = x->xst;
	uint64_t	 now = real_ms(), limit, left;
	char		 p[IPPREFIX_STRLEN];
	int		 i, n = 0;

	if (st == NULL)
		return;
	limit = (uint64_t)x->conf->dp.away_timeout * 1000;
	for (i = 0; i < st->nloaded; i++) {
		if (st->loaded[i].expires_ms <= now)
			continue;
		left = st->loaded[i].expires_ms - now;
		if (left > limit)
			left = limit;
		if (dp_away_put_back(x, &st->loaded[i].eid, st->loaded[i].rloc,
		    st->loaded[i].nrloc, limit - left) == 1) {
			n++;
			tl_add("away-restored", &st->loaded[i].eid,
			    &st->loaded[i].rloc[0], "%llu ms left",
			    (unsigned long long)left);
		} else
			log_info("away entry %s not restored (no data plane "
			    "or away_entries = no)", ipprefix_fmt(
			    &st->loaded[i].eid, p, sizeof(p)));
	}
	if (st->nloaded > 0)
		log_info("%d of %d away entr%s restored from %s", n,
		    st->nloaded, st->nloaded == 1 ? "y" : "ies", st->path);
	st->nloaded = 0;
}

struct wctx {
	FILE		*f;
	uint64_t	 now, limit, sig;
};

static int
write_away(const struct dp_away_view *v, void *arg)
{
	struct wctx	*w = arg;
	uint64_t	 idle = v->idle_ms;
	char		 b[IPPREFIX_STRLEN];
	int		 i;

	if (idle > w->limit)	/* clock skew of a fresh entry, or expiring */
		idle = idle > (uint64_t)1 << 62 ? 0 : w->limit;
	fprintf(w->f, "away %s %llu", ipprefix_fmt(v->eid, b, sizeof(b)),
	    (unsigned long long)(w->now + w->limit - idle));
	for (i = 0; i < v->nrloc; i++)
		fprintf(w->f, " %s", ipaddr_fmt(&v->rloc[i], b, sizeof(b)));
	fputc('\n', w->f);
	return 0;
}

static int
sig_away(const struct dp_away_view *v, void *arg)
{
	uint64_t	*s = arg;
	const uint8_t	*p;
	size_t		 i;

	/* FNV-1a over what is written but the lifetimes */
	p = (const uint8_t *)v->eid;
	for (i = 0; i < sizeof(*v->eid); i++)
		*s = (*s ^ p[i]) * 1099511628211ULL;
	p = (const uint8_t *)v->rloc;
	for (i = 0; i < (size_t)v->nrloc * sizeof(*v->rloc); i++)
		*s = (*s ^ p[i]) * 1099511628211ULL;
	*s = (*s ^ 0xff) * 1099511628211ULL;
	return 0;
}

/* fsync'd, renamed over xtrd.state, directory fsync'd. */
void
xst_save(struct xtrd *x)
{
	struct xst	*st = x->xst;
	struct wctx	 w;
	char		 tmp[XC_PATH_MAX + 24], id[2 * LISP_XTR_ID_LEN + 1];
	int		 fd, dfd, rc = 0;

	if (st == NULL || st->path[0] == '\0')
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", st->path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) == -1 || (w.f = fdopen(fd, "w")) == NULL) {
		log_warn("%s", tmp);
		if (fd != -1)
			close(fd);
		return;
	}
	w.now = real_ms();
	w.limit = (uint64_t)x->conf->dp.away_timeout * 1000;
	w.sig = 1469598103934665603ULL;
	xtr_hexid(x->xtr_id, id);
	fprintf(w.f, "xtrd-state 1\nxtr_id %s\n", id);
	(void)dp_away_each(x, write_away, &w);
	(void)dp_away_each(x, sig_away, &w.sig);
	if (fflush(w.f) != 0 || fsync(fd) == -1)
		rc = -1;
	if (fclose(w.f) != 0)
		rc = -1;
	if (rc == -1 || rename(tmp, st->path) == -1) {
		log_warn("writing %s", st->path);
		unlink(tmp);
		return;
	}
	if ((dfd = open(x->conf->own_state_dir, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) != -1) {
		if (fsync(dfd) == -1)
			log_warn("fsync %s", x->conf->own_state_dir);
		close(dfd);
	}
	st->last_sig = w.sig;
}

/* Each loop turn: written again when the away entries changed. */
void
xst_tick(struct xtrd *x)
{
	uint64_t	s = 1469598103934665603ULL;

	if (x->xst == NULL)
		return;
	(void)dp_away_each(x, sig_away, &s);
	if (s != x->xst->last_sig)
		xst_save(x);
}

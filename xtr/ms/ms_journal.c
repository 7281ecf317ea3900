/*
 * ms_journal.c: the Map-Server's registrations and nonces survive its
 * restart (issue 15 finding 8; RFC 9301 §5.6: "A Map-Server MUST track
 * and save in persistent storage the last nonce received for each ETR
 * xTR-ID and key pair").  With state_dir set, state_dir/ms.journal is a
 * text file, one line per change:
 *
 *   N SITE KEY_ID XTR_ID NONCE          last nonce of (xTR-ID, site key)
 *   R SITE XTR_ID SITE_ID FLAGS FROM PORT EXPIRES EID TTL LOC...
 *                                       a registration (or its refresh)
 *   W XTR_ID EID                        that xTR's registration is gone
 *
 * EID is a prefix of Instance-ID 0, or [IID]PREFIX for another IID (RFC
 * 8060 §4.1; a journal of before the IIDs has only the former).
 * XTR_ID 32 hex digits, NONCE 16, FLAGS a string of p (proxy-reply),
 * m (merge), r (released) or "-", EXPIRES the wall-clock millisecond the
 * registration expires at, LOC ADDR/PRIORITY/WEIGHT/MPRIORITY/MWEIGHT/
 * BITS (1 local, 2 probed, 4 reachable).  At start the journal is read
 * (later lines win; what has expired meanwhile is skipped, the rest keeps
 * its remaining lifetime), rewritten as a snapshot (temporary file, fsync,
 * rename) and appended to from then on; once it has grown to four times
 * its snapshot (and 4 MB) it is compacted the same way.  Appends are
 * buffered and flushed with fdatasync once a second: a crash loses at
 * most the last second, whose Map-Registers the xTRs refresh anyway.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "mono.h"
#include "xtr/ms/ms_int.h"
#include "xtr/ms/ms_journal.h"
#include "xtr/xtrd.h"
#include "xtr/cp/cp.h"
#include "xtr/ms/ms.h"

#define MSJ_FLUSH_MS	1000
#define MSJ_MIN_COMPACT	(4u << 20)

static uint64_t
wall_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* "[IID]" for an IID other than 0, else "" (out: 16 bytes). */
static const char *
iid_fmt(uint32_t iid, char *out)
{
	out[0] = '\0';
	if (iid != 0)
		snprintf(out, 16, "[%u]", iid);
	return out;
}

static void
hex_id(const uint8_t *id, char *out)
{
	int	i;

	for (i = 0; i < LISP_XTR_ID_LEN; i++)
		snprintf(out + 2 * i, 3, "%02x", id[i]);
}

/* --- writing ------------------------------------------------------------- */

void
msj_fmt_nonce(FILE *f, const char *site, uint8_t key_id, const uint8_t *id,
    uint64_t nonce)
{
	char	h[33];

	hex_id(id, h);
	fprintf(f, "N %s %u %s %016" PRIx64 "\n", site, key_id, h, nonce);
}

void
msj_fmt_reg(FILE *f, struct xtrd *x, const struct ms_reg *r)
{
	char		 h[33], a[IPADDR_STRLEN], e[IPPREFIX_STRLEN], iid[16];
	uint64_t	 until = r->last_ms + r->life_ms;
	uint64_t	 now = mono_ms();
	struct ipprefix	 p = r->e->eid;
	int		 i;

	ipprefix_mask(&p);	/* stored as registered, host bits and all */
	hex_id(r->xtr_id, h);
	fprintf(f, "R %s %s %" PRIu64 " %s%s%s%s %s %u %" PRIu64 " %s%s %u",
	    x->conf->site[r->site].name, h, r->site_id,
	    r->proxy_reply ? "p" : "", r->merge ? "m" : "",
	    r->released ? "r" : "",
	    !r->proxy_reply && !r->merge && !r->released ? "-" : "",
	    ipaddr_fmt(&r->from, a, sizeof(a)), r->from_port,
	    wall_ms() + (until > now ? until - now : 0),
	    iid_fmt(r->e->iid, iid), ipprefix_fmt(&p, e, sizeof(e)),
	    r->rec.ttl);
	for (i = 0; i < r->rec.nloc; i++) {
		const struct lisp_locator *l = &r->rec.loc[i];

		fprintf(f, " %s/%u/%u/%u/%u/%u", ipaddr_fmt(&l->rloc.ip, a,
		    sizeof(a)), l->priority, l->weight, l->mpriority,
		    l->mweight, (l->local ? 1 : 0) | (l->probed ? 2 : 0) |
		    (l->reachable ? 4 : 0));
	}
	fputc('\n', f);
}

static void
flush_cb(void *arg)
{
	struct xtrd		*x = arg;
	struct ms_journal	*j = &x->ms->j;

	if (j->f == NULL || !j->dirty)
		return;
	if (fflush(j->f) == EOF || fdatasync(fileno(j->f)) == -1) {
		cnt_drop(C_ms_journal_error, "%s: %s", j->path,
		    strerror(errno));
		clearerr(j->f);
	}
	j->dirty = false;
}

static void
touched(struct xtrd *x, size_t n)
{
	struct ms_journal	*j = &x->ms->j;

	j->written += n;
	if (!j->dirty) {
		j->dirty = true;
		timer_set(&x->timers, &j->flush_t, mono_ms() + MSJ_FLUSH_MS);
	}
	if (j->written > MSJ_MIN_COMPACT && j->written > 4 * j->snap_size)
		msj_compact(x);
}

void
msj_nonce(struct xtrd *x, int site, uint8_t key_id, const uint8_t *id,
    uint64_t nonce)
{
	FILE	*jf = x->ms->j.f;
	long	 before;

	if (jf == NULL)
		return;
	before = ftell(jf);
	msj_fmt_nonce(jf, x->conf->site[site].name, key_id, id, nonce);
	touched(x, (size_t)(ftell(jf) - before));
}

void
msj_reg(struct xtrd *x, const struct ms_reg *r)
{
	FILE	*jf = x->ms->j.f;
	long	 before;

	if (jf == NULL)
		return;
	before = ftell(jf);
	msj_fmt_reg(jf, x, r);
	touched(x, (size_t)(ftell(jf) - before));
}

void
msj_unreg(struct xtrd *x, const uint8_t *id, uint32_t iid,
    const struct ipprefix *p)
{
	FILE		*jf = x->ms->j.f;
	char		 h[33], e[IPPREFIX_STRLEN], is[16];
	struct ipprefix	 m = *p;
	long		 before;

	if (jf == NULL)
		return;
	before = ftell(jf);
	hex_id(id, h);
	ipprefix_mask(&m);
	fprintf(jf, "W %s %s%s\n", h, iid_fmt(iid, is),
	    ipprefix_fmt(&m, e, sizeof(e)));
	touched(x, (size_t)(ftell(jf) - before));
}

/* Rewrite the journal as what is held now: temporary file, fsync,
 * rename, then append to it. */
int
msj_compact(struct xtrd *x)
{
	struct ms_journal	*j = &x->ms->j;
	char			 tmp[sizeof(j->path) + 4];
	FILE			*f;
	long			 size;
	int			 fd;

	snprintf(tmp, sizeof(tmp), "%s.new", j->path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) ==
	    -1 || (f = fdopen(fd, "w")) == NULL) {
		if (fd != -1)
			close(fd);
		cnt_drop(C_ms_journal_error, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	fprintf(f, "# xtrd Map-Server journal (ms_journal.c)\n");
	ms_journal_dump(x, f);
	size = ftell(f);
	if (fflush(f) == EOF || fsync(fileno(f)) == -1 || fclose(f) == EOF ||
	    rename(tmp, j->path) == -1) {
		cnt_drop(C_ms_journal_error, "%s: %s", j->path,
		    strerror(errno));
		return -1;
	}
	if (j->f != NULL)
		fclose(j->f);
	if ((j->f = fopen(j->path, "ae")) == NULL) {
		cnt_drop(C_ms_journal_error, "%s: %s", j->path,
		    strerror(errno));
		return -1;
	}
	setvbuf(j->f, NULL, _IOFBF, 1 << 16);
	j->snap_size = size > 0 ? (size_t)size : 0;
	j->written = 0;
	return 0;
}

int
msj_open(struct xtrd *x)
{
	struct ms_journal	*j = &x->ms->j;
	struct msj_line		 l;
	char			*line = NULL;
	size_t			 cap = 0;
	unsigned		 lineno = 0, bad = 0, restored = 0;
	uint64_t		 now = wall_ms();
	FILE			*f;

	timer_init(&j->flush_t, flush_cb, x);
	if (x->conf->state_dir[0] == '\0' || !(x->conf->roles & ROLE_MS))
		return 0;
	snprintf(j->path, sizeof(j->path), "%s/ms.journal",
	    x->conf->state_dir);
	if ((f = fopen(j->path, "re")) != NULL) {
		while (getline(&line, &cap, f) != -1) {
			lineno++;
			switch (msj_parse_line(line, &l)) {
			case 1:
				continue;
			case -1:
				bad++;
				continue;
			}
			if (l.kind == 'N')
				ms_restore_nonce(x, &l);
			else if (l.kind == 'W')
				ms_restore_unreg(x, &l);
			else if (l.expires_wall_ms > now &&
			    ms_restore_reg(x, &l, l.expires_wall_ms - now) == 1)
				restored++;
		}
		free(line);
		fclose(f);
		if (bad > 0) {
			cnt_drop(C_ms_journal_error, "%s: %u bad line%s of %u, "
			    "skipped", j->path, bad, bad == 1 ? "" : "s",
			    lineno);
		}
		log_info("%s: %u registration%s restored", j->path,
		    (unsigned)x->ms->nreg, x->ms->nreg == 1 ? "" : "s");
	} else if (errno != ENOENT)
		log_warn("%s", j->path);
	(void)restored;
	return msj_compact(x) == -1 ? -1 : 0;
}

void
msj_close(struct xtrd *x)
{
	struct ms_journal	*j = &x->ms->j;

	if (j->f == NULL)
		return;
	timer_cancel(&x->timers, &j->flush_t);
	fflush(j->f);
	fdatasync(fileno(j->f));
	fclose(j->f);
	j->f = NULL;
}

/*
 * nonce_seq.c: the one increasing nonce sequence of this xtrd, for every
 * Map-Register it sends (ETR) and every Map-Notify it starts (MS:
 * mobility, publication).
 *
 * RFC 9301 §5.6: "This 8-octet 'Nonce' field is incremented each time a
 * Map-Register message is sent. [...] An ETR that registers to the Mapping
 * System SHOULD store the last nonce sent in persistent storage, so when it
 * restarts, it can continue using an incrementing nonce."
 *
 * A nonce is the largest of: the last one plus one; the wall clock in
 * microseconds shifted left by 8 (256 nonces per microsecond before the
 * clock has to move; 2^56 us is 2283 years after 1970); and the floor kept
 * in state_dir/nonce.  The clock alone already survives a restart, even
 * without state_dir; the floor covers a clock that was stepped back (a
 * Dom0 booted without NTP yet).  The floor is a reserve: written (and
 * fsync'd, renamed into place) before a nonce reaches it, one minute of
 * clock ahead, so the file is written about once a minute, never per
 * message, and no nonce is used that a restart could hand out again.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "mono.h"
#include "xtr/config.h"
#include "xtr/nonce_seq.h"

#define XTR_ID_BYTES	16
#define NONCE_RESERVE	((uint64_t)60 * 1000000 << 8)	/* a minute */

static uint64_t
clock_nonce(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000)
	    << 8;
}

int
state_floor_write(const char *path, uint64_t v)
{
	char	tmp[XC_PATH_MAX + 64], buf[64];
	int	fd, n, rc = -1;

	snprintf(tmp, sizeof(tmp), "%s.new", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) ==
	    -1)
		return -1;
	n = snprintf(buf, sizeof(buf), "floor %016" PRIx64 "\n", v);
	if (write(fd, buf, (size_t)n) == n && fsync(fd) == 0)
		rc = 0;
	if (close(fd) == -1)
		rc = -1;
	if (rc == 0 && rename(tmp, path) == -1)
		rc = -1;
	return rc;
}

int
state_floor_parse(const char *buf, size_t n, uint64_t *v)
{
	char	tmp[64], *end;

	if (n < 7 || n >= sizeof(tmp) || strncmp(buf, "floor ", 6) != 0)
		return -1;
	memcpy(tmp, buf, n);
	tmp[n] = '\0';
	if (tmp[6] < '0' || (tmp[6] > '9' && tmp[6] < 'a') || tmp[6] > 'f')
		return -1;
	errno = 0;
	*v = strtoull(tmp + 6, &end, 16);
	if (errno != 0 || end == tmp + 6 || (*end != '\n' && *end != '\0') ||
	    (*end == '\n' && end[1] != '\0'))
		return -1;
	return 0;
}

uint64_t
state_floor_read(const char *path)
{
	char		 buf[64];
	uint64_t	 v;
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno != ENOENT)
			log_warn("%s", path);
		return 0;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0 || state_floor_parse(buf, (size_t)n, &v) == -1) {
		log_warnx("%s: not a nonce floor, ignored", path);
		return 0;
	}
	return v;
}

int
nonce_seq_init(struct nonce_seq *ns, const char *dir)
{
	memset(ns, 0, sizeof(*ns));
	ns->persist = dir[0] != '\0';
	if (!ns->persist)
		return 0;
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		log_warn("state_dir %s", dir);
		return -1;
	}
	snprintf(ns->path, sizeof(ns->path), "%s/nonce", dir);
	ns->last = ns->floor_at = state_floor_read(ns->path);
	if (ns->last != 0)
		ns->last--;	/* the floor itself is still unused */
	return 0;
}

uint64_t
nonce_seq_next(struct nonce_seq *ns)
{
	uint64_t	n = ns->last + 1, c = clock_nonce();

	if (c > n)
		n = c;
	if (ns->persist && n >= ns->floor_at) {
		if (state_floor_write(ns->path, n + NONCE_RESERVE) == 0)
			ns->floor_at = n + NONCE_RESERVE;
		else if (mono_ms() - ns->warned_ms > 60000 ||
		    ns->warned_ms == 0) {
			ns->warned_ms = mono_ms();
			log_warn("%s: cannot keep the nonce floor", ns->path);
		}
	}
	ns->last = n;
	return n;
}

/* --- the xTR-ID ----------------------------------------------------------- */

int
state_xtr_id_parse(const char *buf, size_t n, uint8_t *id)
{
	size_t	i;

	/* "xtr-id " 32 hex digits "\n" */
	if (n != 7 + 2 * XTR_ID_BYTES + 1 || strncmp(buf, "xtr-id ", 7) != 0 ||
	    buf[n - 1] != '\n')
		return -1;
	for (i = 0; i < 2 * XTR_ID_BYTES; i++) {
		char		c = buf[7 + i];
		unsigned	v;

		if (c >= '0' && c <= '9')
			v = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = (unsigned)(c - 'a' + 10);
		else
			return -1;
		if (i % 2 == 0)
			id[i / 2] = (uint8_t)(v << 4);
		else
			id[i / 2] |= (uint8_t)v;
	}
	return 0;
}

/*
 * RFC 9301 §5.6: "The combination of Site-ID plus xTR-ID uniquely
 * identifies an xTR in a LISP domain and serves to track its last seen
 * nonce."  Drawn once, kept in state_dir/xtr-id: after a restart the
 * Map-Server still knows us (our nonces, our registrations) instead of
 * learning one more xTR-ID each time.
 */
int
state_xtr_id(const char *dir, uint8_t *id)
{
	char	path[XC_PATH_MAX + 16], tmp[XC_PATH_MAX + 24], buf[64];
	ssize_t	n;
	int	fd, i, rc = -1;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		return -1;
	snprintf(path, sizeof(path), "%s/xtr-id", dir);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		n = read(fd, buf, sizeof(buf));
		close(fd);
		if (n > 0 && state_xtr_id_parse(buf, (size_t)n, id) == 0)
			return 0;
		log_warnx("%s: not an xTR-ID, a new one is drawn", path);
	}
	if (getrandom(id, XTR_ID_BYTES, 0) != XTR_ID_BYTES)
		return -1;
	n = snprintf(buf, sizeof(buf), "xtr-id ");
	for (i = 0; i < XTR_ID_BYTES; i++)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "%02x", id[i]);
	buf[n++] = '\n';
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) ==
	    -1)
		return -1;
	if (write(fd, buf, (size_t)n) == n && fsync(fd) == 0)
		rc = 0;
	if (close(fd) == -1 || (rc == 0 && rename(tmp, path) == -1))
		rc = -1;
	return rc;
}

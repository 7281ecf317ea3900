/* xtr_client.c: non-blocking HTTP over a unix socket, see xtr_client.h. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "mono.h"
#include "xtr_client.h"

struct xreq {
	struct xreq	*next;
	char		*out;		/* the whole request */
	size_t		 outlen;
	int		 flags;
	xtrc_cb		 cb;
	void		*arg;
};

enum { XS_IDLE, XS_CONNECTING, XS_WRITING, XS_READING };

struct xtrc {
	char		 path[108];
	struct xreq	*head, *tail;
	size_t		 nq;
	int		 fd;
	int		 st;
	size_t		 off;		/* bytes of head->out written */
	char		*in;
	size_t		 inlen, incap;
	uint64_t	 retry_at;	/* ms; 0 = now */
	uint64_t	 io_deadline;
	uint64_t	 t_queued_us, t_sent_us;
	unsigned	 backoff;
	unsigned	 io_timeout_ms;
	int		 up;
};

struct xtrc *
xtrc_new(const char *sockpath)
{
	struct xtrc	*c;

	if (strlen(sockpath) >= sizeof(c->path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	snprintf(c->path, sizeof(c->path), "%s", sockpath);
	c->fd = -1;
	c->up = 1;
	c->io_timeout_ms = XTRC_IO_TIMEOUT_MS;
	return c;
}

static void
conn_close(struct xtrc *c)
{
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	c->st = XS_IDLE;
	c->off = 0;
	c->inlen = 0;
}

static void
req_pop(struct xtrc *c, int status, const char *body, size_t len)
{
	struct xreq	*r = c->head;

	if (r == NULL)
		return;
	c->head = r->next;
	if (c->head == NULL)
		c->tail = NULL;
	c->nq--;
	if (r->cb != NULL)
		r->cb(r->arg, status, body, len);
	free(r->out);
	free(r);
}

void
xtrc_free(struct xtrc *c)
{
	if (c == NULL)
		return;
	conn_close(c);
	while (c->head != NULL)
		req_pop(c, -2, "", 0);
	free(c->in);
	free(c);
}

int
xtrc_request(struct xtrc *c, const char *method, const char *path,
    const char *body, int flags, xtrc_cb cb, void *arg)
{
	struct xreq	*r;
	size_t		 blen = body ? strlen(body) : 0;
	int		 n;

	if (c->nq >= XTRC_MAX_QUEUE) {
		errno = ENOBUFS;
		return -1;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return -1;
	n = asprintf(&r->out, "%s %s HTTP/1.1\r\nHost: xtrd\r\n"
	    "Connection: close\r\nAccept: application/json\r\n"
	    "%sContent-Length: %zu\r\n\r\n%s", method, path,
	    body ? "Content-Type: application/json\r\n" : "", blen,
	    body ? body : "");
	if (n < 0) {
		free(r);
		return -1;
	}
	r->outlen = (size_t)n;
	r->flags = flags;
	r->cb = cb;
	r->arg = arg;
	if (c->tail != NULL)
		c->tail->next = r;
	else
		c->head = r;
	c->tail = r;
	c->nq++;
	return 0;
}

/* The transport failed: retry later, or fail a NORETRY request. */
static void
failed(struct xtrc *c, const char *what)
{
	uint64_t	now = mono_ms();

	conn_close(c);
	if (c->up)
		log_warnx("xtrd at %s: %s; queueing requests", c->path, what);
	c->up = 0;
	if (c->head != NULL && (c->head->flags & XTRC_NORETRY)) {
		req_pop(c, -1, "", 0);
		return;
	}
	c->backoff = c->backoff ? c->backoff * 2 : XTRC_BACKOFF_MIN_MS;
	if (c->backoff > XTRC_BACKOFF_MAX_MS)
		c->backoff = XTRC_BACKOFF_MAX_MS;
	c->retry_at = now + c->backoff;
}

static void
start(struct xtrc *c, uint64_t now)
{
	struct sockaddr_un	sun;
	int			r;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, c->path, strlen(c->path));
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd == -1) {
		failed(c, strerror(errno));
		return;
	}
	c->io_deadline = now + c->io_timeout_ms;
	c->t_queued_us = mono_us();
	c->t_sent_us = 0;
	r = connect(c->fd, (struct sockaddr *)&sun, sizeof(sun));
	if (r == -1 && errno != EINPROGRESS && errno != EAGAIN) {
		failed(c, strerror(errno));
		return;
	}
	c->st = r == 0 ? XS_WRITING : XS_CONNECTING;
}

int
xtrc_pollfd(struct xtrc *c, short *events)
{
	if (c->fd == -1)
		return -1;
	*events = c->st == XS_READING ? POLLIN : POLLOUT;
	return c->fd;
}

/* Dechunk in place (RFC 9112 §7.1); -1 on a malformed body. */
static int
dechunk(char *b, size_t *len)
{
	size_t	 r = 0, w = 0, n = *len;
	char	*end;

	for (;;) {
		unsigned long sz;

		if (r >= n)
			return -1;
		errno = 0;
		sz = strtoul(b + r, &end, 16);
		if (errno != 0 || end == b + r)
			return -1;
		r = (size_t)(end - b);
		while (r < n && b[r] != '\n')
			r++;
		r++;
		if (sz == 0)
			break;
		if (r > n || sz > n - r)
			return -1;
		memmove(b + w, b + r, sz);
		w += sz;
		r += sz;
		if (r < n && b[r] == '\r')
			r++;
		if (r < n && b[r] == '\n')
			r++;
	}
	b[w] = '\0';
	*len = w;
	return 0;
}

static void
finish(struct xtrc *c)
{
	char	*hdr_end, *body, *p;
	int	 status;
	size_t	 blen;

	c->in[c->inlen] = '\0';
	if (c->inlen < 12 || strncmp(c->in, "HTTP/1.", 7) != 0 ||
	    (hdr_end = strstr(c->in, "\r\n\r\n")) == NULL) {
		failed(c, "malformed HTTP answer");
		return;
	}
	status = atoi(c->in + 9);
	body = hdr_end + 4;
	blen = c->inlen - (size_t)(body - c->in);
	*hdr_end = '\0';
	for (p = strcasestr(c->in, "\r\ntransfer-encoding:"); p != NULL;
	    p = NULL)
		if (strcasestr(p, "chunked") != NULL && dechunk(body, &blen)) {
			failed(c, "malformed chunked body");
			return;
		}
	if (strncmp(c->head->out, "POST", 4) == 0)
		log_debug("xtrd %.*s: HTTP %d, written %lluus after start, answered "
	    "%lluus later", (int)strcspn(c->head->out, "\r"), c->head->out,
	    status, (unsigned long long)(c->t_sent_us - c->t_queued_us),
	    (unsigned long long)(mono_us() - c->t_sent_us));
	c->up = 1;
	c->backoff = 0;
	c->retry_at = 0;
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	c->st = XS_IDLE;
	c->off = 0;
	c->inlen = 0;
	req_pop(c, status, body, blen);
}

static void
do_read(struct xtrc *c)
{
	ssize_t	n;

	for (;;) {
		if (c->incap - c->inlen < 4096) {
			size_t	 ncap = c->incap ? c->incap * 2 : 8192;
			char	*nb;

			if (ncap > XTRC_MAX_RESPONSE) {
				failed(c, "answer too large");
				return;
			}
			if ((nb = realloc(c->in, ncap)) == NULL) {
				failed(c, "out of memory");
				return;
			}
			c->in = nb;
			c->incap = ncap;
		}
		n = read(c->fd, c->in + c->inlen, c->incap - c->inlen - 1);
		if (n == 0) {
			finish(c);
			return;
		}
		if (n == -1) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			failed(c, strerror(errno));
			return;
		}
		c->inlen += (size_t)n;
	}
}

void
xtrc_io(struct xtrc *c, short revents)
{
	struct xreq	*r = c->head;
	ssize_t		 n;
	int		 err = 0;
	socklen_t	 sl = sizeof(err);

	if (c->fd == -1 || r == NULL)
		return;
	if (c->st == XS_CONNECTING) {
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &sl) == -1 ||
		    err != 0) {
			failed(c, strerror(err ? err : errno));
			return;
		}
		c->st = XS_WRITING;
	}
	if (c->st == XS_WRITING) {
		n = send(c->fd, r->out + c->off, r->outlen - c->off,
		    MSG_NOSIGNAL);
		if (n == -1) {
			if (errno != EAGAIN && errno != EINTR)
				failed(c, strerror(errno));
			return;
		}
		c->off += (size_t)n;
		if (c->off == r->outlen) {
			c->st = XS_READING;
			c->t_sent_us = mono_us();
		}
		return;
	}
	if (c->st == XS_READING && (revents & (POLLIN | POLLHUP | POLLERR)))
		do_read(c);
}

int
xtrc_tick(struct xtrc *c, uint64_t now)
{
	if (c->fd != -1) {
		if (now >= c->io_deadline) {
			failed(c, "timed out");
			return 0;
		}
		return (int)(c->io_deadline - now);
	}
	if (c->head == NULL)
		return -1;
	if (now < c->retry_at)
		return (int)(c->retry_at - now);
	start(c, now);
	if (c->fd != -1 && c->st == XS_WRITING)
		xtrc_io(c, POLLOUT);
	return 0;
}

uint64_t
xtrc_sent_us(const struct xtrc *c)
{
	return c->t_sent_us;
}

int
xtrc_up(const struct xtrc *c)
{
	return c->up;
}

size_t
xtrc_queued(const struct xtrc *c)
{
	return c->nq;
}

void
xtrc_set_io_timeout(struct xtrc *c, unsigned ms)
{
	c->io_timeout_ms = ms;
}

/* udpbatch.c: see udpbatch.h. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "udpbatch.h"

void
ub_init(struct udp_batch *b, ub_err_fn err, void *arg)
{
	b->fd = -1;
	b->n = 0;
	b->used = 0;
	b->err = err;
	b->arg = arg;
}

int
ub_add(struct udp_batch *b, int fd, const struct sockaddr *to,
    socklen_t tolen, const void *buf, size_t len)
{
	if (len > UB_MAX_BYTES || tolen > sizeof(b->to[0])) {
		errno = EMSGSIZE;
		return -1;
	}
	if (b->n > 0 && (b->fd != fd || b->n == UB_MAX_MSGS ||
	    b->used + len > UB_MAX_BYTES))
		ub_flush(b);
	b->fd = fd;
	memcpy(&b->to[b->n], to, tolen);
	b->tolen[b->n] = tolen;
	memcpy(b->buf + b->used, buf, len);
	b->iov[b->n].iov_base = b->buf + b->used;
	b->iov[b->n].iov_len = len;
	b->used += len;
	b->n++;
	return 0;
}

unsigned
ub_flush(struct udp_batch *b)
{
	struct mmsghdr	m[UB_MAX_MSGS];
	unsigned	i, off = 0, bad = 0;
	int		r;

	memset(m, 0, b->n * sizeof(m[0]));
	for (i = 0; i < b->n; i++) {
		m[i].msg_hdr.msg_name = &b->to[i];
		m[i].msg_hdr.msg_namelen = b->tolen[i];
		m[i].msg_hdr.msg_iov = &b->iov[i];
		m[i].msg_hdr.msg_iovlen = 1;
	}
	while (off < b->n) {
		r = sendmmsg(b->fd, m + off, b->n - off, 0);
		if (r > 0) {
			off += (unsigned)r;
			continue;
		}
		if (r == -1 && errno == EINTR)
			continue;
		/* the first one is refused: report it, go on after it */
		if (b->err != NULL)
			b->err((struct sockaddr *)&b->to[off],
			    r == -1 ? errno : EIO, b->arg);
		bad++;
		off++;
	}
	b->n = 0;
	b->used = 0;
	b->fd = -1;
	return bad;
}

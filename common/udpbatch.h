/*
 * udpbatch.h: datagrams queued on one UDP socket and sent with one
 * sendmmsg(2) per batch instead of one sendto(2) each.  A daemon queues
 * what it answers while it drains its sockets, then flushes once per loop
 * turn (and before it closes the socket).  The payload is copied in, so
 * the caller's buffer is free again at once.
 */
#ifndef MIG_UDPBATCH_H
#define MIG_UDPBATCH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/uio.h>

#define UB_MAX_MSGS	64		/* datagrams per sendmmsg() */
#define UB_MAX_BYTES	(64 * 1024)	/* payload bytes per batch */

/* Called at flush for each datagram the kernel refused (err: errno). */
typedef void	(*ub_err_fn)(const struct sockaddr *to, int err, void *arg);

struct udp_batch {
	int			 fd;		/* -1: empty */
	unsigned		 n;
	size_t			 used;		/* bytes of buf taken */
	ub_err_fn		 err;
	void			*arg;
	struct sockaddr_storage	 to[UB_MAX_MSGS];
	socklen_t		 tolen[UB_MAX_MSGS];
	struct iovec		 iov[UB_MAX_MSGS];
	uint8_t			 buf[UB_MAX_BYTES];
};

/* An empty batch reporting refusals to err (may be NULL). */
void	ub_init(struct udp_batch *, ub_err_fn err, void *arg);
/* Queue one datagram for fd (a batch holds one socket's datagrams: one
 * for another fd, or one that does not fit, flushes the batch first).
 * 0, or -1 with errno (EMSGSIZE: longer than UB_MAX_BYTES). */
int	ub_add(struct udp_batch *, int fd, const struct sockaddr *to,
	    socklen_t tolen, const void *buf, size_t len);
/* Send what is queued; returns how many datagrams were refused. */
unsigned ub_flush(struct udp_batch *);

#endif

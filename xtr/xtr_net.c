/*
 * xtr_net.c: what every room sends on the control sockets (UDP 4342) goes
 * through xtr_send() (the ETR's Map-Registers through xtr_send_reg()):
 * queued, and sent with one sendmmsg() per loop turn (xtr_flush()); a
 * datagram the kernel refuses is counted and logged then.  Also our RLOCs
 * and the xTR-ID's text form.  Below every room: rooms call this, never
 * the loop (xtrd.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "udpbatch.h"
#include "xtrd.h"

void
xtr_hexid(const uint8_t *id, char *out)
{
	int	i;

	for (i = 0; i < LISP_XTR_ID_LEN; i++)
		sprintf(out + 2 * i, "%02x", id[i]);
}

const struct ipaddr *
xtr_rloc(const struct xtrd *x, int af)
{
	int	i;

	for (i = 0; i < x->conf->nrloc; i++)
		if (x->conf->rloc[i].af == af)
			return &x->conf->rloc[i];
	return NULL;
}

static void
tx_refused(const struct sockaddr *to, int err, void *arg)
{
	struct ipaddr	a;
	uint16_t	port;
	char		s[IPADDR_STRLEN] = "?";

	(void)arg;
	if (ipaddr_from_sockaddr(to, &a, &port) == 0)
		ipaddr_fmt(&a, s, sizeof(s));
	cnt_drop(C_tx_error, "sendmmsg %s: %s", s, strerror(err));
}

static int
send_on(struct xtrd *x, int fd, const struct ipaddr *to, uint16_t port,
    const void *buf, size_t len)
{
	struct sockaddr_storage	ss;
	socklen_t		sl;
	char			a[IPADDR_STRLEN];

	if (fd == -1 || ipaddr_to_sockaddr(to, port, &ss, &sl) == -1) {
		cnt_drop(C_tx_error, "no socket for %s",
		    ipaddr_fmt(to, a, sizeof(a)));
		return -1;
	}
	if (ub_add(x->tx, fd, (struct sockaddr *)&ss, sl, buf, len) == -1) {
		cnt_drop(C_tx_error, "send %s: %s",
		    ipaddr_fmt(to, a, sizeof(a)), strerror(errno));
		return -1;
	}
	return 0;
}

int
xtr_net_init(struct xtrd *x)
{
	if ((x->tx = malloc(sizeof(*x->tx))) == NULL)
		return -1;
	ub_init(x->tx, tx_refused, NULL);
	return 0;
}

void
xtr_net_fini(struct xtrd *x)
{
	free(x->tx);
	x->tx = NULL;
}

int
xtr_send(struct xtrd *x, const struct ipaddr *to, uint16_t port,
    const void *buf, size_t len)
{
	return send_on(x, to->af == AF_INET ? x->fd4 : x->fd6, to, port,
	    buf, len);
}

/*
 * RFC 9301 §5.6: a Map-Register "is sent in UDP with a destination UDP
 * port of 4342 and a randomly selected UDP source port number": from the
 * ETR's own sockets, bound to a port the kernel picks (its ephemeral
 * ports are randomised).  The Map-Notify comes to 4342 (§8.2), or, from
 * a Map-Server that reads §5 otherwise, to that port: both are read.
 */
int
xtr_send_reg(struct xtrd *x, const struct ipaddr *to, uint16_t port,
    const void *buf, size_t len)
{
	int	fd = to->af == AF_INET ? x->efd4 : x->efd6;

	if (fd == -1)
		return xtr_send(x, to, port, buf, len);
	return send_on(x, fd, to, port, buf, len);
}

void
xtr_flush(struct xtrd *x)
{
	ub_flush(x->tx);
}

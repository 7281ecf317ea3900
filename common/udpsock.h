/*
 * udpsock.h: a bound UDP socket, as both of xtrd's socket sets want it
 * (the control plane's 4342 and its ephemeral sockets, the data plane's
 * 4341): SOCK_CLOEXEC, SO_REUSEADDR, IPv6 sockets IPv6-only (the two
 * families are separate sockets), bound to addr (the family's wildcard
 * when addr is NULL) and port (0: the kernel chooses).  Options that do
 * not have to precede bind() (PKTINFO, MTU discovery, buffers, GRO) are
 * the caller's.
 */
#ifndef MIG_UDPSOCK_H
#define MIG_UDPSOCK_H

#include <stdint.h>

#include "addr.h"

#define UDPSOCK_NONBLOCK	0x1

/* The fd, or -1 with errno (the socket closed). */
int	udpsock_open(int af, const struct ipaddr *addr, uint16_t port,
	    int flags);

#endif

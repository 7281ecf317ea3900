/* udpsock.c: a bound UDP socket, see udpsock.h.  Was written twice in
 * xtrd (open_udp in xtr/xtrd.c, dp_udp_open in xtr/dp/dp_encap.c). */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "udpsock.h"

int
udpsock_open(int af, const struct ipaddr *addr, uint16_t port, int flags)
{
	struct sockaddr_storage	ss;
	socklen_t		sl;
	struct ipaddr		any;
	int			fd, on = 1, type = SOCK_DGRAM | SOCK_CLOEXEC;

	if (addr == NULL) {
		memset(&any, 0, sizeof(any));
		any.af = (uint8_t)af;
		addr = &any;
	}
	if (flags & UDPSOCK_NONBLOCK)
		type |= SOCK_NONBLOCK;
	if ((fd = socket(af, type, 0)) == -1)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (af == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
	ipaddr_to_sockaddr(addr, port, &ss, &sl);
	if (bind(fd, (struct sockaddr *)&ss, sl) == -1) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

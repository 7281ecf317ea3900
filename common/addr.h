/*
 * addr.h: IPv4/IPv6 addresses and prefixes, the unit EIDs and RLOCs are
 * made of.  af is AF_INET, AF_INET6 or AF_UNSPEC (nothing).  Address bytes
 * are in network order; an IPv4 address uses a[0..3] and the rest is zero.
 */
#ifndef MIG_ADDR_H
#define MIG_ADDR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define IPADDR_STRLEN	46	/* INET6_ADDRSTRLEN */
#define IPPREFIX_STRLEN	50

struct ipaddr {
	uint8_t	af;
	uint8_t	a[16];
};

struct ipprefix {
	struct ipaddr	addr;
	uint8_t		plen;
};

size_t	ipaddr_len(int af);		/* 4, 16, or 0 */
int	ipaddr_maxplen(int af);		/* 32, 128, or 0 */
int	ipaddr_parse(const char *, struct ipaddr *);
/* "a/len", or a bare address meaning a host prefix; host bits must be 0. */
int	ipprefix_parse(const char *, struct ipprefix *);
const char *ipaddr_fmt(const struct ipaddr *, char *, size_t);
const char *ipprefix_fmt(const struct ipprefix *, char *, size_t);
int	ipaddr_cmp(const struct ipaddr *, const struct ipaddr *);
int	ipaddr_is_unspec(const struct ipaddr *);
int	ipprefix_cmp(const struct ipprefix *, const struct ipprefix *);
void	ipprefix_mask(struct ipprefix *);	/* clear host bits */
void	ipprefix_host(const struct ipaddr *, struct ipprefix *);
int	ipprefix_contains_addr(const struct ipprefix *, const struct ipaddr *);
/* outer covers inner: same family, outer->plen <= inner->plen, same bits. */
int	ipprefix_covers(const struct ipprefix *outer,
	    const struct ipprefix *inner);
int	ipaddr_to_sockaddr(const struct ipaddr *, uint16_t port,
	    struct sockaddr_storage *, socklen_t *);
int	ipaddr_from_sockaddr(const struct sockaddr *, struct ipaddr *,
	    uint16_t *port);

#endif

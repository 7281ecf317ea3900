/* addr.c: IPv4/IPv6 address and prefix helpers, see addr.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"

size_t
ipaddr_len(int af)
{
	return af == AF_INET ? 4 : af == AF_INET6 ? 16 : 0;
}

int
ipaddr_maxplen(int af)
{
	return (int)ipaddr_len(af) * 8;
}

int
ipaddr_parse(const char *s, struct ipaddr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->a) == 1) {
		a->af = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->a) == 1) {
		a->af = AF_INET6;
		return 0;
	}
	memset(a, 0, sizeof(*a));
	errno = EINVAL;
	return -1;
}

int
ipprefix_parse(const char *s, struct ipprefix *p)
{
	char		 buf[IPPREFIX_STRLEN + 8];
	char		*slash, *end;
	long		 len;
	struct ipprefix	 chk;

	memset(p, 0, sizeof(*p));
	if (strlen(s) >= sizeof(buf))
		goto bad;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash != NULL)
		*slash++ = '\0';
	if (ipaddr_parse(buf, &p->addr) == -1)
		goto bad;
	if (slash == NULL) {
		p->plen = (uint8_t)ipaddr_maxplen(p->addr.af);
		return 0;
	}
	if (*slash == '\0' || *slash == '-' || *slash == '+')
		goto bad;
	errno = 0;
	len = strtol(slash, &end, 10);
	if (errno != 0 || *end != '\0' || len < 0 ||
	    len > ipaddr_maxplen(p->addr.af))
		goto bad;
	p->plen = (uint8_t)len;
	chk = *p;
	ipprefix_mask(&chk);
	if (ipaddr_cmp(&chk.addr, &p->addr) != 0)
		goto bad;	/* host bits set: "10.0.0.1/24" is a typo */
	return 0;
bad:
	memset(p, 0, sizeof(*p));
	errno = EINVAL;
	return -1;
}

const char *
ipaddr_fmt(const struct ipaddr *a, char *buf, size_t len)
{
	if (a->af != AF_INET && a->af != AF_INET6) {
		snprintf(buf, len, "none");
		return buf;
	}
	if (inet_ntop(a->af, a->a, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

const char *
ipprefix_fmt(const struct ipprefix *p, char *buf, size_t len)
{
	char	a[IPADDR_STRLEN];

	snprintf(buf, len, "%s/%u", ipaddr_fmt(&p->addr, a, sizeof(a)),
	    p->plen);
	return buf;
}

int
ipaddr_cmp(const struct ipaddr *x, const struct ipaddr *y)
{
	if (x->af != y->af)
		return x->af < y->af ? -1 : 1;
	return memcmp(x->a, y->a, ipaddr_len(x->af));
}

int
ipaddr_is_unspec(const struct ipaddr *a)
{
	return a->af != AF_INET && a->af != AF_INET6;
}

int
ipprefix_cmp(const struct ipprefix *x, const struct ipprefix *y)
{
	int	r;

	if ((r = ipaddr_cmp(&x->addr, &y->addr)) != 0)
		return r;
	return x->plen < y->plen ? -1 : x->plen > y->plen ? 1 : 0;
}

void
ipprefix_mask(struct ipprefix *p)
{
	size_t	i, n = ipaddr_len(p->addr.af);
	int	bits = p->plen;

	for (i = 0; i < sizeof(p->addr.a); i++) {
		if (i >= n || bits <= 0)
			p->addr.a[i] = 0;
		else if (bits < 8)
			p->addr.a[i] &= (uint8_t)(0xff << (8 - bits));
		bits -= 8;
	}
}

void
ipprefix_host(const struct ipaddr *a, struct ipprefix *p)
{
	p->addr = *a;
	p->plen = (uint8_t)ipaddr_maxplen(a->af);
}

static int
bits_equal(const uint8_t *x, const uint8_t *y, int bits)
{
	int	full = bits / 8, rest = bits % 8;

	if (memcmp(x, y, (size_t)full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((x[full] ^ y[full]) & (0xff << (8 - rest)) & 0xff) == 0;
}

int
ipprefix_contains_addr(const struct ipprefix *p, const struct ipaddr *a)
{
	if (p->addr.af != a->af || ipaddr_len(a->af) == 0)
		return 0;
	return bits_equal(p->addr.a, a->a, p->plen);
}

int
ipprefix_covers(const struct ipprefix *outer, const struct ipprefix *inner)
{
	if (outer->addr.af != inner->addr.af || outer->plen > inner->plen ||
	    ipaddr_len(outer->addr.af) == 0)
		return 0;
	return bits_equal(outer->addr.a, inner->addr.a, outer->plen);
}

int
ipaddr_to_sockaddr(const struct ipaddr *a, uint16_t port,
    struct sockaddr_storage *ss, socklen_t *sl)
{
	memset(ss, 0, sizeof(*ss));
	if (a->af == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		memcpy(&s4->sin_addr, a->a, 4);
		*sl = sizeof(*s4);
		return 0;
	}
	if (a->af == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		memcpy(&s6->sin6_addr, a->a, 16);
		*sl = sizeof(*s6);
		return 0;
	}
	errno = EAFNOSUPPORT;
	return -1;
}

int
ipaddr_from_sockaddr(const struct sockaddr *sa, struct ipaddr *a,
    uint16_t *port)
{
	memset(a, 0, sizeof(*a));
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;

		a->af = AF_INET;
		memcpy(a->a, &s4->sin_addr, 4);
		if (port)
			*port = ntohs(s4->sin_port);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

		/* An IPv4-mapped source on a dual-stack socket is IPv4. */
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			a->af = AF_INET;
			memcpy(a->a, &s6->sin6_addr.s6_addr[12], 4);
		} else {
			a->af = AF_INET6;
			memcpy(a->a, &s6->sin6_addr, 16);
		}
		if (port)
			*port = ntohs(s6->sin6_port);
		return 0;
	}
	errno = EAFNOSUPPORT;
	return -1;
}

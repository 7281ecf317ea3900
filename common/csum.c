/*
 * csum.c: the Internet checksum (RFC 1071).  This was written five times
 * (the data plane's GSO and PMTU code, proxy ND, migrated's announcement
 * parser, the ECM codec); the data plane's fast variant is the one kept.
 */
#include <string.h>

#include "csum.h"
#include "cursor.h"

/* RFC 1071 sum of n bytes added to sum.  The ones' complement sum does
 * not depend on byte order (RFC 1071 §2(B)), so on a little-endian host
 * it runs over native 64-bit loads and is swapped once at the end. */
uint32_t
csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t	s = 0, v, w;
	uint16_t	h;

	for (; n >= 16; p += 16, n -= 16) {
		memcpy(&v, p, 8);
		memcpy(&w, p + 8, 8);
		s += (v & 0xffffffff) + (v >> 32) + (w & 0xffffffff) +
		    (w >> 32);
	}
	for (; n >= 2; p += 2, n -= 2) {
		memcpy(&h, p, 2);
		s += h;
	}
	if (n)
		s += p[0];		/* the high byte of a big-endian word */
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	s = (s >> 8 | s << 8) & 0xffff;	/* to network order */
	s += sum;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint32_t)s;
#else
	uint64_t	s = sum;
	size_t		i = 0;

	for (; i + 2 <= n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (i < n)
		s += (uint32_t)p[i] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint32_t)s;
#endif
}

uint16_t
csum_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

uint32_t
csum_pseudo(const uint8_t *src, const uint8_t *dst, size_t alen,
    uint8_t proto, uint32_t l4len)
{
	uint8_t	tail[8];

	memset(tail, 0, sizeof(tail));
	wr_be32(tail, l4len);
	tail[7] = proto;
	return csum_add(csum_add(csum_add(0, src, alen), dst, alen), tail, 8);
}

uint32_t
csum_pseudo_ip(const uint8_t *ip, uint8_t proto, uint32_t l4len)
{
	if (ip[0] >> 4 == 6)
		return csum_pseudo(ip + 8, ip + 24, 16, proto, l4len);
	return csum_pseudo(ip + 12, ip + 16, 4, proto, l4len);
}

/*
 * csum.h: the Internet checksum (RFC 1071), once for both daemons and the
 * codec: IPv4 headers, UDP/TCP over IPv4 and IPv6 (RFC 768, RFC 9293 §3.1,
 * RFC 8200 §8.1), ICMPv4 and ICMPv6 (RFC 4443 §2.3).
 *
 * A sum is carried between calls as a uint32_t: csum_add() continues it
 * over more bytes (any length, odd lengths padded with a zero byte as
 * RFC 1071 says) and returns it folded to 16 bits, so it never overflows
 * however many calls are chained; small values (a protocol number, a
 * length) may be added to it by hand.  csum_fold() folds and complements:
 * the value that goes into a checksum field, or 0 when a received
 * header/segment whose checksum field is included verifies.
 */
#ifndef MIG_CSUM_H
#define MIG_CSUM_H

#include <stddef.h>
#include <stdint.h>

uint32_t	csum_add(uint32_t sum, const uint8_t *p, size_t n);
uint16_t	csum_fold(uint32_t sum);
/* The pseudo-header of a TCP/UDP/ICMPv6 segment of l4len bytes (RFC 9293
 * §3.1 for IPv4, RFC 8200 §8.1 for IPv6): alen is 4 or 16, src and dst the
 * addresses in network order. */
uint32_t	csum_pseudo(const uint8_t *src, const uint8_t *dst, size_t alen,
		    uint8_t proto, uint32_t l4len);
/* The same, the addresses read from the IPv4 or IPv6 header at ip (by its
 * version nibble; the caller has checked it holds 20 or 40 bytes). */
uint32_t	csum_pseudo_ip(const uint8_t *ip, uint8_t proto, uint32_t l4len);

#endif

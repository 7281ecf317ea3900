/*
 * announce.h: decode the frames a guest sends when it arrives somewhere.
 *
 * After a move a Linux guest announces itself with gratuitous ARPs
 * (RFC 5227 §3 "ARP Announcement": request or reply form, sender IP =
 * target IP) and unsolicited neighbour advertisements (RFC 4861 §7.2.6);
 * QEMU's emulated NICs send RARP (RFC 903) with no IP at all.  Any other
 * frame still tells us the guest runs here (the "first frame" fallback),
 * so announce_parse() fills in the Ethernet source of every frame it can
 * read at all.
 *
 * Frames are read through a struct cur (common/cursor.h); nothing is cast
 * onto the buffer.  Pure code: no I/O, no globals, fuzzed by
 * tests/fuzz/fuzz_migrated_announce.c.
 */
#ifndef MIG_ANNOUNCE_H
#define MIG_ANNOUNCE_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "mac.h"

#define ETH_ALEN_	MAC_LEN
#define MAC_STRLEN	18

enum ann_kind {
	ANN_FRAME = 0,		/* a readable frame, not an announcement */
	ANN_GARP_REQUEST,	/* ARP request, sender IP == target IP */
	ANN_GARP_REPLY,		/* ARP reply, sender IP == target IP */
	ANN_RARP,		/* RARP request (QEMU's announce) */
	ANN_UNSOL_NA,		/* ICMPv6 NA with the S flag clear */
};

struct announce {
	enum ann_kind	kind;
	uint8_t		eth_src[ETH_ALEN_];
	uint8_t		eth_dst[ETH_ALEN_];
	uint16_t	vlan;		/* 0: untagged */
	/* The link-layer address the frame claims inside its payload: ARP/
	 * RARP sender hardware address, NA target link-layer option. */
	int		has_hw;
	uint8_t		hw[ETH_ALEN_];
	/* The announced address (AF_UNSPEC for RARP and plain frames). */
	struct ipaddr	addr;
};

/*
 * Parse one Ethernet frame.  Returns 0 and fills *a, or -1 with *why set to
 * a static reason name ("short_ethernet", "arp_bad_header", ...) when the
 * frame is malformed or is an ARP/RARP/NA that fails validation.  A frame of
 * any other type returns 0 with kind ANN_FRAME.
 */
int	 announce_parse(const uint8_t *frame, size_t len, struct announce *a,
	    const char **why);
const char *ann_kind_name(enum ann_kind);

#endif

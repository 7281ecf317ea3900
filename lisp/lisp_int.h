/*
 * lisp_int.h: helpers shared by the lisp/ codec files, not part of the API.
 *
 * Flags are named by their bit number in the RFC diagrams (bit 0 is the
 * most significant bit of the first 32-bit word) and read with shift/mask
 * helpers, never with bitfields.
 */
#ifndef MIG_LISP_INT_H
#define MIG_LISP_INT_H

#include <stdint.h>

#include "lisp.h"

/* Bit n of the first 32-bit word, numbered as in the RFC diagrams. */
#define RFC_BIT(n)		(UINT32_C(1) << (31 - (n)))
#define HAS_BIT(w, n)		(((w) & RFC_BIT(n)) != 0)
#define SET_BIT(cond, n)	((cond) ? RFC_BIT(n) : UINT32_C(0))

/* RFC 9301 §5.1: the type is the top 4 bits of every control message. */
#define LISP_HDR_TYPE(w)	((uint8_t)((w) >> 28))
#define LISP_HDR_MK_TYPE(t)	((uint32_t)(t) << 28)
/* RFC 9301 §5.2-§5.7: record count is the low byte of the first word. */
#define LISP_HDR_COUNT(w)	((uint8_t)((w) & 0xff))

/* RFC 9301 §5.2: Map-Request flag bits */
#define MREQ_BIT_A		4	/* authoritative */
#define MREQ_BIT_M		5	/* map-data present */
#define MREQ_BIT_P		6	/* RLOC-probe */
#define MREQ_BIT_S		7	/* SMR */
#define MREQ_BIT_PITR		8	/* p: PITR */
#define MREQ_BIT_SMRI		9	/* s: SMR-invoked */
#define MREQ_BIT_I		11	/* RFC 9437 §4: I: xTR-ID, Site-ID */
#define MREQ_BIT_L		17	/* L: local xTR */
#define MREQ_BIT_D		18	/* D: don't map-reply */
#define MREQ_IRC(w)		((uint8_t)(((w) >> 8) & 0x1f))
#define MREQ_MK_IRC(n)		((uint32_t)((n) & 0x1f) << 8)
/* RFC 9437 §4: EID record's first byte: N (notification requested), then
 * 7 Reserved bits */
#define MREQ_REC_N		0x80

/* RFC 9301 §5.4: Map-Reply flag bits */
#define MREP_BIT_P		4
#define MREP_BIT_E		5
#define MREP_BIT_S		6

/* RFC 9301 §5.6: Map-Register flag bits */
#define MREG_BIT_P		4	/* proxy Map-Reply */
#define MREG_BIT_S		5	/* security capable */
#define MREG_BIT_I		6	/* xTR-ID present */
#define MREG_BIT_E		19	/* EID-notify (not kept) */
#define MREG_BIT_T		20	/* use TTL for timeout */
#define MREG_BIT_A		21	/* a: merge request */
#define MREG_BIT_R		22	/* R: reserved (RFC 9301 §5.6) */
#define MREG_BIT_M		23	/* M: want Map-Notify */
/* RFC 9301 §5.7: Map-Notify / Map-Notify-Ack flag bits */
#define MNOT_BIT_I		4	/* xTR-ID present */
#define MNOT_BIT_R		5	/* built for an RTR (not kept) */

/* RFC 9301 §5.8: ECM flag bits */
#define ECM_BIT_S		4
#define ECM_BIT_D		5
#define ECM_BIT_E		6	/* §12.6: forward to ETR */
#define ECM_BIT_M		7	/* §12.6: destined to Map-Server */

/* RFC 9301 §5.4: record word 3: ACT(3) A(1) Reserved(12) */
#define REC_ACT(h)		((uint8_t)(((h) >> 13) & 0x7))
#define REC_A(h)		(((h) & 0x1000) != 0)
#define REC_MK_ACT(a)		((uint16_t)(((a) & 0x7) << 13))
#define REC_MK_A(b)		((uint16_t)((b) ? 0x1000 : 0))
/* RFC 9301 §5.4: Rsvd(4) Map-Version Number(12) */
#define REC_VERSION(h)		((uint16_t)((h) & 0x0fff))
/* RFC 9301 §5.4: locator flags: Unused(13) L p R */
#define LOC_L			0x0004
#define LOC_P			0x0002
#define LOC_R			0x0001

/* RFC 9300 §5.3: data header first byte */
#define DATA_N			0x80
#define DATA_L			0x40
#define DATA_E			0x20
#define DATA_V			0x10
#define DATA_I			0x08

#define LISP_MAX_IID		0xffffffu
#define LISP_MAX_VERSION	0x0fffu

/* Set *why and fail: the one exit for every rejected field. */
#define DROP(why, reason) do {						\
	if ((why) != NULL)						\
		*(why) = (reason);					\
	return -1;							\
} while (0)

/* addr.c */
int	lisp_addr_check_plen(const struct lisp_addr *, uint8_t plen);
int	lisp_addr_known(const struct lisp_addr *);
int	lisp_addr_valid_for_encode(const struct lisp_addr *);

#endif

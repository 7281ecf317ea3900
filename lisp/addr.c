/*
 * addr.c: LISP addresses on the wire: AFI 0, 1, 2 (RFC 9301 §5.2/§5.4)
 * and the Instance-ID LCAF wrapping one of them (RFC 8060 §4.1).
 */
#include <string.h>

#include "lisp_int.h"

/* RFC 8060 §3: LCAF header after its AFI: Rsvd1, Flags, Type, Rsvd2/
 * IID mask-len (§4.1), Length (bytes after the Length field). */
#define LCAF_HDR_LEN	6
#define LCAF_IID_LEN	4

static int
decode_plain(struct cur *c, uint16_t afi, struct ipaddr *ip,
    enum lisp_err *why)
{
	memset(ip, 0, sizeof(*ip));
	switch (afi) {
	case LISP_AFI_NONE:		/* RFC 9301 §5.2: AFI 0, no address */
		ip->af = AF_UNSPEC;
		return 0;
	case LISP_AFI_IPV4:
		if (cur_get_bytes(c, ip->a, 4) == -1)
			DROP(why, LERR_TRUNCATED);
		ip->af = AF_INET;
		return 0;
	case LISP_AFI_IPV6:
		if (cur_get_bytes(c, ip->a, 16) == -1)
			DROP(why, LERR_TRUNCATED);
		ip->af = AF_INET6;
		return 0;
	default:
		DROP(why, LERR_BAD_AFI);
	}
}

/* RFC 8060 §4.1: Instance ID LCAF, cut out as its own cursor. */
static int
decode_lcaf(struct cur *c, struct lisp_addr *a, enum lisp_err *why)
{
	struct cur	lc;
	uint8_t		rsvd1, flags, type, mlen;
	uint16_t	len, afi;

	if (cur_get_u8(c, &rsvd1) == -1 || cur_get_u8(c, &flags) == -1 ||
	    cur_get_u8(c, &type) == -1 || cur_get_u8(c, &mlen) == -1 ||
	    cur_get_u16(c, &len) == -1)
		DROP(why, LERR_TRUNCATED);
	if (cur_sub(c, len, &lc) == -1)		/* RFC 8060 §3: Length */
		DROP(why, LERR_LCAF_OVERRUN);
	if (type != LCAF_TYPE_IID)		/* RFC 8060 §3: Type */
		DROP(why, LERR_LCAF_TYPE);
	if (cur_get_u32(&lc, &a->iid) == -1)	/* RFC 8060 §4.1: Instance ID */
		DROP(why, LERR_LCAF_OVERRUN);
	a->has_iid = true;
	a->iid_mask_len = mlen;			/* RFC 8060 §4.1: IID mask-len */
	if (cur_get_u16(&lc, &afi) == -1)
		DROP(why, LERR_LCAF_OVERRUN);
	if (afi == LISP_AFI_LCAF)		/* one level of wrapping only */
		DROP(why, LERR_BAD_AFI);
	if (decode_plain(&lc, afi, &a->ip, why) == -1) {
		if (why != NULL && *why == LERR_TRUNCATED)
			*why = LERR_LCAF_OVERRUN;
		return -1;
	}
	if (cur_left(&lc) != 0)
		DROP(why, LERR_TRAILING);
	return 0;
}

int
lisp_decode_addr(struct cur *c, struct lisp_addr *a, enum lisp_err *why)
{
	uint16_t	afi;

	memset(a, 0, sizeof(*a));
	if (cur_get_u16(c, &afi) == -1)
		DROP(why, LERR_TRUNCATED);
	if (afi == LISP_AFI_LCAF)		/* RFC 8060 §3 */
		return decode_lcaf(c, a, why);
	return decode_plain(c, afi, &a->ip, why);
}

/* A family we can use where an address is required (not AFI 0). */
int
lisp_addr_known(const struct lisp_addr *a)
{
	return a->ip.af == AF_INET || a->ip.af == AF_INET6;
}

int
lisp_addr_check_plen(const struct lisp_addr *a, uint8_t plen)
{
	return plen <= ipaddr_maxplen(a->ip.af) ? 0 : -1;
}

int
lisp_addr_valid_for_encode(const struct lisp_addr *a)
{
	if (a->ip.af != AF_UNSPEC && a->ip.af != AF_INET &&
	    a->ip.af != AF_INET6)
		return 0;
	if (a->has_iid && a->iid > LISP_MAX_IID)
		return 0;
	return 1;
}

static int
encode_plain(struct wbuf *w, const struct ipaddr *ip)
{
	int	errs = 0;

	switch (ip->af) {
	case AF_UNSPEC:
		errs += put_u16(w, LISP_AFI_NONE);
		break;
	case AF_INET:
		errs += put_u16(w, LISP_AFI_IPV4);
		errs += put_bytes(w, ip->a, 4);
		break;
	case AF_INET6:
		errs += put_u16(w, LISP_AFI_IPV6);
		errs += put_bytes(w, ip->a, 16);
		break;
	default:
		return -1;
	}
	return errs ? -1 : 0;
}

int
lisp_encode_addr(struct wbuf *w, const struct lisp_addr *a)
{
	int	errs = 0;
	size_t	alen;

	if (!lisp_addr_valid_for_encode(a)) {
		w->err = 1;
		return -1;
	}
	if (!a->has_iid)
		return encode_plain(w, &a->ip) == -1 ? (w->err = 1, -1) : 0;
	alen = 2 + ipaddr_len(a->ip.af);
	errs += put_u16(w, LISP_AFI_LCAF);	/* RFC 8060 §4.1 */
	errs += put_u8(w, 0);			/* Rsvd1 */
	errs += put_u8(w, 0);			/* Flags */
	errs += put_u8(w, LCAF_TYPE_IID);	/* Type = 2 */
	errs += put_u8(w, a->iid_mask_len);	/* IID mask-len */
	errs += put_u16(w, (uint16_t)(LCAF_IID_LEN + alen)); /* Length */
	errs += put_u32(w, a->iid);		/* Instance ID */
	errs += encode_plain(w, &a->ip);
	if (errs) {
		w->err = 1;
		return -1;
	}
	return 0;
}

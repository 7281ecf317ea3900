/*
 * ecm.c: Encapsulated Control Message (RFC 9301 §5.8): a 4-byte LISP
 * header, then an inner IPv4 (RFC 791) or IPv6 (RFC 8200) header and a UDP
 * header (RFC 768) built and parsed here, then the inner LISP message.
 */
#include <string.h>

#include "csum.h"
#include "lisp_int.h"
#include "lispsec.h"

#define IP4_HDR_LEN	20
#define IP6_HDR_LEN	40
#define UDP_HDR_LEN	8
#define IPPROTO_UDP_	17
#define IP4_DF		0x4000
#define IP4_MF_OFF	0x3fff	/* MF flag and fragment offset */

/* RFC 768 / RFC 8200 §8.1: one's-complement sum over the pseudo-header
 * and the UDP segment as it stands. */
static uint32_t
udp_sum(const struct ipaddr *src, const struct ipaddr *dst,
    const uint8_t *udp, size_t ulen)
{
	uint32_t	sum;

	sum = csum_pseudo(src->a, dst->a, ipaddr_len(src->af), IPPROTO_UDP_,
	    (uint32_t)ulen);
	return csum_add(sum, udp, ulen);
}

/* Inner header results: usable, malformed, or announcing more bytes than
 * there are / fewer than there are. */
#define INNER_OK	0
#define INNER_BAD	(-1)
#define INNER_SHORT	(-2)
#define INNER_LONG	(-3)

static int
inner_len_check(size_t announced, size_t left)
{
	if (announced > left)
		return INNER_SHORT;
	if (announced < left)
		return INNER_LONG;
	return INNER_OK;
}

/* RFC 791 §3.1: inner IPv4 header; returns the payload cursor. */
static int
decode_ip4(struct cur *c, struct lisp_ecm *e, struct cur *pl)
{
	const uint8_t	*hp = c->p;
	struct cur	 hc;
	uint8_t		 vihl, tos, ttl, proto;
	uint16_t	 tot, id, frag, ck;
	size_t		 hlen;
	int		 r;

	if (cur_peek_u8(c, &vihl) == -1)
		return -1;
	hlen = (size_t)(vihl & 0x0f) * 4;
	if (hlen < IP4_HDR_LEN || cur_sub(c, hlen, &hc) == -1)
		return -1;
	if (csum_fold(csum_add(0, hp, hlen)) != 0)	/* header checksum */
		return -1;
	if (cur_get_u8(&hc, &vihl) == -1 || cur_get_u8(&hc, &tos) == -1 ||
	    cur_get_u16(&hc, &tot) == -1 || cur_get_u16(&hc, &id) == -1 ||
	    cur_get_u16(&hc, &frag) == -1 || cur_get_u8(&hc, &ttl) == -1 ||
	    cur_get_u8(&hc, &proto) == -1 || cur_get_u16(&hc, &ck) == -1 ||
	    cur_get_bytes(&hc, e->inner_src.a, 4) == -1 ||
	    cur_get_bytes(&hc, e->inner_dst.a, 4) == -1)
		return -1;
	if (proto != IPPROTO_UDP_ || (frag & IP4_MF_OFF) != 0 || tot < hlen)
		return INNER_BAD;
	if ((r = inner_len_check((size_t)tot - hlen, cur_left(c))) != INNER_OK)
		return r;
	e->inner_src.af = e->inner_dst.af = AF_INET;
	e->inner_ttl = ttl;
	*pl = *c;
	return 0;
}

/* RFC 8200 §3: inner IPv6 header, no extension headers. */
static int
decode_ip6(struct cur *c, struct lisp_ecm *e, struct cur *pl)
{
	uint32_t	vtf;
	uint16_t	plen;
	uint8_t		nh, hlim;
	int		r;

	if (cur_get_u32(c, &vtf) == -1 || cur_get_u16(c, &plen) == -1 ||
	    cur_get_u8(c, &nh) == -1 || cur_get_u8(c, &hlim) == -1 ||
	    cur_get_bytes(c, e->inner_src.a, 16) == -1 ||
	    cur_get_bytes(c, e->inner_dst.a, 16) == -1)
		return -1;
	if (nh != IPPROTO_UDP_)
		return INNER_BAD;
	if ((r = inner_len_check(plen, cur_left(c))) != INNER_OK)
		return r;
	e->inner_src.af = e->inner_dst.af = AF_INET6;
	e->inner_ttl = hlim;
	*pl = *c;
	return 0;
}

/* RFC 768: UDP header; the checksum is mandatory over IPv6. */
static int
decode_udp(struct cur *c, struct lisp_ecm *e)
{
	const uint8_t	*up = c->p;
	size_t		 total = cur_left(c);
	uint16_t	 ulen, ck;

	if (cur_get_u16(c, &e->inner_sport) == -1 ||
	    cur_get_u16(c, &e->inner_dport) == -1 ||
	    cur_get_u16(c, &ulen) == -1 || cur_get_u16(c, &ck) == -1)
		return -1;
	if (ulen != total)
		return -1;
	if (ck == 0 && e->inner_src.af == AF_INET6)
		return -1;
	if (ck != 0 && csum_fold(udp_sum(&e->inner_src, &e->inner_dst,
	    up, total)) != 0)
		return -1;
	return 0;
}

int
lisp_decode_ecm(const uint8_t *buf, size_t len, struct lisp_ecm *e,
    enum lisp_err *why)
{
	struct cur	c = cur_make(buf, len), pl;
	uint32_t	h;
	uint8_t		v;
	int		r;

	memset(e, 0, sizeof(*e));
	if (cur_get_u32(&c, &h) == -1)
		DROP(why, LERR_TRUNCATED);
	if (LISP_HDR_TYPE(h) != LISP_ECM)		/* §5.8: Type=8 */
		DROP(why, LERR_BAD_TYPE);
	e->security = HAS_BIT(h, ECM_BIT_S);		/* §5.8: S */
	e->ddt = HAS_BIT(h, ECM_BIT_D);			/* §5.8: D */
	e->e_bit = HAS_BIT(h, ECM_BIT_E);		/* §12.6: E */
	e->m_bit = HAS_BIT(h, ECM_BIT_M);		/* §12.6: M */
	/* §5.8 S, RFC 9303 §6.1: "the LISP header includes Authentication
	 * Data", between this header and the inner IP header; it is cut
	 * out here and decoded by lisp_sec_decode_ecm_ad() */
	if (e->security) {
		if (lisp_sec_ecm_ad_span(&c, &e->sec_ad_len, why) == -1)
			return -1;
		e->sec_ad = c.p;
		(void)cur_skip(&c, e->sec_ad_len);
	}
	if (cur_peek_u8(&c, &v) == -1)
		DROP(why, LERR_TRUNCATED);
	switch (v >> 4) {
	case 4:
		if (cur_left(&c) < IP4_HDR_LEN + UDP_HDR_LEN)
			DROP(why, LERR_TRUNCATED);
		r = decode_ip4(&c, e, &pl);
		break;
	case 6:
		if (cur_left(&c) < IP6_HDR_LEN + UDP_HDR_LEN)
			DROP(why, LERR_TRUNCATED);
		r = decode_ip6(&c, e, &pl);
		break;
	default:
		DROP(why, LERR_BAD_INNER);
	}
	if (r == INNER_SHORT)		/* IP length past the end */
		DROP(why, LERR_TRUNCATED);
	if (r == INNER_LONG)		/* bytes after the inner packet */
		DROP(why, LERR_TRAILING);
	if (r != INNER_OK || decode_udp(&pl, e) == -1)
		DROP(why, LERR_BAD_INNER);
	if (cur_left(&pl) == 0)				/* no inner message */
		DROP(why, LERR_TRUNCATED);
	e->payload = pl.p;
	e->payload_len = cur_left(&pl);
	return 0;
}

static void
encode_ip4(struct wbuf *w, const struct lisp_ecm *e, size_t ulen, int *errs)
{
	size_t	off = w->len;
	uint8_t	*hp;

	*errs += put_u8(w, 0x45);			/* version 4, IHL 5 */
	*errs += put_u8(w, 0);				/* TOS */
	*errs += put_u16(w, (uint16_t)(IP4_HDR_LEN + ulen)); /* total length */
	*errs += put_u16(w, 0);				/* identification */
	*errs += put_u16(w, IP4_DF);			/* flags, offset */
	*errs += put_u8(w, e->inner_ttl);
	*errs += put_u8(w, IPPROTO_UDP_);
	*errs += put_u16(w, 0);				/* checksum, below */
	*errs += put_bytes(w, e->inner_src.a, 4);
	*errs += put_bytes(w, e->inner_dst.a, 4);
	if (*errs == 0 && wbuf_ok(w)) {
		hp = w->p + off;
		*errs += put_u16_at(w, off + 10,
		    csum_fold(csum_add(0, hp, IP4_HDR_LEN)));
	}
}

static void
encode_ip6(struct wbuf *w, const struct lisp_ecm *e, size_t ulen, int *errs)
{
	*errs += put_u32(w, UINT32_C(6) << 28);		/* version, TC, flow */
	*errs += put_u16(w, (uint16_t)ulen);		/* payload length */
	*errs += put_u8(w, IPPROTO_UDP_);		/* next header */
	*errs += put_u8(w, e->inner_ttl);		/* hop limit */
	*errs += put_bytes(w, e->inner_src.a, 16);
	*errs += put_bytes(w, e->inner_dst.a, 16);
}

ssize_t
lisp_encode_ecm(const struct lisp_ecm *e, const uint8_t *inner,
    size_t inner_len, uint8_t *buf, size_t cap)
{
	struct wbuf	w = wbuf_make(buf, cap);
	size_t		ulen = UDP_HDR_LEN + inner_len, uoff;
	uint32_t	h;
	uint16_t	ck;
	int		errs = 0;

	/* §5.8 S: LISP-SEC Authentication Data must come with it */
	if (e->security != (e->sec_ad != NULL && e->sec_ad_len > 0))
		return -1;
	if (e->inner_src.af != e->inner_dst.af || inner_len == 0 ||
	    (e->inner_src.af != AF_INET && e->inner_src.af != AF_INET6) ||
	    ulen > 0xffff - IP4_HDR_LEN)
		return -1;
	h = LISP_HDR_MK_TYPE(LISP_ECM) |
	    SET_BIT(e->security, ECM_BIT_S) |
	    SET_BIT(e->ddt, ECM_BIT_D) |
	    SET_BIT(e->e_bit, ECM_BIT_E) |
	    SET_BIT(e->m_bit, ECM_BIT_M);
	errs += put_u32(&w, h);
	if (e->security)			/* RFC 9303 §6.1 */
		errs += put_bytes(&w, e->sec_ad, e->sec_ad_len);
	if (e->inner_src.af == AF_INET)
		encode_ip4(&w, e, ulen, &errs);
	else
		encode_ip6(&w, e, ulen, &errs);
	uoff = w.len;
	errs += put_u16(&w, e->inner_sport);		/* RFC 768 */
	errs += put_u16(&w, e->inner_dport);
	errs += put_u16(&w, (uint16_t)ulen);
	errs += put_u16(&w, 0);				/* checksum, below */
	errs += put_bytes(&w, inner, inner_len);
	if (errs || !wbuf_ok(&w))
		return -1;
	ck = csum_fold(udp_sum(&e->inner_src, &e->inner_dst, w.p + uoff,
	    ulen));
	errs += put_u16_at(&w, uoff + 6, ck == 0 ? 0xffff : ck); /* RFC 768 */
	if (errs)
		return -1;
	return (ssize_t)w.len;
}

/*
 * record.c: the EID record with its locators, shared by Map-Reply,
 * Map-Register, Map-Notify and the Map-Request's Map-Reply record
 * (RFC 9301 §5.4).
 */
#include <stddef.h>
#include <string.h>

#include "lisp_int.h"

/* Smallest locator on the wire: Priority..M Weight, flags, AFI, IPv4. */
#define LOC_MIN_LEN	(4 + 2 + 2 + 4)

static int
decode_locator(struct cur *c, struct lisp_locator *l, enum lisp_err *why)
{
	uint16_t	flags;

	memset(l, 0, sizeof(*l));
	if (cur_get_u8(c, &l->priority) == -1 ||	/* §5.4: Priority */
	    cur_get_u8(c, &l->weight) == -1 ||		/* §5.4: Weight */
	    cur_get_u8(c, &l->mpriority) == -1 ||	/* §5.4: M Priority */
	    cur_get_u8(c, &l->mweight) == -1 ||		/* §5.4: M Weight */
	    cur_get_u16(c, &flags) == -1)		/* §5.4: Unused|L|p|R */
		DROP(why, LERR_TRUNCATED);
	l->local = (flags & LOC_L) != 0;
	l->probed = (flags & LOC_P) != 0;
	l->reachable = (flags & LOC_R) != 0;
	if (lisp_decode_addr(c, &l->rloc, why) == -1)	/* §5.4: Loc-AFI */
		return -1;
	if (!lisp_addr_known(&l->rloc))
		DROP(why, LERR_BAD_AFI);
	return 0;
}

int
lisp_decode_record(struct cur *c, struct lisp_record *r, enum lisp_err *why)
{
	uint16_t	h, v;
	uint8_t		i;

	/* the header only: each locator decoded is zeroed by
	 * decode_locator(), loc[] past nloc is left as it was */
	memset(r, 0, offsetof(struct lisp_record, loc));
	if (cur_get_u32(c, &r->ttl) == -1 ||	/* RFC 9301 §5.4: Record TTL */
	    cur_get_u8(c, &r->nloc) == -1 ||	/* §5.4: Locator Count */
	    cur_get_u8(c, &r->eid_plen) == -1 ||	/* §5.4: EID mask-len */
	    cur_get_u16(c, &h) == -1 ||		/* §5.4: ACT|A|Reserved */
	    cur_get_u16(c, &v) == -1)		/* §5.4: Rsvd|Map-Version */
		DROP(why, LERR_TRUNCATED);
	r->action = REC_ACT(h);
	r->authoritative = REC_A(h);
	r->map_version = REC_VERSION(v);
	if (r->nloc > LISP_MAX_LOCATORS)
		DROP(why, LERR_TOO_MANY_LOCATORS);
	if (lisp_decode_addr(c, &r->eid, why) == -1)	/* §5.4: EID-Prefix */
		return -1;
	if (!lisp_addr_known(&r->eid))
		DROP(why, LERR_BAD_AFI);
	if (lisp_addr_check_plen(&r->eid, r->eid_plen) == -1)
		DROP(why, LERR_BAD_PLEN);
	if ((size_t)r->nloc * LOC_MIN_LEN > cur_left(c))
		DROP(why, LERR_TRUNCATED);	/* count exceeds the packet */
	for (i = 0; i < r->nloc; i++)
		if (decode_locator(c, &r->loc[i], why) == -1)
			return -1;
	return 0;
}

void
lisp_record_copy(struct lisp_record *dst, const struct lisp_record *src)
{
	size_t	n = src->nloc < LISP_MAX_LOCATORS ? src->nloc : LISP_MAX_LOCATORS;

	memcpy(dst, src, offsetof(struct lisp_record, loc));
	memcpy(dst->loc, src->loc, n * sizeof(src->loc[0]));
}

/*
 * RFC 9301 §5.5: "For each Map-Reply record, the list of Locators in a
 * Locator-Set MUST be sorted in order of ascending IP address where an
 * IPv4 Routing Locator Address is considered numerically 'less than' an
 * IPv6 Routing Locator Address."  Insertion sort: at most 16 locators.
 */
void
lisp_record_sort_locators(struct lisp_record *r)
{
	struct lisp_locator	t;
	int			i, j, n;

	n = r->nloc < LISP_MAX_LOCATORS ? r->nloc : LISP_MAX_LOCATORS;
	for (i = 1; i < n; i++) {
		t = r->loc[i];
		for (j = i; j > 0 && ipaddr_cmp(&r->loc[j - 1].rloc.ip,
		    &t.rloc.ip) > 0; j--)
			r->loc[j] = r->loc[j - 1];
		r->loc[j] = t;
	}
}

static int
encode_locator(struct wbuf *w, const struct lisp_locator *l)
{
	int		errs = 0;
	uint16_t	flags = 0;

	if (l->rloc.ip.af != AF_INET && l->rloc.ip.af != AF_INET6)
		return -1;
	if (l->local)
		flags |= LOC_L;
	if (l->probed)
		flags |= LOC_P;
	if (l->reachable)
		flags |= LOC_R;
	errs += put_u8(w, l->priority);		/* RFC 9301 §5.4: Priority */
	errs += put_u8(w, l->weight);		/* §5.4: Weight */
	errs += put_u8(w, l->mpriority);	/* §5.4: M Priority */
	errs += put_u8(w, l->mweight);		/* §5.4: M Weight */
	errs += put_u16(w, flags);		/* §5.4: Unused|L|p|R */
	errs += lisp_encode_addr(w, &l->rloc);	/* §5.4: Loc-AFI, Locator */
	return errs ? -1 : 0;
}

int
lisp_encode_record(struct wbuf *w, const struct lisp_record *r)
{
	int	errs = 0;
	uint8_t	i;

	if (r->nloc > LISP_MAX_LOCATORS || r->action > 7 ||
	    r->map_version > LISP_MAX_VERSION || !lisp_addr_known(&r->eid) ||
	    lisp_addr_check_plen(&r->eid, r->eid_plen) == -1) {
		w->err = 1;
		return -1;
	}
	errs += put_u32(w, r->ttl);		/* RFC 9301 §5.4: Record TTL */
	errs += put_u8(w, r->nloc);		/* §5.4: Locator Count */
	errs += put_u8(w, r->eid_plen);		/* §5.4: EID mask-len */
	errs += put_u16(w, (uint16_t)(REC_MK_ACT(r->action) |
	    REC_MK_A(r->authoritative)));	/* §5.4: ACT|A|Reserved */
	errs += put_u16(w, r->map_version);	/* §5.4: Rsvd|Map-Version */
	errs += lisp_encode_addr(w, &r->eid);	/* §5.4: EID-Prefix */
	for (i = 0; i < r->nloc; i++)
		errs += encode_locator(w, &r->loc[i]);
	if (errs) {
		w->err = 1;
		return -1;
	}
	return 0;
}

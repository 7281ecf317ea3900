/* data_hdr.c: the LISP data-plane header (RFC 9300 §5.3). */
#include <string.h>

#include "lisp_int.h"

int
lisp_decode_data_hdr(const uint8_t *buf, size_t len, struct lisp_data_hdr *d,
    enum lisp_err *why)
{
	struct cur	c = cur_make(buf, len);
	uint32_t	w0, w1, low;

	memset(d, 0, sizeof(*d));
	if (cur_get_u32(&c, &w0) == -1 || cur_get_u32(&c, &w1) == -1)
		DROP(why, LERR_TRUNCATED);
	d->n = (w0 >> 24 & DATA_N) != 0;		/* §5.3: N */
	d->l = (w0 >> 24 & DATA_L) != 0;		/* §5.3: L */
	d->e = (w0 >> 24 & DATA_E) != 0;		/* §5.3: E */
	d->v = (w0 >> 24 & DATA_V) != 0;		/* §5.3: V */
	d->i = (w0 >> 24 & DATA_I) != 0;		/* §5.3: I */
	/* RFC 9300 §5.3: "Both N- and V-bits MUST NOT be set in the same
	 * packet.  If they are, a decapsulating ETR MUST treat the
	 * 'Nonce/Map-Version' field as having a nonce value present." */
	if (d->n && d->v)
		d->v = false;
	low = w0 & 0xffffff;
	if (d->n)
		d->nonce = low;				/* §5.3: Nonce */
	if (d->v) {					/* §5.3: Map-Version */
		d->src_map_version = (uint16_t)(low >> 12);
		d->dst_map_version = (uint16_t)(low & 0xfff);
	}
	if (d->i) {			/* §5.3: Instance ID (24) + LSBs (8) */
		d->iid = w1 >> 8;
		d->lsb = w1 & 0xff;
	} else
		d->lsb = w1;				/* §5.3: LSBs (32) */
	return 0;
}

ssize_t
lisp_encode_data_hdr(const struct lisp_data_hdr *d, uint8_t *buf, size_t cap)
{
	struct wbuf	w = wbuf_make(buf, cap);
	uint32_t	w0 = 0, w1;
	int		errs = 0;

	if ((d->n && d->v) || d->nonce > 0xffffff ||
	    d->src_map_version > LISP_MAX_VERSION ||
	    d->dst_map_version > LISP_MAX_VERSION ||
	    d->iid > LISP_MAX_IID || (d->i && d->lsb > 0xff))
		return -1;
	w0 = (uint32_t)((d->n ? DATA_N : 0) | (d->l ? DATA_L : 0) |
	    (d->e ? DATA_E : 0) | (d->v ? DATA_V : 0) |
	    (d->i ? DATA_I : 0)) << 24;
	if (d->n)
		w0 |= d->nonce;
	else if (d->v)
		w0 |= (uint32_t)d->src_map_version << 12 | d->dst_map_version;
	w1 = d->i ? d->iid << 8 | d->lsb : d->lsb;
	errs += put_u32(&w, w0);
	errs += put_u32(&w, w1);
	if (errs || !wbuf_ok(&w))
		return -1;
	return LISP_DATA_HDR_LEN;
}

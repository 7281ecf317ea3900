/* map_reply.c: Map-Reply (RFC 9301 §5.4). */
#include <stddef.h>
#include <string.h>

#include "lisp_int.h"

/* Smallest record: TTL, counts, ACT word, version word, AFI, IPv4. */
#define REC_MIN_LEN	(4 + 1 + 1 + 2 + 2 + 2 + 4)

int
lisp_decode_map_reply(const uint8_t *buf, size_t len,
    struct lisp_map_reply *m, enum lisp_err *why)
{
	struct cur	c = cur_make(buf, len);
	uint32_t	h;
	uint8_t		i;

	/* the header only: rec[] past nrec is left as it was */
	memset(m, 0, offsetof(struct lisp_map_reply, rec));
	if (cur_get_u32(&c, &h) == -1)
		DROP(why, LERR_TRUNCATED);
	if (LISP_HDR_TYPE(h) != LISP_MAP_REPLY)		/* §5.4: Type=2 */
		DROP(why, LERR_BAD_TYPE);
	m->probe = HAS_BIT(h, MREP_BIT_P);		/* §5.4: P */
	m->echo_nonce = HAS_BIT(h, MREP_BIT_E);		/* §5.4: E */
	m->security = HAS_BIT(h, MREP_BIT_S);		/* §5.4: S */
	m->nrec = LISP_HDR_COUNT(h);			/* §5.4: Record Count */
	if (m->nrec == 0)
		DROP(why, LERR_NO_RECORDS);
	if (m->nrec > LISP_MAX_RECORDS)
		DROP(why, LERR_TOO_MANY_RECORDS);
	if (cur_get_u64(&c, &m->nonce) == -1)		/* §5.4: Nonce */
		DROP(why, LERR_TRUNCATED);
	if ((size_t)m->nrec * REC_MIN_LEN > cur_left(&c))
		DROP(why, LERR_TRUNCATED);
	for (i = 0; i < m->nrec; i++)
		if (lisp_decode_record(&c, &m->rec[i], why) == -1)
			return -1;
	/* RFC 9303 §6.2: with S set, the LISP-SEC AD follows the records
	 * (lisp_sec_decode_mrep_ad() reads it).  Without S nothing may. */
	if (m->security)
		m->sec_ad_off = len - cur_left(&c);
	else if (cur_left(&c) != 0)
		DROP(why, LERR_TRAILING);
	return 0;
}

ssize_t
lisp_encode_map_reply(const struct lisp_map_reply *m, uint8_t *buf,
    size_t cap)
{
	struct wbuf	w = wbuf_make(buf, cap);
	uint32_t	h;
	int		errs = 0;
	uint8_t		i;

	if (m->nrec < 1 || m->nrec > LISP_MAX_RECORDS)
		return -1;
	h = LISP_HDR_MK_TYPE(LISP_MAP_REPLY) |
	    SET_BIT(m->probe, MREP_BIT_P) |
	    SET_BIT(m->echo_nonce, MREP_BIT_E) |
	    SET_BIT(m->security, MREP_BIT_S) | m->nrec;
	errs += put_u32(&w, h);
	errs += put_u64(&w, m->nonce);			/* §5.4: Nonce */
	for (i = 0; i < m->nrec; i++)
		errs += lisp_encode_record(&w, &m->rec[i]);
	if (errs || !wbuf_ok(&w))
		return -1;
	return (ssize_t)w.len;
}

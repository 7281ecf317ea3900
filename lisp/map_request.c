/*
 * map_request.c: Map-Request (RFC 9301 §5.2, §5.3), with the pub/sub
 * fields of RFC 9437 §4: the I bit (bit 11 of the first word, one of
 * RFC 9301's two reserved R bits) announces a 128-bit xTR-ID and a 64-bit
 * Site-ID after the last field (the Map-Reply record when M is set); the
 * N bit (top bit of each EID record's Reserved byte) asks the Map-Server
 * to notify of changes to that prefix.  A single ITR-RLOC of AFI 0 is
 * RFC 9437 §5's unsubscription (decoded as AF_UNSPEC; any other AFI 0
 * ITR-RLOC is refused).
 */
#include <string.h>

#include "lisp_int.h"

/* Smallest EID-prefix record: Reserved, mask-len, AFI, IPv4. */
#define MREQ_REC_MIN_LEN	(1 + 1 + 2 + 4)

static int
decode_eid_recs(struct cur *c, struct lisp_map_request *m,
    enum lisp_err *why)
{
	uint8_t	i, rsvd;

	if ((size_t)m->nrec * MREQ_REC_MIN_LEN > cur_left(c))
		DROP(why, LERR_TRUNCATED);	/* count exceeds the packet */
	for (i = 0; i < m->nrec; i++) {
		if (cur_get_u8(c, &rsvd) == -1 ||	/* §5.2: Reserved */
		    cur_get_u8(c, &m->rec[i].plen) == -1) /* EID mask-len */
			DROP(why, LERR_TRUNCATED);
		m->rec[i].notify = (rsvd & MREQ_REC_N) != 0; /* 9437 §4: N */
		if (lisp_decode_addr(c, &m->rec[i].eid, why) == -1)
			return -1;			/* §5.2: EID-Prefix */
		if (!lisp_addr_known(&m->rec[i].eid))
			DROP(why, LERR_BAD_AFI);
		if (lisp_addr_check_plen(&m->rec[i].eid, m->rec[i].plen) == -1)
			DROP(why, LERR_BAD_PLEN);
	}
	return 0;
}

int
lisp_decode_map_request(const uint8_t *buf, size_t len,
    struct lisp_map_request *m, enum lisp_err *why)
{
	struct cur	c = cur_make(buf, len);
	uint32_t	h;
	uint8_t		i;

	memset(m, 0, sizeof(*m));
	if (cur_get_u32(&c, &h) == -1)
		DROP(why, LERR_TRUNCATED);
	if (LISP_HDR_TYPE(h) != LISP_MAP_REQUEST)	/* §5.2: Type=1 */
		DROP(why, LERR_BAD_TYPE);
	m->auth = HAS_BIT(h, MREQ_BIT_A);		/* §5.2: A */
	m->map_data = HAS_BIT(h, MREQ_BIT_M);		/* §5.2: M */
	m->probe = HAS_BIT(h, MREQ_BIT_P);		/* §5.2: P */
	m->smr = HAS_BIT(h, MREQ_BIT_S);		/* §5.2: S */
	m->pitr = HAS_BIT(h, MREQ_BIT_PITR);		/* §5.2: p */
	m->smr_invoked = HAS_BIT(h, MREQ_BIT_SMRI);	/* §5.2: s */
	m->l_bit = HAS_BIT(h, MREQ_BIT_L);		/* §5.2: L */
	m->dont_map_reply = HAS_BIT(h, MREQ_BIT_D);	/* §5.2: D */
	m->subscribe = HAS_BIT(h, MREQ_BIT_I);		/* RFC 9437 §4: I */
	m->nitr = (uint8_t)(MREQ_IRC(h) + 1);		/* §5.2: IRC */
	m->nrec = LISP_HDR_COUNT(h);			/* §5.2: Record Count */
	if (m->nitr > LISP_MAX_ITR_RLOCS)
		DROP(why, LERR_TOO_MANY_ITR_RLOCS);
	if (m->nrec == 0)
		DROP(why, LERR_NO_RECORDS);
	if (m->nrec > LISP_MAX_RECORDS)
		DROP(why, LERR_TOO_MANY_RECORDS);
	if (cur_get_u64(&c, &m->nonce) == -1)		/* §5.2: Nonce */
		DROP(why, LERR_TRUNCATED);
	if (lisp_decode_addr(&c, &m->source_eid, why) == -1)
		return -1;				/* §5.2: Source-EID */
	for (i = 0; i < m->nitr; i++) {			/* §5.2: ITR-RLOCs */
		if (lisp_decode_addr(&c, &m->itr_rloc[i], why) == -1)
			return -1;
		/* RFC 9437 §5: a Map-Request that "only has one ITR-RLOC
		 * with AFI = 0 (i.e., Unknown Address)" unsubscribes */
		if (m->nitr == 1 && m->itr_rloc[i].ip.af == AF_UNSPEC &&
		    !m->itr_rloc[i].has_iid)
			continue;
		if (!lisp_addr_known(&m->itr_rloc[i]))
			DROP(why, LERR_BAD_AFI);
	}
	if (decode_eid_recs(&c, m, why) == -1)
		return -1;
	if (m->map_data &&				/* §5.2: Map-Reply Record */
	    lisp_decode_record(&c, &m->map_reply, why) == -1)
		return -1;
	if (m->subscribe &&	/* RFC 9437 §4: xTR-ID (128), Site-ID (64) */
	    (cur_get_bytes(&c, m->xtr_id, LISP_XTR_ID_LEN) == -1 ||
	    cur_get_u64(&c, &m->site_id) == -1))
		DROP(why, LERR_TRUNCATED);
	if (cur_left(&c) != 0)
		DROP(why, LERR_TRAILING);
	return 0;
}

ssize_t
lisp_encode_map_request(const struct lisp_map_request *m, uint8_t *buf,
    size_t cap)
{
	struct wbuf	w = wbuf_make(buf, cap);
	uint32_t	h;
	int		errs = 0;
	uint8_t		i;

	if (m->nitr < 1 || m->nitr > LISP_MAX_ITR_RLOCS ||
	    m->nrec < 1 || m->nrec > LISP_MAX_RECORDS)
		return -1;
	h = LISP_HDR_MK_TYPE(LISP_MAP_REQUEST) |
	    SET_BIT(m->auth, MREQ_BIT_A) |
	    SET_BIT(m->map_data, MREQ_BIT_M) |
	    SET_BIT(m->probe, MREQ_BIT_P) |
	    SET_BIT(m->smr, MREQ_BIT_S) |
	    SET_BIT(m->pitr, MREQ_BIT_PITR) |
	    SET_BIT(m->smr_invoked, MREQ_BIT_SMRI) |
	    SET_BIT(m->l_bit, MREQ_BIT_L) |
	    SET_BIT(m->dont_map_reply, MREQ_BIT_D) |
	    SET_BIT(m->subscribe, MREQ_BIT_I) |
	    MREQ_MK_IRC(m->nitr - 1) | m->nrec;
	errs += put_u32(&w, h);
	errs += put_u64(&w, m->nonce);			/* §5.2: Nonce */
	errs += lisp_encode_addr(&w, &m->source_eid);	/* §5.2: Source-EID */
	for (i = 0; i < m->nitr; i++) {
		if (!lisp_addr_known(&m->itr_rloc[i]) &&
		    !(m->nitr == 1 && m->subscribe &&	/* RFC 9437 §5 */
		    m->itr_rloc[i].ip.af == AF_UNSPEC))
			return -1;
		errs += lisp_encode_addr(&w, &m->itr_rloc[i]);
	}
	for (i = 0; i < m->nrec; i++) {
		if (!lisp_addr_known(&m->rec[i].eid) ||
		    lisp_addr_check_plen(&m->rec[i].eid, m->rec[i].plen) == -1)
			return -1;
		errs += put_u8(&w, m->rec[i].notify ?	/* RFC 9437 §4: N */
		    MREQ_REC_N : 0);			/* §5.2: Reserved */
		errs += put_u8(&w, m->rec[i].plen);	/* §5.2: EID mask-len */
		errs += lisp_encode_addr(&w, &m->rec[i].eid);
	}
	if (m->map_data)
		errs += lisp_encode_record(&w, &m->map_reply);
	if (m->subscribe) {	/* RFC 9437 §4: xTR-ID, Site-ID */
		errs += put_bytes(&w, m->xtr_id, LISP_XTR_ID_LEN);
		errs += put_u64(&w, m->site_id);
	}
	if (errs || !wbuf_ok(&w))
		return -1;
	return (ssize_t)w.len;
}

/*
 * map_register.c: Map-Register (RFC 9301 §5.6), Map-Notify and
 * Map-Notify-Ack (§5.7), which share one layout after the first word.
 */
#include <stddef.h>
#include <string.h>

#include "lisp_int.h"

#define MREG_AUTH_OFF	16	/* first word, nonce, key/alg/len */
#define REC_MIN_LEN	(4 + 1 + 1 + 2 + 2 + 2 + 4)
#define SITE_ID_LEN	8

static int
is_mreg_type(uint8_t t)
{
	return t == LISP_MAP_REGISTER || t == LISP_MAP_NOTIFY ||
	    t == LISP_MAP_NOTIFY_ACK;
}

static void
decode_flags(uint32_t h, struct lisp_map_register *m)
{
	if (m->type != LISP_MAP_REGISTER) {
		/*
		 * RFC 9301 §5.7 draws "|Type=4/5| Reserved |" and says "The
		 * Map-Notify message has the same contents as a Map-Register
		 * message" (whose I is bit 6).  Deployed implementations (and
		 * Wireshark's lisp.mnot.flags.xtrid) put I at bit 4 and an
		 * RTR's R at bit 5: we send I there, and read an xTR-ID
		 * trailer after either bit, both readings being unambiguous
		 * on the wire (the other bit is reserved in each).
		 */
		m->xtr_id_present = HAS_BIT(h, MNOT_BIT_I) ||
		    HAS_BIT(h, MREG_BIT_I);
		return;
	}
	m->proxy_reply = HAS_BIT(h, MREG_BIT_P);	/* §5.6: P */
	m->security = HAS_BIT(h, MREG_BIT_S);		/* §5.6: S */
	m->xtr_id_present = HAS_BIT(h, MREG_BIT_I);	/* §5.6: I */
	m->ttl_tbd = HAS_BIT(h, MREG_BIT_T);		/* §5.6: T */
	m->merge_req = HAS_BIT(h, MREG_BIT_A);		/* §5.6: a */
	m->rsvd_r = HAS_BIT(h, MREG_BIT_R);	/* §5.6: R, ignored */
	m->want_notify = HAS_BIT(h, MREG_BIT_M);	/* §5.6: M */
}

static uint32_t
encode_flags(const struct lisp_map_register *m)
{
	if (m->type != LISP_MAP_REGISTER)
		return SET_BIT(m->xtr_id_present, MNOT_BIT_I);	/* deployed */
	return SET_BIT(m->proxy_reply, MREG_BIT_P) |
	    SET_BIT(m->security, MREG_BIT_S) |
	    SET_BIT(m->xtr_id_present, MREG_BIT_I) |
	    SET_BIT(m->ttl_tbd, MREG_BIT_T) |
	    SET_BIT(m->merge_req, MREG_BIT_A) |	/* §5.6: R never set */
	    SET_BIT(m->want_notify, MREG_BIT_M);
}

/* §5.6: Key ID (8) | Algorithm ID (8) | Authentication Data Length (16) */
static int
decode_auth(struct cur *c, struct lisp_map_register *m, enum lisp_err *why)
{
	if (cur_get_u8(c, &m->key_id) == -1 ||
	    cur_get_u8(c, &m->alg_id) == -1 ||
	    cur_get_u16(c, &m->auth_len) == -1)
		DROP(why, LERR_TRUNCATED);
	if (m->alg_id != LISP_AUTH_NONE && lisp_auth_len(m->alg_id) == 0)
		DROP(why, LERR_AUTH_ALG);
	if (!lisp_auth_len_ok(m->alg_id, m->auth_len))	/* auth.c */
		DROP(why, LERR_AUTH_LEN);
	m->auth_off = MREG_AUTH_OFF;
	if (cur_get_bytes(c, m->auth, m->auth_len) == -1)
		DROP(why, LERR_TRUNCATED);
	return 0;
}

int
lisp_decode_map_register(const uint8_t *buf, size_t len,
    struct lisp_map_register *m, enum lisp_err *why)
{
	struct cur	c = cur_make(buf, len);
	uint32_t	h;
	uint8_t		i;

	/* the header and the trailer only: rec[] past nrec is left as it was
	 * (a whole-struct memset cost a Map-Server one HMAC per message) */
	memset(m, 0, offsetof(struct lisp_map_register, rec));
	memset(m->xtr_id, 0, sizeof(m->xtr_id));
	m->site_id = 0;
	if (cur_get_u32(&c, &h) == -1)
		DROP(why, LERR_TRUNCATED);
	m->type = LISP_HDR_TYPE(h);			/* §5.6, §5.7: Type */
	if (!is_mreg_type(m->type))
		DROP(why, LERR_BAD_TYPE);
	decode_flags(h, m);
	m->nrec = LISP_HDR_COUNT(h);			/* Record Count */
	if (m->nrec == 0 && m->type == LISP_MAP_REGISTER)
		DROP(why, LERR_NO_RECORDS);
	if (m->nrec > LISP_MAX_RECORDS)
		DROP(why, LERR_TOO_MANY_RECORDS);
	if (cur_get_u64(&c, &m->nonce) == -1)		/* §5.6: Nonce */
		DROP(why, LERR_TRUNCATED);
	if (decode_auth(&c, m, why) == -1)
		return -1;
	if ((size_t)m->nrec * REC_MIN_LEN > cur_left(&c))
		DROP(why, LERR_TRUNCATED);
	for (i = 0; i < m->nrec; i++)
		if (lisp_decode_record(&c, &m->rec[i], why) == -1)
			return -1;
	if (m->xtr_id_present) {	/* §5.6: xTR-ID (128), site-ID (64) */
		if (cur_get_bytes(&c, m->xtr_id, LISP_XTR_ID_LEN) == -1 ||
		    cur_get_u64(&c, &m->site_id) == -1)
			DROP(why, LERR_TRUNCATED);
	}
	if (cur_left(&c) != 0)
		DROP(why, LERR_TRAILING);
	return 0;
}

/* Everything but the HMAC, which is left zero; 0 or -1. */
static ssize_t
encode_unsigned(const struct lisp_map_register *m, uint8_t *buf, size_t cap)
{
	struct wbuf	w = wbuf_make(buf, cap);
	size_t		alen;
	int		errs = 0;
	uint8_t		i;

	if (!is_mreg_type(m->type) || m->nrec > LISP_MAX_RECORDS ||
	    (m->nrec == 0 && m->type == LISP_MAP_REGISTER))
		return -1;
	alen = lisp_auth_len(m->alg_id);
	if (m->alg_id != LISP_AUTH_NONE && alen == 0)
		return -1;
	errs += put_u32(&w, LISP_HDR_MK_TYPE(m->type) | encode_flags(m) |
	    m->nrec);
	errs += put_u64(&w, m->nonce);			/* §5.6: Nonce */
	errs += put_u8(&w, m->key_id);			/* §5.6: Key ID */
	errs += put_u8(&w, m->alg_id);			/* §5.6: Algorithm ID */
	errs += put_u16(&w, (uint16_t)alen);		/* §5.6: Auth Data Len */
	errs += put_zero(&w, alen);			/* filled in after */
	for (i = 0; i < m->nrec; i++)
		errs += lisp_encode_record(&w, &m->rec[i]);
	if (m->xtr_id_present) {
		errs += put_bytes(&w, m->xtr_id, LISP_XTR_ID_LEN);
		errs += put_u64(&w, m->site_id);
	}
	if (errs || !wbuf_ok(&w))
		return -1;
	return (ssize_t)w.len;
}

ssize_t
lisp_encode_map_register(const struct lisp_map_register *m,
    const void *key, size_t keylen, uint8_t *buf, size_t cap)
{
	ssize_t	n;

	if (m->alg_id != LISP_AUTH_NONE && key == NULL && keylen > 0)
		return -1;
	if ((n = encode_unsigned(m, buf, cap)) < 0)
		return -1;
	if (m->alg_id != LISP_AUTH_NONE && lisp_auth_compute(m->alg_id, key,
	    keylen, buf, (size_t)n, MREG_AUTH_OFF, buf + MREG_AUTH_OFF) == -1)
		return -1;
	return n;
}

ssize_t
lisp_encode_map_register_key(const struct lisp_map_register *m,
    struct lisp_auth_key *k, uint8_t *buf, size_t cap)
{
	ssize_t	n;

	if (m->alg_id != LISP_AUTH_NONE && (k == NULL || k->alg != m->alg_id))
		return -1;
	if ((n = encode_unsigned(m, buf, cap)) < 0)
		return -1;
	if (m->alg_id != LISP_AUTH_NONE && lisp_auth_compute_key(k, buf,
	    (size_t)n, MREG_AUTH_OFF, buf + MREG_AUTH_OFF) == -1)
		return -1;
	return n;
}

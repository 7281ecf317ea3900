/*
 * test_lisp_roundtrip.c: every sample message (test_lisp_samples.h)
 * decodes and re-encodes to the same bytes; every proper prefix of it is
 * refused with a named reason; a trailing byte is refused where the RFC
 * allows none.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "test_lisp_samples.h"

static ssize_t
reencode(struct lisp_sample *s, uint8_t *out, size_t cap)
{
	static struct lisp_map_request	q;
	static struct lisp_map_reply	r;
	static struct lisp_map_register	g;
	struct lisp_ecm			e;
	struct lisp_data_hdr		d;
	enum lisp_err			why = LERR_OK;
	size_t				len = (size_t)s->len;

	switch (s->kind) {
	case SK_MREQ:
		assert_int_equal(lisp_decode_map_request(s->buf, len, &q,
		    &why), 0);
		return lisp_encode_map_request(&q, out, cap);
	case SK_MREP:
		assert_int_equal(lisp_decode_map_reply(s->buf, len, &r, &why),
		    0);
		return lisp_encode_map_reply(&r, out, cap);
	case SK_MREG:
		assert_int_equal(lisp_decode_map_register(s->buf, len, &g,
		    &why), 0);
		assert_int_equal(lisp_auth_verify(g.alg_id, SAMPLE_KEY,
		    strlen(SAMPLE_KEY), s->buf, len, g.auth_off, g.auth_len), 0);
		assert_int_equal(lisp_auth_verify(g.alg_id, "wrong", 5,
		    s->buf, len, g.auth_off, g.auth_len), -1);
		return lisp_encode_map_register(&g, SAMPLE_KEY,
		    strlen(SAMPLE_KEY), out, cap);
	case SK_ECM:
		assert_int_equal(lisp_decode_ecm(s->buf, len, &e, &why), 0);
		assert_int_equal(lisp_decode_map_request(e.payload,
		    e.payload_len, &q, &why), 0);
		assert_memory_equal(&q, &s->inner, sizeof(q));
		return lisp_encode_ecm(&e, e.payload, e.payload_len, out, cap);
	case SK_DATA:
		assert_int_equal(lisp_decode_data_hdr(s->buf, len, &d, &why),
		    0);
		assert_memory_equal(&d, &s->u.data, sizeof(d));
		return lisp_encode_data_hdr(&d, out, cap);
	}
	return -1;
}

static void
test_roundtrip_all(void **state)
{
	static struct lisp_sample	s;
	uint8_t				out[2048];
	ssize_t				n;
	int				i;

	(void)state;
	for (i = 0; i < LISP_NSAMPLES; i++) {
		assert_int_equal(lisp_sample(i, &s), 0);
		assert_true(s.len > 0);
		n = reencode(&s, out, sizeof(out));
		assert_int_equal(n, s.len);
		assert_memory_equal(out, s.buf, (size_t)n);
		/* one byte short of room: the encoder refuses, never overruns */
		assert_int_equal(reencode(&s, out, (size_t)s.len - 1), -1);
	}
	assert_int_equal(lisp_sample(LISP_NSAMPLES, &s), -1);
}

/* Structs survive decode exactly (not only the bytes). */
static void
test_decoded_fields(void **state)
{
	static struct lisp_sample	s;
	static struct lisp_map_request	q;
	static struct lisp_map_reply	r;
	enum lisp_err			why;
	int				i;

	(void)state;
	for (i = 0; i < 4; i++) {
		assert_int_equal(lisp_sample(i, &s), 0);
		assert_int_equal(lisp_decode_map_request(s.buf, (size_t)s.len,
		    &q, &why), 0);
		assert_memory_equal(&q, &s.u.mreq, sizeof(q));
	}
	for (i = 4; i < 6; i++) {
		assert_int_equal(lisp_sample(i, &s), 0);
		/* slots past a count are the caller's: zero them to compare */
		memset(&r, 0, sizeof(r));
		assert_int_equal(lisp_decode_map_reply(s.buf, (size_t)s.len,
		    &r, &why), 0);
		assert_memory_equal(&r, &s.u.mrep, sizeof(r));
	}
}

/* Every proper prefix of every valid message: refused, with a reason. */
static void
test_every_prefix_refused(void **state)
{
	static struct lisp_sample	s;
	uint8_t				*copy;
	enum lisp_err			why;
	enum sample_kind		k;
	size_t				n;
	int				i;

	(void)state;
	for (i = 0; i < LISP_NSAMPLES; i++) {
		assert_int_equal(lisp_sample(i, &s), 0);
		if (s.kind == SK_DATA) {
			/* the data header is 8 bytes; the rest is payload */
			for (n = 0; n < LISP_DATA_HDR_LEN; n++) {
				why = LERR_OK;
				assert_int_equal(lisp_sample_decode(s.kind,
				    s.buf, n, &why), -1);
				assert_int_equal(why, LERR_TRUNCATED);
			}
			continue;
		}
		for (n = 0; n < (size_t)s.len; n++) {
			/* exact-size heap copy so ASan sees any over-read */
			copy = malloc(n ? n : 1);
			assert_non_null(copy);
			memcpy(copy, s.buf, n);
			why = LERR_OK;
			if (lisp_sample_decode(s.kind, copy, n, &why) != -1)
				fail_msg("%s: prefix %zu accepted", s.name, n);
			assert_int_not_equal(why, LERR_OK);
			/* the other decoders may accept or not, never crash */
			for (k = SK_MREQ; k <= SK_DATA; k++)
				(void)lisp_sample_decode(k, copy, n, &why);
			free(copy);
		}
	}
}

static void
test_trailing_refused(void **state)
{
	static struct lisp_sample	s;
	enum lisp_err			why;
	int				i;

	(void)state;
	for (i = 0; i < LISP_NSAMPLES; i++) {
		assert_int_equal(lisp_sample(i, &s), 0);
		if (s.kind == SK_DATA)
			continue;	/* the payload follows the header */
		s.buf[s.len] = 0;
		why = LERR_OK;
		assert_int_equal(lisp_sample_decode(s.kind, s.buf,
		    (size_t)s.len + 1, &why), -1);
		assert_int_equal(why, LERR_TRAILING);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_all),
		cmocka_unit_test(test_decoded_fields),
		cmocka_unit_test(test_every_prefix_refused),
		cmocka_unit_test(test_trailing_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

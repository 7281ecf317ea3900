/*
 * test_lisp_samples.h: one valid instance of every LISP message variant,
 * shared by the unit tests, the truncation test, the pcap/tshark oracle
 * (tests/tools/lisp_pcapgen.c) and the fuzz seed generator.
 *
 * lisp_sample(i, &s) fills s with sample i (0 <= i < LISP_NSAMPLES) and
 * encodes it into s.buf; s.kind says which decoder takes it.
 */
#ifndef MIG_TEST_LISP_SAMPLES_H
#define MIG_TEST_LISP_SAMPLES_H

#include <arpa/inet.h>
#include <string.h>

#include "lisp.h"

#define SAMPLE_KEY	"migrated-test-key"

enum sample_kind {
	SK_MREQ, SK_MREP, SK_MREG, SK_ECM, SK_DATA
};

struct lisp_sample {
	const char		*name;
	enum sample_kind	 kind;
	union {
		struct lisp_map_request	 mreq;
		struct lisp_map_reply	 mrep;
		struct lisp_map_register mreg;
		struct lisp_ecm		 ecm;
		struct lisp_data_hdr	 data;
	} u;
	struct lisp_map_request	 inner;	/* SK_ECM: the wrapped Map-Request */
	uint8_t			 buf[2048];
	ssize_t			 len;
};

static inline void
sample_ip(struct ipaddr *ip, const char *s)
{
	memset(ip, 0, sizeof(*ip));
	if (inet_pton(AF_INET, s, ip->a) == 1)
		ip->af = AF_INET;
	else if (inet_pton(AF_INET6, s, ip->a) == 1)
		ip->af = AF_INET6;
}

static inline void
sample_addr(struct lisp_addr *a, const char *s, bool has_iid, uint32_t iid)
{
	memset(a, 0, sizeof(*a));
	sample_ip(&a->ip, s);
	a->has_iid = has_iid;
	a->iid = iid;
}

static inline void
sample_locator(struct lisp_locator *l, const char *rloc, uint8_t pri,
    uint8_t w)
{
	memset(l, 0, sizeof(*l));
	l->priority = pri;
	l->weight = w;
	l->mpriority = 255;
	l->mweight = 0;
	l->reachable = true;
	sample_addr(&l->rloc, rloc, false, 0);
}

/* A positive record: 192.0.2.0/24 in IID 7, two locators. */
static inline void
sample_record(struct lisp_record *r, int v6)
{
	memset(r, 0, sizeof(*r));
	r->ttl = 1440;
	r->authoritative = true;
	r->map_version = 0x123;
	if (v6) {
		r->eid_plen = 64;
		sample_addr(&r->eid, "2001:db8:a::", false, 0);
	} else {
		r->eid_plen = 24;
		sample_addr(&r->eid, "192.0.2.0", true, 7);
	}
	r->nloc = 2;
	sample_locator(&r->loc[0], "203.0.113.1", 1, 60);
	r->loc[0].local = true;
	sample_locator(&r->loc[1], "2001:db8:ff::1", 2, 40);
	r->loc[1].probed = true;
}

static inline void
sample_mreq(struct lisp_map_request *q, int variant)
{
	memset(q, 0, sizeof(*q));
	q->nonce = 0x0102030405060708ull + (uint64_t)variant;
	sample_addr(&q->source_eid, "192.0.2.10", true, 7);
	q->nitr = 2;
	sample_addr(&q->itr_rloc[0], "198.51.100.1", false, 0);
	sample_addr(&q->itr_rloc[1], "2001:db8:1::1", false, 0);
	q->nrec = 1;
	q->rec[0].plen = 32;
	sample_addr(&q->rec[0].eid, "192.0.2.20", true, 7);
	switch (variant) {
	case 1:				/* SMR, carrying the Map-Reply record */
		q->smr = true;
		q->map_data = true;
		sample_record(&q->map_reply, 0);
		break;
	case 2:				/* SMR-invoked */
		q->smr_invoked = true;
		break;
	case 3:				/* RLOC probe from a PITR, IPv6 EID */
		q->probe = true;
		q->pitr = true;
		q->auth = true;
		q->l_bit = true;
		q->dont_map_reply = true;
		sample_addr(&q->source_eid, "", false, 0);
		q->rec[0].plen = 48;
		sample_addr(&q->rec[0].eid, "2001:db8:a::", false, 0);
		q->nrec = 2;
		q->rec[1].plen = 24;
		sample_addr(&q->rec[1].eid, "192.0.2.0", false, 0);
		break;
	case 4:				/* RFC 9437 subscription */
		q->subscribe = true;
		q->rec[0].notify = true;
		q->nrec = 2;
		q->rec[1].plen = 24;
		sample_addr(&q->rec[1].eid, "192.0.2.0", false, 0);
		memcpy(q->xtr_id, "\xf0\xe1\xd2\xc3\xb4\xa5\x96\x87"
		    "\x78\x69\x5a\x4b\x3c\x2d\x1e\x0f", 16);
		q->site_id = 0x1122334455667788ull;
		break;
	}
}

static inline int
lisp_sample(int i, struct lisp_sample *s)
{
	struct lisp_map_register *g = &s->u.mreg;
	struct lisp_data_hdr	 *d = &s->u.data;
	struct lisp_ecm		 *e = &s->u.ecm;
	uint8_t			  in[1024];
	ssize_t			  n;

	memset(s, 0, sizeof(*s));
	switch (i) {
	case 0: case 1: case 2: case 3:
		s->name = (const char *[]){ "map-request", "map-request-smr",
		    "map-request-smr-invoked", "map-request-probe" }[i];
		s->kind = SK_MREQ;
		sample_mreq(&s->u.mreq, i);
		s->len = lisp_encode_map_request(&s->u.mreq, s->buf,
		    sizeof(s->buf));
		return 0;
	case 4:
		s->name = "map-reply";
		s->kind = SK_MREP;
		s->u.mrep.nonce = 0x1111222233334444ull;
		s->u.mrep.probe = true;
		s->u.mrep.echo_nonce = true;
		s->u.mrep.nrec = 2;
		sample_record(&s->u.mrep.rec[0], 0);
		sample_record(&s->u.mrep.rec[1], 1);
		s->len = lisp_encode_map_reply(&s->u.mrep, s->buf,
		    sizeof(s->buf));
		return 0;
	case 5:
		s->name = "map-reply-negative";
		s->kind = SK_MREP;
		s->u.mrep.nonce = 0x5555666677778888ull;
		s->u.mrep.nrec = 1;
		s->u.mrep.rec[0].ttl = 15;
		s->u.mrep.rec[0].eid_plen = 16;
		s->u.mrep.rec[0].action = LISP_ACT_NATIVE_FWD;
		sample_addr(&s->u.mrep.rec[0].eid, "198.18.0.0", false, 0);
		s->len = lisp_encode_map_reply(&s->u.mrep, s->buf,
		    sizeof(s->buf));
		return 0;
	case 6: case 7: case 8: case 9:
		s->kind = SK_MREG;
		s->name = (const char *[]){ "map-register-sha1",
		    "map-register-sha256-xtrid", "map-notify",
		    "map-notify-ack" }[i - 6];
		g->type = i <= 7 ? LISP_MAP_REGISTER :
		    i == 8 ? LISP_MAP_NOTIFY : LISP_MAP_NOTIFY_ACK;
		g->nonce = 0xa1a2a3a4a5a6a7a8ull + (uint64_t)i;
		g->alg_id = i == 6 ? LISP_AUTH_HMAC_SHA1 :
		    LISP_AUTH_HMAC_SHA256;
		g->nrec = 1;
		sample_record(&g->rec[0], 0);
		if (i == 6) {
			g->proxy_reply = true;
			g->want_notify = true;
		}
		if (i == 7) {
			g->xtr_id_present = true;
			g->want_notify = true;
			g->ttl_tbd = true;
			g->merge_req = true;
			memcpy(g->xtr_id, "\x00\x11\x22\x33\x44\x55\x66\x77"
			    "\x88\x99\xaa\xbb\xcc\xdd\xee\xff", 16);
			g->site_id = 0x0102030405060708ull;
			g->nrec = 2;
			sample_record(&g->rec[1], 1);
		}
		s->len = lisp_encode_map_register(g, SAMPLE_KEY,
		    strlen(SAMPLE_KEY), s->buf, sizeof(s->buf));
		return 0;
	case 10: case 11:
		s->name = i == 10 ? "ecm-ipv4" : "ecm-ipv6";
		s->kind = SK_ECM;
		sample_mreq(&s->inner, 0);
		n = lisp_encode_map_request(&s->inner, in, sizeof(in));
		if (n < 0)
			return -1;
		e->ddt = i == 11;
		e->inner_ttl = 64;
		e->inner_sport = 61000;
		e->inner_dport = LISP_CONTROL_PORT;
		sample_ip(&e->inner_src, i == 10 ? "192.0.2.10" :
		    "2001:db8:a::10");
		sample_ip(&e->inner_dst, i == 10 ? "192.0.2.20" :
		    "2001:db8:a::20");
		s->len = lisp_encode_ecm(e, in, (size_t)n, s->buf,
		    sizeof(s->buf));
		return 0;
	case 12: case 13: case 14: case 15:
		s->kind = SK_DATA;
		s->name = (const char *[]){ "data-nonce-lsb", "data-echo",
		    "data-version", "data-iid" }[i - 12];
		if (i == 12) {
			d->n = d->l = true;
			d->nonce = 0xabcdef;
			d->lsb = 0x00000003;
		} else if (i == 13) {
			d->n = d->e = true;
			d->nonce = 0x123456;
		} else if (i == 14) {
			d->v = true;
			d->src_map_version = 0x321;
			d->dst_map_version = 0x654;
		} else {
			d->i = d->l = d->n = true;
			d->nonce = 0x000042;
			d->iid = 0x00beef;
			d->lsb = 0x01;
		}
		s->len = lisp_encode_data_hdr(d, s->buf, sizeof(s->buf));
		return 0;
	case 16:
		s->name = "map-request-pubsub";
		s->kind = SK_MREQ;
		sample_mreq(&s->u.mreq, 4);
		s->len = lisp_encode_map_request(&s->u.mreq, s->buf,
		    sizeof(s->buf));
		return 0;
	default:
		return -1;
	}
}
#define LISP_NSAMPLES	17

/* Run the decoder matching s->kind over buf; 0 if it accepts. */
static inline int
lisp_sample_decode(enum sample_kind k, const uint8_t *buf, size_t len,
    enum lisp_err *why)
{
	static struct lisp_map_request	q;
	static struct lisp_map_reply	r;
	static struct lisp_map_register	g;
	struct lisp_ecm			e;
	struct lisp_data_hdr		d;

	switch (k) {
	case SK_MREQ:
		return lisp_decode_map_request(buf, len, &q, why);
	case SK_MREP:
		return lisp_decode_map_reply(buf, len, &r, why);
	case SK_MREG:
		return lisp_decode_map_register(buf, len, &g, why);
	case SK_ECM:
		return lisp_decode_ecm(buf, len, &e, why);
	case SK_DATA:
		return lisp_decode_data_hdr(buf, len, &d, why);
	}
	return -1;
}

#endif

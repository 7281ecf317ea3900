/*
 * lisp_pcapgen.c: the input of the independent tshark oracle.  Encodes
 * one of each LISP message variant with our codec (test_lisp_samples.h),
 * wraps each in Ethernet/IPv4/UDP (control to 4342, data to 4341) and
 * writes them to a pcap file with pcap_dump, plus a JSON file saying what
 * was encoded, for tests/tools/check_tshark.py.
 *
 * Usage: lisp_pcapgen OUT.pcap OUT.json [SEEDDIR]
 * With SEEDDIR, also writes each encoded message to
 * SEEDDIR/fuzz_lisp_<decoder>/<name> as a libFuzzer seed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <pcap/pcap.h>

#include "tests/unit/test_lisp_samples.h"

#define OUT_SRC		"192.0.2.1"
#define OUT_DST		"192.0.2.2"

static const char *const seed_dir[] = {
	[SK_MREQ] = "fuzz_lisp_map_request",
	[SK_MREP] = "fuzz_lisp_map_reply",
	[SK_MREG] = "fuzz_lisp_map_register",
	[SK_ECM] = "fuzz_lisp_ecm",
	[SK_DATA] = "fuzz_lisp_data_hdr",
};

static uint16_t
ip_csum(const uint8_t *p, size_t len)
{
	uint32_t	sum = 0;
	size_t		i;

	for (i = 0; i + 1 < len; i += 2)
		sum += rd_be16(p + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* A small inner IPv4/UDP packet for the data-plane samples to carry. */
static size_t
inner_packet(uint8_t *p)
{
	static const uint8_t pkt[28] = {
		0x45, 0, 0, 28, 0, 0, 0x40, 0, 64, 17, 0, 0,
		192, 0, 2, 10, 192, 0, 2, 20,
		0x30, 0x39, 0x30, 0x39, 0, 8, 0, 0,
	};

	memcpy(p, pkt, sizeof(pkt));
	wr_be16(p + 10, ip_csum(p, 20));
	return sizeof(pkt);
}

/* Ethernet + IPv4 + UDP around payload; returns the frame length. */
static size_t
frame(uint8_t *f, const uint8_t *pl, size_t plen, uint16_t sport,
    uint16_t dport)
{
	static const uint8_t eth[14] = {
		0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00,
	};
	uint8_t	*ip = f + 14, *udp = ip + 20;

	memcpy(f, eth, sizeof(eth));
	memset(ip, 0, 20);
	ip[0] = 0x45;
	wr_be16(ip + 2, (uint16_t)(20 + 8 + plen));
	ip[6] = 0x40;
	ip[8] = 64;
	ip[9] = 17;
	inet_pton(AF_INET, OUT_SRC, ip + 12);
	inet_pton(AF_INET, OUT_DST, ip + 16);
	wr_be16(ip + 10, ip_csum(ip, 20));
	wr_be16(udp, sport);
	wr_be16(udp + 2, dport);
	wr_be16(udp + 4, (uint16_t)(8 + plen));
	wr_be16(udp + 6, 0);		/* optional over IPv4 */
	memcpy(udp + 8, pl, plen);
	return 14 + 20 + 8 + plen;
}

static void
json_ip(FILE *f, const struct ipaddr *ip)
{
	char	b[IPADDR_STRLEN];

	fprintf(f, "\"%s\"", ip->af == AF_UNSPEC ? "" :
	    ipaddr_fmt(ip, b, sizeof(b)));
}

static void
json_addr(FILE *f, const struct lisp_addr *a)
{
	fprintf(f, "{\"addr\": ");
	json_ip(f, &a->ip);
	if (a->has_iid)
		fprintf(f, ", \"iid\": %u", a->iid);
	fprintf(f, "}");
}

static void
json_record(FILE *f, const struct lisp_record *r)
{
	int	i;

	fprintf(f, "{\"ttl\": %u, \"plen\": %u, \"action\": %u, "
	    "\"auth\": %s, \"version\": %u, \"eid\": ", r->ttl, r->eid_plen,
	    r->action, r->authoritative ? "true" : "false", r->map_version);
	json_addr(f, &r->eid);
	fprintf(f, ", \"locators\": [");
	for (i = 0; i < r->nloc; i++) {
		const struct lisp_locator *l = &r->loc[i];

		fprintf(f, "%s{\"priority\": %u, \"weight\": %u, "
		    "\"mpriority\": %u, \"mweight\": %u, \"L\": %s, "
		    "\"p\": %s, \"R\": %s, \"rloc\": ", i ? ", " : "",
		    l->priority, l->weight, l->mpriority, l->mweight,
		    l->local ? "true" : "false", l->probed ? "true" : "false",
		    l->reachable ? "true" : "false");
		json_ip(f, &l->rloc.ip);
		fprintf(f, "}");
	}
	fprintf(f, "]}");
}

#define B(x)	((x) ? "true" : "false")

static void
json_mreq(FILE *f, const struct lisp_map_request *q)
{
	int	i;

	fprintf(f, "\"type\": 1, \"nonce\": \"%016llx\", \"flags\": "
	    "{\"A\": %s, \"M\": %s, \"P\": %s, \"S\": %s, \"p\": %s, "
	    "\"s\": %s, \"L\": %s, \"D\": %s, \"I\": %s}, \"irc\": %u, "
	    "\"source_eid\": ",
	    (unsigned long long)q->nonce, B(q->auth), B(q->map_data),
	    B(q->probe), B(q->smr), B(q->pitr), B(q->smr_invoked),
	    B(q->l_bit), B(q->dont_map_reply), B(q->subscribe), q->nitr - 1);
	json_addr(f, &q->source_eid);
	fprintf(f, ", \"itr_rlocs\": [");
	for (i = 0; i < q->nitr; i++) {
		fprintf(f, "%s", i ? ", " : "");
		json_ip(f, &q->itr_rloc[i].ip);
	}
	fprintf(f, "], \"eids\": [");
	for (i = 0; i < q->nrec; i++) {
		fprintf(f, "%s{\"plen\": %u, \"N\": %s, \"eid\": ",
		    i ? ", " : "", q->rec[i].plen, B(q->rec[i].notify));
		json_addr(f, &q->rec[i].eid);
		fprintf(f, "}");
	}
	fprintf(f, "], \"records\": [");
	if (q->map_data)
		json_record(f, &q->map_reply);
	fprintf(f, "]");
	if (q->subscribe) {		/* RFC 9437 §4 */
		fprintf(f, ", \"xtr_id\": \"");
		for (i = 0; i < LISP_XTR_ID_LEN; i++)
			fprintf(f, "%02x", q->xtr_id[i]);
		fprintf(f, "\", \"site_id\": \"%016llx\"",
		    (unsigned long long)q->site_id);
	}
}

static void
json_sample(FILE *f, const struct lisp_sample *s)
{
	const struct lisp_map_register	*g = &s->u.mreg;
	const struct lisp_data_hdr	*d = &s->u.data;
	int				 i;

	fprintf(f, "{\"name\": \"%s\", \"port\": %d, ", s->name,
	    s->kind == SK_DATA ? LISP_DATA_PORT : LISP_CONTROL_PORT);
	switch (s->kind) {
	case SK_MREQ:
		json_mreq(f, &s->u.mreq);
		break;
	case SK_MREP:
		fprintf(f, "\"type\": 2, \"nonce\": \"%016llx\", \"flags\": "
		    "{\"P\": %s, \"E\": %s, \"S\": %s}, \"records\": [",
		    (unsigned long long)s->u.mrep.nonce, B(s->u.mrep.probe),
		    B(s->u.mrep.echo_nonce), B(s->u.mrep.security));
		for (i = 0; i < s->u.mrep.nrec; i++) {
			fprintf(f, "%s", i ? ", " : "");
			json_record(f, &s->u.mrep.rec[i]);
		}
		fprintf(f, "]");
		break;
	case SK_MREG:
		fprintf(f, "\"type\": %u, \"nonce\": \"%016llx\", \"flags\": "
		    "{\"P\": %s, \"S\": %s, \"I\": %s, \"T\": %s, \"a\": %s, "
		    "\"m\": %s, \"M\": %s}, \"key_id16\": %u, \"auth_len\": %zu,"
		    " \"auth\": \"", g->type, (unsigned long long)g->nonce,
		    B(g->proxy_reply), B(g->security), B(g->xtr_id_present),
		    B(g->ttl_tbd), B(g->merge_req), B(g->rsvd_r),
		    B(g->want_notify), (unsigned)g->key_id << 8 | g->alg_id,
		    lisp_auth_len(g->alg_id));
		for (i = 0; i < (int)lisp_auth_len(g->alg_id); i++)
			fprintf(f, "%02x", s->buf[16 + i]);
		fprintf(f, "\", \"xtr_id\": \"");
		for (i = 0; g->xtr_id_present && i < LISP_XTR_ID_LEN; i++)
			fprintf(f, "%02x", g->xtr_id[i]);
		fprintf(f, "\", \"site_id\": \"%016llx\", \"records\": [",
		    (unsigned long long)g->site_id);
		for (i = 0; i < g->nrec; i++) {
			fprintf(f, "%s", i ? ", " : "");
			json_record(f, &g->rec[i]);
		}
		fprintf(f, "]");
		break;
	case SK_ECM:
		fprintf(f, "\"type\": 8, \"flags\": {\"S\": %s, \"D\": %s, "
		    "\"R\": %s, \"N\": %s}, \"inner_src\": ", B(s->u.ecm.security),
		    B(s->u.ecm.ddt), B(s->u.ecm.e_bit), B(s->u.ecm.m_bit));
		json_ip(f, &s->u.ecm.inner_src);
		fprintf(f, ", \"inner_dst\": ");
		json_ip(f, &s->u.ecm.inner_dst);
		fprintf(f, ", \"inner_sport\": %u, \"inner_dport\": %u, "
		    "\"inner\": {", s->u.ecm.inner_sport, s->u.ecm.inner_dport);
		json_mreq(f, &s->inner);
		fprintf(f, "}");
		break;
	case SK_DATA:
		fprintf(f, "\"type\": \"data\", \"flags\": {\"N\": %s, "
		    "\"L\": %s, \"E\": %s, \"V\": %s, \"I\": %s}, \"nonce\": %u, "
		    "\"src_version\": %u, \"dst_version\": %u, \"iid\": %u, "
		    "\"lsb\": %u", B(d->n), B(d->l), B(d->e), B(d->v), B(d->i),
		    d->nonce, d->src_map_version, d->dst_map_version, d->iid,
		    d->lsb);
		break;
	}
	fprintf(f, "}");
}

static int
write_file(const char *dir, const char *target, const char *name,
    const uint8_t *b, size_t len)
{
	char	path[512];
	FILE	*f;

	if (mkdir(dir, 0755) == -1 && errno != EEXIST)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", dir, target);
	if (mkdir(path, 0755) == -1 && errno != EEXIST)
		return -1;
	snprintf(path, sizeof(path), "%s/%s/%s", dir, target, name);
	if ((f = fopen(path, "wb")) == NULL)
		return -1;
	fwrite(b, 1, len, f);
	return fclose(f);
}

/* The message as a seed for its decoder; a Map-Reply's records (after
 * the 12-byte header) also seed the record decoder. */
static int
write_seed(const char *dir, const struct lisp_sample *s)
{
	if (write_file(dir, seed_dir[s->kind], s->name, s->buf,
	    (size_t)s->len) == -1)
		return -1;
	if (s->kind == SK_MREP && write_file(dir, "fuzz_lisp_record", s->name,
	    s->buf + 12, (size_t)s->len - 12) == -1)
		return -1;
	return 0;
}

int
main(int argc, char **argv)
{
	static struct lisp_sample	 s;
	static uint8_t			 pl[4096], fr[4096];
	struct pcap_pkthdr		 h;
	pcap_t				*p = NULL;
	pcap_dumper_t			*dp = NULL;
	FILE				*jf = NULL;
	size_t				 plen, flen;
	int				 i, rc = 1;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: lisp_pcapgen OUT.pcap OUT.json "
		    "[SEEDDIR]\n");
		return 2;
	}
	if ((p = pcap_open_dead(DLT_EN10MB, 65535)) == NULL ||
	    (dp = pcap_dump_open(p, argv[1])) == NULL ||
	    (jf = fopen(argv[2], "w")) == NULL) {
		fprintf(stderr, "lisp_pcapgen: cannot open outputs\n");
		goto out;
	}
	fprintf(jf, "[\n");
	for (i = 0; i < LISP_NSAMPLES; i++) {
		if (lisp_sample(i, &s) == -1 || s.len <= 0) {
			fprintf(stderr, "lisp_pcapgen: sample %d failed\n", i);
			goto out;
		}
		memcpy(pl, s.buf, (size_t)s.len);
		plen = (size_t)s.len;
		if (s.kind == SK_DATA)
			plen += inner_packet(pl + plen);
		flen = s.kind == SK_DATA ?
		    frame(fr, pl, plen, 50000, LISP_DATA_PORT) :
		    frame(fr, pl, plen, LISP_CONTROL_PORT, LISP_CONTROL_PORT);
		memset(&h, 0, sizeof(h));
		h.ts.tv_sec = 1700000000 + i;
		h.caplen = h.len = (bpf_u_int32)flen;
		pcap_dump((u_char *)dp, &h, fr);
		fprintf(jf, "%s", i ? ",\n" : "");
		json_sample(jf, &s);
		if (argc == 4 && write_seed(argv[3], &s) == -1) {
			fprintf(stderr, "lisp_pcapgen: seed %s: %s\n", s.name,
			    strerror(errno));
			goto out;
		}
	}
	fprintf(jf, "\n]\n");
	rc = 0;
out:
	if (jf != NULL && fclose(jf) != 0)
		rc = 1;
	if (dp != NULL)
		pcap_dump_close(dp);
	if (p != NULL)
		pcap_close(p);
	return rc;
}

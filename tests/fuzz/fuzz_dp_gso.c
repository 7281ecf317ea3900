/*
 * fuzz_dp_gso.c: libFuzzer harness for the data plane's offload code:
 * TCP segmentation of TUN super-packets (xtr/dp_gso.c) and the ETR's
 * joining of decapsulated segments (xtr/dp_gro.c), which parses packets
 * straight from the network.  Two modes, by the first input bit:
 *   - raw: the input is a decapsulated packet, fed to the joiner (no crash,
 *     no overread);
 *   - round trip: a TCP super-packet is built from the input (IPv4 or
 *     IPv6, MSS, flags, options, payload), cut into segments (each must
 *     parse, have right lengths, IPv4 and TCP checksums and sequence
 *     numbers), the segments are joined again, and what reaches the TUN
 *     must carry exactly the original payload, with right checksums.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "csum.h"
#include "cursor.h"
#include "xtr/dp/dp_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct dp st;

#define MAXOUT	512
static uint8_t	*out[MAXOUT];
static size_t	 outlen[MAXOUT];
static int	 nout;

void
dp_drop(struct dp *d, enum dp_cnt c, const char *fmt, ...)
{
	d->cnt[c]++;
}

int
dp_tun_writev(struct dp *d, const struct iovec *iov, int n)
{
	size_t	len = 0;
	int	i;

	if (nout == MAXOUT)
		abort();
	for (i = 0; i < n; i++)
		len += iov[i].iov_len;
	if ((out[nout] = malloc(len)) == NULL)
		abort();
	len = 0;
	for (i = 0; i < n; i++) {
		memcpy(out[nout] + len, iov[i].iov_base, iov[i].iov_len);
		len += iov[i].iov_len;
	}
	outlen[nout++] = len;
	return 0;
}

int
dp_tun_write(struct dp *d, const uint8_t *p, size_t len)
{
	static const uint8_t	zero[DP_VNET_LEN];
	struct iovec		iov[2] = {
		{ (void *)(uintptr_t)zero, sizeof(zero) },
		{ (void *)(uintptr_t)p, len },
	};

	return dp_tun_writev(d, iov, 2);
}

static void
reset(void)
{
	while (nout > 0)
		free(out[--nout]);
}

static uint32_t
tcp_sum(const uint8_t *ip, int v6, size_t iphl, size_t len)
{
	uint8_t		tail[8] = { 0 };
	uint32_t	s;

	wr_be32(tail, (uint32_t)(len - iphl));
	tail[7] = 6;
	s = csum_add(0, ip + (v6 ? 8 : 12), v6 ? 32 : 8);
	s = csum_add(s, tail, 8);
	return csum_add(s, ip + iphl, len - iphl);
}

/* Build the super-packet; returns its length (0: not buildable). */
static size_t
build(const uint8_t *d, size_t n, uint8_t *pkt, struct dp_vnet *vh,
    size_t *plen_out)
{
	int	v6 = d[0] & 2;
	size_t	iphl = v6 ? 40 : 20, opt = (size_t)(d[3] % 11) * 4;
	size_t	thl = 20 + opt, plen = n - 12, len;

	if (plen > 60000)
		plen = 60000;
	len = iphl + thl + plen;
	memset(pkt, 0, iphl + thl);
	if (v6) {
		pkt[0] = 0x60;
		wr_be16(pkt + 4, (uint16_t)(thl + plen));
		pkt[6] = 6;
		pkt[7] = 64;
		pkt[8] = 0x20;
		pkt[39] = 1;
	} else {
		pkt[0] = 0x45;
		wr_be16(pkt + 2, (uint16_t)len);
		wr_be16(pkt + 4, rd_be16(d + 4));
		pkt[6] = 0x40;
		pkt[8] = 64;
		pkt[9] = 6;
		pkt[12] = 10;
		pkt[16] = 10;
		pkt[19] = 1;
	}
	wr_be16(pkt + iphl, 40000);
	wr_be16(pkt + iphl + 2, 5201);
	wr_be32(pkt + iphl + 4, rd_be32(d + 6));
	wr_be32(pkt + iphl + 8, 1);
	pkt[iphl + 12] = (uint8_t)((thl / 4) << 4);
	/* ACK, plus what the input asks among PSH, FIN, CWR, ECE */
	pkt[iphl + 13] = (uint8_t)(0x10 | (d[10] & 0xc9));
	wr_be16(pkt + iphl + 14, 1000);
	memset(pkt + iphl + 20, 1, opt);		/* NOPs */
	memcpy(pkt + iphl + thl, d + 12, plen);
	memset(vh, 0, sizeof(*vh));
	vh->flags = DP_VNET_NEEDS_CSUM;
	vh->gso_type = v6 ? DP_VNET_GSO_TCPV6 : DP_VNET_GSO_TCPV4;
	vh->gso_size = (uint16_t)(rd_be16(d + 1) % 9000);
	vh->csum_start = (uint16_t)iphl;
	vh->csum_offset = 16;
	*plen_out = plen;
	return len;
}

static void
check_segment(const uint8_t *s, size_t l, const struct dp_tso *t,
    const uint8_t *pkt, size_t i)
{
	struct dp_pkt	pp;
	size_t		off = i * t->mss;
	size_t		pl = t->payload - off < t->mss ? t->payload - off :
			    t->mss;

	if (dp_pkt_parse(s, l, &pp) != DPP_OK || pp.len != l ||
	    l != t->hl + pl || memcmp(s + t->hl, pkt + t->hl + off, pl) != 0)
		abort();
	if (!t->v6 && csum_fold(csum_add(0, s, t->iphl)) != 0)
		abort();
	if (csum_fold(tcp_sum(s, t->v6, t->iphl, l)) != 0)
		abort();
	if (rd_be32(s + t->iphl + 4) != rd_be32(pkt + t->iphl + 4) +
	    (uint32_t)off)
		abort();
}

/* What reached the TUN, in order, must carry the original payload. */
static void
check_joined(const uint8_t *pkt, const struct dp_tso *t)
{
	struct dp_vnet	vh;
	struct dp_pkt	pp;
	size_t		got = 0, hl;
	int		i;

	for (i = 0; i < nout; i++) {
		uint8_t	*p = out[i] + DP_VNET_LEN;
		size_t	 l = outlen[i] - DP_VNET_LEN;

		memset(&vh, 0, sizeof(vh));
		vh.flags = out[i][0];
		vh.gso_type = out[i][1];
		memcpy(&vh.csum_start, out[i] + 6, 2);
		memcpy(&vh.csum_offset, out[i] + 8, 2);
		if (dp_vnet_csum(p, l, &vh) == -1 ||
		    dp_pkt_parse(p, l, &pp) != DPP_OK || pp.len != l)
			abort();
		if (csum_fold(tcp_sum(p, t->v6, t->iphl, l)) != 0)
			abort();
		hl = t->iphl + (size_t)(p[t->iphl + 12] >> 4) * 4;
		if (hl != t->hl || got + (l - hl) > t->payload ||
		    memcmp(p + hl, pkt + t->hl + got, l - hl) != 0)
			abort();
		got += l - hl;
	}
	if (got != t->payload)
		abort();
}

static void
round_trip(const uint8_t *d, size_t n)
{
	static uint8_t	pkt[65536], seg[65536];
	struct dp_vnet	vh;
	struct dp_tso	t;
	struct dp_pkt	pp;
	size_t		len, plen, i, l;

	if (n < 12 || (len = build(d, n, pkt, &vh, &plen)) == 0)
		return;
	if (dp_tso_prepare(&vh, pkt, len, &t) == -1) {
		if (vh.gso_size != 0)
			abort();	/* we built a valid one */
		return;
	}
	if (t.nseg > 2000)
		return;			/* tiny MSS: slow, nothing new */
	for (i = 0; i < t.nseg; i++) {
		l = dp_tso_segment(&t, pkt, i, seg);
		check_segment(seg, l, &t, pkt, i);
		if (dp_pkt_parse(seg, l, &pp) != DPP_OK)
			abort();
		dp_gro_deliver(&st, seg, &pp);
		if (nout > MAXOUT - 16) {
			dp_gro_flush(&st);
			reset();	/* too many to compare: just run */
			return;
		}
	}
	dp_gro_flush(&st);
	if (t.payload > 0)
		check_joined(pkt, &t);
	reset();
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct dp_pkt	pp;
	uint8_t		*copy;

	st.vnet = true;
	if (n < 1)
		return 0;
	if (d[0] & 1) {
		round_trip(d, n);
		return 0;
	}
	if ((copy = malloc(n)) == NULL)
		return 0;
	memcpy(copy, d + 1, n - 1);
	if (dp_pkt_parse(copy, n - 1, &pp) == DPP_OK)
		dp_gro_deliver(&st, copy, &pp);
	dp_gro_flush(&st);
	reset();
	free(copy);
	return 0;
}

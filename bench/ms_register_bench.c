/*
 * ms_register_bench.c: how many Map-Registers per second the Map-Server
 * role handles on one core, with HMAC-SHA-256, as a ratio to the rate at
 * which the same core computes the HMACs alone (goal: >= 0.5).
 *
 * The MS code is the daemon's own (ms_register.c and what it calls):
 * decode, site lookup, HMAC verify, the replace/merge rules, the expiry
 * timer, and, when the M bit asks for it, the Map-Notify (encoded, signed
 * and sent with sendto() to a socket nobody reads).  The messages are
 * pre-encoded: N xTRs each refreshing one /32 with one RLOC.  Reported:
 *   hmac      the HMAC of each message alone, with a prepared key
 *             (lisp_auth_compute_key, what the MS uses): the baseline;
 *             the one-shot lisp_auth_compute() rate is shown beside it
 *   refresh   steady-state refreshes without the M bit (one HMAC each):
 *             ratio to the HMAC rate
 *   refresh+M refreshes that want a Map-Notify (two HMACs each, verify
 *             and sign, plus the send, batched by sendmmsg() as xtrd
 *             does): ratio to the HMAC rate, and to half of it (two
 *             HMACs per message: the fair baseline)
 *   first+M   first registrations (table inserts, timeline) with M
 * Usage: ms_register_bench [-n XTRS] [-t SECONDS]
 */
#include <errno.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "mono.h"
#include "udpbatch.h"
#include "xtr/ms/ms.h"
#include "xtr/xtrd.h"

#define ROUNDS	9

static int	 sink_fd = -1;
static struct sockaddr_in sink;

/* The daemon's xtr_send() lives in xtrd.c with main(); same job here:
 * queued, sent with one sendmmsg() per UB_MAX_MSGS (the daemon flushes
 * once per loop turn, after draining up to 256 datagrams). */
static struct udp_batch	tx;

int
xtr_send(struct xtrd *x, const struct ipaddr *to, uint16_t port,
    const void *buf, size_t len)
{
	(void)x;
	(void)to;
	(void)port;
	return ub_add(&tx, sink_fd, (struct sockaddr *)&sink, sizeof(sink),
	    buf, len);
}

void
xtr_flush(struct xtrd *x)
{
	(void)x;
	ub_flush(&tx);		/* EAGAIN (sink full) is not ours to count */
}

static void
setup_sink(void)
{
	socklen_t	sl = sizeof(sink);
	int		rfd;

	rfd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&sink, 0, sizeof(sink));
	sink.sin_family = AF_INET;
	sink.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (rfd == -1 || bind(rfd, (struct sockaddr *)&sink, sizeof(sink)) ||
	    getsockname(rfd, (struct sockaddr *)&sink, &sl))
		fatal("sink socket");
	if ((sink_fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0)) == -1)
		fatal("socket");
}

struct msg {
	uint8_t	buf[256];
	size_t	len;
	bool	want_notify;
};

/*
 * The Map-Server drops a Map-Register whose nonce is not greater than the
 * last of its xTR-ID (RFC 9301 §5.6): every pass of run_ms() re-encodes
 * the messages with the next nonce first, outside the time measured.
 */
static const char	*bench_key;
static uint64_t		 bench_nonce = 1;

static void
encode_all_into(struct msg *m, int n, bool want_notify, const char *key)
{
	static struct lisp_map_register	 r;
	int				 i;
	ssize_t				 len;

	bench_nonce++;
	for (i = 0; i < n; i++) {
		memset(&r, 0, sizeof(r));
		r.type = LISP_MAP_REGISTER;
		r.want_notify = want_notify;
		r.xtr_id_present = true;
		memcpy(r.xtr_id, &i, sizeof(i));
		r.nonce = bench_nonce;
		r.alg_id = LISP_AUTH_HMAC_SHA256;
		r.nrec = 1;
		r.rec[0].ttl = 1440;
		r.rec[0].eid_plen = 32;
		r.rec[0].authoritative = true;
		r.rec[0].eid.ip.af = AF_INET;
		r.rec[0].eid.ip.a[0] = 10;
		r.rec[0].eid.ip.a[1] = (uint8_t)(i >> 16);
		r.rec[0].eid.ip.a[2] = (uint8_t)(i >> 8);
		r.rec[0].eid.ip.a[3] = (uint8_t)i;
		r.rec[0].nloc = 1;
		r.rec[0].loc[0].priority = 1;
		r.rec[0].loc[0].weight = 100;
		r.rec[0].loc[0].mpriority = 255;
		r.rec[0].loc[0].reachable = true;
		ipaddr_parse("192.0.2.1", &r.rec[0].loc[0].rloc.ip);
		len = lisp_encode_map_register(&r, key, strlen(key), m[i].buf,
		    sizeof(m[i].buf));
		if (len < 0)
			fatalx("encode");
		m[i].len = (size_t)len;
		m[i].want_notify = want_notify;
	}
}

static struct msg *
encode_all(int n, bool want_notify, const char *key)
{
	struct msg	*m = calloc((size_t)n, sizeof(*m));

	if (m == NULL)
		fatal("calloc");
	encode_all_into(m, n, want_notify, key);
	return m;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v)
{
	qsort(v, ROUNDS, sizeof(*v), cmp_double);
	return v[ROUNDS / 2];
}

/* HMACs per second: one-shot (pk NULL) or with a prepared key. */
static double
run_hmac(struct msg *m, int n, double secs, const char *key,
    struct lisp_auth_key *pk)
{
	uint8_t		out[32];
	uint64_t	t0 = mono_ns(), t, count = 0;

	do {
		int i, r;

		for (i = 0; i < n; i++) {
			r = pk != NULL ? lisp_auth_compute_key(pk, m[i].buf,
			    m[i].len, 16, out) :
			    lisp_auth_compute(LISP_AUTH_HMAC_SHA256, key,
			    strlen(key), m[i].buf, m[i].len, 16, out);
			if (r == -1)
				fatalx("hmac");
		}
		count += (uint64_t)n;
		t = mono_ns();
	} while (t - t0 < secs * 1e9);
	return count / ((t - t0) / 1e9);
}

static double
run_ms(struct xtrd *x, struct msg *m, int n, double secs, int passes)
{
	struct ipaddr	src;
	uint64_t	t0 = mono_ns(), t, count = 0, before, excl = 0, e0;
	int		p = 0;

	ipaddr_parse("192.0.2.1", &src);
	before = cnt_get(C_ms_registered);
	do {
		int i;

		e0 = mono_ns();		/* fresh nonces: not measured */
		encode_all_into(m, n, m[0].want_notify, bench_key);
		excl += mono_ns() - e0;
		for (i = 0; i < n; i++)
			ms_rx_map_register(x, m[i].buf, m[i].len, &src,
			    LISP_CONTROL_PORT);
		xtr_flush(x);
		count += (uint64_t)n;
		t = mono_ns();
	} while (++p < passes ||
	    (passes == 0 && t - t0 - excl < secs * 1e9));
	if (cnt_get(C_ms_registered) - before != count)
		fatalx("only %llu of %llu registrations accepted",
		    (unsigned long long)(cnt_get(C_ms_registered) - before),
		    (unsigned long long)count);
	return count / ((t - t0 - excl) / 1e9);
}

int
main(int argc, char **argv)
{
	static struct xtr_conf	 conf;
	struct xtrd		 xs, *x = &xs;
	struct msg		*plain, *notify;
	const char		*key = "bench-site-key-0123456789";
	cpu_set_t		 cpus;
	struct lisp_auth_key	 pk;
	double			 secs = 4, hmac, oneshot, refresh, refresh_m;
	double			 first, hr[ROUNDS], ho[ROUNDS], r1[ROUNDS];
	double			 r2[ROUNDS];
	int			 n = 4096, ch, i;

	while ((ch = getopt(argc, argv, "n:t:")) != -1) {
		switch (ch) {
		case 'n': n = atoi(optarg); break;
		case 't': secs = atof(optarg); break;
		default:
			fprintf(stderr, "usage: ms_register_bench [-n XTRS] "
			    "[-t SECONDS]\n");
			return 2;
		}
	}
	if (n < 1 || n > 65536 || secs <= 0)
		return 2;
	log_init(1, 0, "ms_register_bench");
	CPU_ZERO(&cpus);
	CPU_SET(sched_getcpu(), &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus) == -1)
		log_warn("sched_setaffinity");	/* still one thread */
	setup_sink();
	ub_init(&tx, NULL, NULL);

	xc_defaults(&conf);
	conf.roles = ROLE_MS;
	conf.nsite = 1;
	strcpy(conf.site[0].name, "bench");
	strcpy(conf.site[0].key.key, key);
	conf.site[0].key.alg = LISP_AUTH_HMAC_SHA256;
	conf.site[0].neid = 1;
	ipprefix_parse("10.0.0.0/8", &conf.site[0].eid[0]);
	conf.site[0].more_specifics = true;
	conf.site[0].max_registrations = 65536;
	conf.site[0].max_more_specifics = 65536;
	bench_key = key;
	memset(x, 0, sizeof(*x));
	x->conf = &conf;
	x->fd4 = x->fd6 = -1;
	if (ms_init(x) == -1)
		fatal("ms_init");

	/* the daemon logs each new registration: not to the terminal */
	if (freopen("/dev/null", "w", stderr) == NULL)
		fatal("/dev/null");
	plain = encode_all(n, false, key);
	notify = encode_all(n, true, key);
	printf("%d xTRs, one /32 and one RLOC each, HMAC-SHA-256, %zu-byte "
	    "Map-Registers, one core\n", n, plain[0].len);
	/* The core may be shared: measure in alternating short slices and
	 * take the median of the per-slice ratios, so load drift cancels. */
	memset(&pk, 0, sizeof(pk));
	if (lisp_auth_key_set(&pk, LISP_AUTH_HMAC_SHA256, key,
	    strlen(key)) == -1)
		fatalx("lisp_auth_key_set");
	first = run_ms(x, notify, n, secs, 1);
	for (i = 0; i < ROUNDS; i++) {
		double slice = secs / ROUNDS;

		hr[i] = run_hmac(plain, n, slice, key, &pk);
		ho[i] = run_hmac(plain, n, slice / 4, key, NULL);
		r1[i] = run_ms(x, plain, n, slice, 0) / hr[i];
		r2[i] = run_ms(x, notify, n, slice, 0) / hr[i];
	}
	hmac = median(hr);
	oneshot = median(ho);
	refresh = median(r1);
	refresh_m = median(r2);
	printf("%-34s %10.0f /s (median of %d slices)\n",
	    "HMAC alone, prepared key", hmac, ROUNDS);
	printf("%-34s %10.0f /s (lisp_auth_compute, for comparison)\n",
	    "HMAC alone, one-shot", oneshot);
	printf("%-34s ratio %.2f  (~%.0f /s; 1 HMAC each)\n",
	    "MS refresh, no M bit", refresh, refresh * hmac);
	printf("%-34s ratio %.2f  (~%.0f /s) to the HMAC rate\n",
	    "MS refresh + Map-Notify (M bit)", refresh_m, refresh_m * hmac);
	printf("%-34s ratio %.2f  to HMAC rate / 2 (2 HMACs + sendto "
	    "each)\n", "", 2 * refresh_m);
	printf("%-34s %10.0f /s (one pass, table inserts)\n",
	    "MS first registration + Notify", first);
	printf("goal: ratio >= 0.50, no M bit: %s; M bit (per 2 HMACs): %s\n",
	    refresh >= 0.5 ? "met" : "NOT met",
	    2 * refresh_m >= 0.5 ? "met" : "NOT met");
	lisp_auth_key_free(&pk);
	ms_free(x);
	timer_heap_free(&x->timers);
	free(plain);
	free(notify);
	return 0;
}

/*
 * fpu_stress.c: does this machine keep a process's SSE/AVX registers
 * across context switches, and do glibc's vectorised string functions give
 * the same answers as plain loops?  A check of the platform, not of our
 * code: the emulated dom0 of tests/xen-e2e (Xen under QEMU TCG) has seen
 * migrated, xtrd and xtrctl die of corrupted memory that the same binaries
 * never show on the host; a hypervisor or emulator that loses vector
 * register state when it switches between dom0 and a guest vCPU would do
 * exactly that.
 *
 * usage: fpu_stress [-w WORKERS] [-s SLEEP_MS] [-q] SECONDS
 *   Runs WORKERS processes (default 3) for SECONDS, or until SIGTERM or
 *   SIGINT (then each worker reports what it did so far).  SLEEP_MS: a
 *   pause after each round (default 0: busy), which keeps the load low and
 *   the switches many.  Each round a worker
 *   loads all sixteen XMM (or YMM, where the CPU has AVX) registers with a
 *   pattern, gives up the CPU (sched_yield) or spins, reads them back and
 *   compares; then checks memcpy, memmove, memset, strlen, memchr and
 *   memcmp on random sizes and alignments against byte loops.
 *   Prints one line per worker: rounds, switches seen, mismatches, and the
 *   first few mismatches in detail.  Exit 0: nothing differed; 1: some
 *   register or string result was wrong; 2: usage or fork error.
 */
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NREG	16
#define BUFSZ	8192
#define SHOWMAX	5

struct stats {
	unsigned long	rounds, reg_checks, str_checks, bad_reg, bad_str;
	int		shown;
};

static uint64_t	rng_state;
static volatile sig_atomic_t	stop;

static void
on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

static uint64_t
rng(void)
{
	/* xorshift64*: reproducible from the seed printed on a mismatch */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Load 16 vector registers from in[], then yield (a syscall: the kernel
 * may switch to another process, the hypervisor to another vCPU) or spin
 * (only an interrupt can switch us out), and store them to out[].  All in
 * one asm statement so the compiler cannot touch the registers between.
 */
static void
regs_xmm(const uint8_t *in, uint8_t *out, int yield, unsigned long spin)
{
	long	nr = yield ? 24 /* SYS_sched_yield */ : -1;

	__asm__ volatile(
	    "movdqu   0(%[i]), %%xmm0\n\t"  "movdqu  16(%[i]), %%xmm1\n\t"
	    "movdqu  32(%[i]), %%xmm2\n\t"  "movdqu  48(%[i]), %%xmm3\n\t"
	    "movdqu  64(%[i]), %%xmm4\n\t"  "movdqu  80(%[i]), %%xmm5\n\t"
	    "movdqu  96(%[i]), %%xmm6\n\t"  "movdqu 112(%[i]), %%xmm7\n\t"
	    "movdqu 128(%[i]), %%xmm8\n\t"  "movdqu 144(%[i]), %%xmm9\n\t"
	    "movdqu 160(%[i]), %%xmm10\n\t" "movdqu 176(%[i]), %%xmm11\n\t"
	    "movdqu 192(%[i]), %%xmm12\n\t" "movdqu 208(%[i]), %%xmm13\n\t"
	    "movdqu 224(%[i]), %%xmm14\n\t" "movdqu 240(%[i]), %%xmm15\n\t"
	    "cmpq $0, %[nr]\n\t"
	    "jl 2f\n\t"
	    "movq %[nr], %%rax\n\t"
	    "syscall\n\t"
	    "jmp 3f\n"
	    "2:\n\t"
	    "movq %[spin], %%rcx\n"
	    "1:\n\t"
	    "decq %%rcx\n\t"
	    "jnz 1b\n"
	    "3:\n\t"
	    "movdqu %%xmm0,    0(%[o])\n\t" "movdqu %%xmm1,   16(%[o])\n\t"
	    "movdqu %%xmm2,   32(%[o])\n\t" "movdqu %%xmm3,   48(%[o])\n\t"
	    "movdqu %%xmm4,   64(%[o])\n\t" "movdqu %%xmm5,   80(%[o])\n\t"
	    "movdqu %%xmm6,   96(%[o])\n\t" "movdqu %%xmm7,  112(%[o])\n\t"
	    "movdqu %%xmm8,  128(%[o])\n\t" "movdqu %%xmm9,  144(%[o])\n\t"
	    "movdqu %%xmm10, 160(%[o])\n\t" "movdqu %%xmm11, 176(%[o])\n\t"
	    "movdqu %%xmm12, 192(%[o])\n\t" "movdqu %%xmm13, 208(%[o])\n\t"
	    "movdqu %%xmm14, 224(%[o])\n\t" "movdqu %%xmm15, 240(%[o])\n\t"
	    :
	    : [i] "r"(in), [o] "r"(out), [nr] "r"(nr), [spin] "r"(spin + 1)
	    : "rax", "rcx", "r11", "memory", "cc",
	      "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
	      "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14",
	      "xmm15");
}

__attribute__((target("avx")))
static void
regs_ymm(const uint8_t *in, uint8_t *out, int yield, unsigned long spin)
{
	long	nr = yield ? 24 : -1;

	__asm__ volatile(
	    "vmovdqu   0(%[i]), %%ymm0\n\t"  "vmovdqu  32(%[i]), %%ymm1\n\t"
	    "vmovdqu  64(%[i]), %%ymm2\n\t"  "vmovdqu  96(%[i]), %%ymm3\n\t"
	    "vmovdqu 128(%[i]), %%ymm4\n\t"  "vmovdqu 160(%[i]), %%ymm5\n\t"
	    "vmovdqu 192(%[i]), %%ymm6\n\t"  "vmovdqu 224(%[i]), %%ymm7\n\t"
	    "vmovdqu 256(%[i]), %%ymm8\n\t"  "vmovdqu 288(%[i]), %%ymm9\n\t"
	    "vmovdqu 320(%[i]), %%ymm10\n\t" "vmovdqu 352(%[i]), %%ymm11\n\t"
	    "vmovdqu 384(%[i]), %%ymm12\n\t" "vmovdqu 416(%[i]), %%ymm13\n\t"
	    "vmovdqu 448(%[i]), %%ymm14\n\t" "vmovdqu 480(%[i]), %%ymm15\n\t"
	    "cmpq $0, %[nr]\n\t"
	    "jl 2f\n\t"
	    "movq %[nr], %%rax\n\t"
	    "syscall\n\t"
	    "jmp 3f\n"
	    "2:\n\t"
	    "movq %[spin], %%rcx\n"
	    "1:\n\t"
	    "decq %%rcx\n\t"
	    "jnz 1b\n"
	    "3:\n\t"
	    "vmovdqu %%ymm0,    0(%[o])\n\t" "vmovdqu %%ymm1,   32(%[o])\n\t"
	    "vmovdqu %%ymm2,   64(%[o])\n\t" "vmovdqu %%ymm3,   96(%[o])\n\t"
	    "vmovdqu %%ymm4,  128(%[o])\n\t" "vmovdqu %%ymm5,  160(%[o])\n\t"
	    "vmovdqu %%ymm6,  192(%[o])\n\t" "vmovdqu %%ymm7,  224(%[o])\n\t"
	    "vmovdqu %%ymm8,  256(%[o])\n\t" "vmovdqu %%ymm9,  288(%[o])\n\t"
	    "vmovdqu %%ymm10, 320(%[o])\n\t" "vmovdqu %%ymm11, 352(%[o])\n\t"
	    "vmovdqu %%ymm12, 384(%[o])\n\t" "vmovdqu %%ymm13, 416(%[o])\n\t"
	    "vmovdqu %%ymm14, 448(%[o])\n\t" "vmovdqu %%ymm15, 480(%[o])\n\t"
	    "vzeroupper\n\t"
	    :
	    : [i] "r"(in), [o] "r"(out), [nr] "r"(nr), [spin] "r"(spin + 1)
	    : "rax", "rcx", "r11", "memory", "cc",
	      "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
	      "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14",
	      "xmm15");
}

static void
show(struct stats *s, int w, const char *what, uint64_t seed, long at,
    unsigned want, unsigned got)
{
	if (s->shown++ >= SHOWMAX)
		return;
	printf("fpu_stress: worker %d MISMATCH %s round %lu seed %#llx "
	    "byte %ld want %#04x got %#04x\n", w, what, s->rounds,
	    (unsigned long long)seed, at, want, got);
	fflush(stdout);
}

static void
check_regs(struct stats *s, int w, int avx)
{
	uint8_t		in[NREG * 32], out[NREG * 32];
	size_t		i, n = avx ? sizeof(in) : NREG * 16;
	uint64_t	seed = rng_state;
	int		yield = rng() & 1;

	for (i = 0; i < n; i += 8) {
		uint64_t v = rng();
		memcpy(in + i, &v, 8);
	}
	memset(out, 0, sizeof(out));
	if (avx)
		regs_ymm(in, out, yield, rng() % 200000);
	else
		regs_xmm(in, out, yield, rng() % 200000);
	s->reg_checks++;
	for (i = 0; i < n; i++)
		if (in[i] != out[i]) {
			s->bad_reg++;
			show(s, w, avx ? (yield ? "ymm-yield" : "ymm-spin") :
			    (yield ? "xmm-yield" : "xmm-spin"), seed, (long)i,
			    in[i], out[i]);
			break;
		}
}

/* byte loops the compiler must not turn back into library calls */
static void
ref_copy(volatile uint8_t *d, const volatile uint8_t *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		d[i] = s[i];
}

static void
check_strings(struct stats *s, int w)
{
	static uint8_t	a[BUFSZ + 64], b[BUFSZ + 64], r[BUFSZ + 64];
	uint64_t	seed = rng_state;
	size_t		n = rng() % BUFSZ, oa = rng() % 64, ob = rng() % 64, i;
	size_t		want;
	uint8_t		c;
	const void	*p;
	int		cmp;

	for (i = 0; i < sizeof(a); i++)
		a[i] = (uint8_t)(rng() | 1);	/* no NUL */
	memset(b, 0x5a, sizeof(b));
	memset(r, 0x5a, sizeof(r));
	memcpy(b + ob, a + oa, n);
	ref_copy(r + ob, a + oa, n);
	s->str_checks++;
	for (i = 0; i < sizeof(b); i++)
		if (b[i] != r[i]) {
			s->bad_str++;
			show(s, w, "memcpy", seed, (long)i, r[i], b[i]);
			return;
		}
	/* memmove with overlap, both directions */
	memmove(b + ob + 1, b + ob, n / 2);
	for (i = n / 2; i-- > 0;)
		r[ob + 1 + i] = r[ob + i];
	for (i = 0; i < sizeof(b); i++)
		if (b[i] != r[i]) {
			s->bad_str++;
			show(s, w, "memmove", seed, (long)i, r[i], b[i]);
			return;
		}
	c = (uint8_t)rng();
	memset(b + ob, c, n);
	for (i = 0; i < n; i++)
		if (b[ob + i] != c) {
			s->bad_str++;
			show(s, w, "memset", seed, (long)(ob + i), c, b[ob + i]);
			return;
		}
	/* strlen: a NUL at a known place */
	a[oa + n] = 0;
	want = n;
	if (strlen((char *)a + oa) != want) {
		s->bad_str++;
		show(s, w, "strlen", seed, (long)want,
		    0, (unsigned)strlen((char *)a + oa));
	}
	/* memchr of a byte that is only at one spot */
	memset(b, 1, sizeof(b));
	b[ob + n] = 7;
	p = memchr(b + ob, 7, n + 1);
	if (p != b + ob + n) {
		s->bad_str++;
		show(s, w, "memchr", seed, (long)n, 7, p ? *(const uint8_t *)p : 0);
	}
	/* memcmp: equal, then one byte differs */
	memcpy(r, a, sizeof(a));
	cmp = memcmp(r + oa, a + oa, n);
	if (cmp != 0) {
		s->bad_str++;
		show(s, w, "memcmp-eq", seed, (long)n, 0, (unsigned)cmp);
	}
	if (n > 0) {
		i = rng() % n;
		r[oa + i] = (uint8_t)(a[oa + i] + 1);
		cmp = memcmp(r + oa, a + oa, n);
		if ((cmp > 0) != (r[oa + i] > a[oa + i]) || cmp == 0) {
			s->bad_str++;
			show(s, w, "memcmp-ne", seed, (long)i, a[oa + i], r[oa + i]);
		}
	}
}

static int
worker(int w, double secs, int quiet, int sleep_ms)
{
	struct stats	s;
	double		end = now_s() + secs, next = now_s() + 30;
	int		avx = __builtin_cpu_supports("avx");

	memset(&s, 0, sizeof(s));
	rng_state = 0x9e3779b97f4a7c15ULL ^ ((uint64_t)getpid() << 17) ^
	    (uint64_t)time(NULL);
	while (!stop && now_s() < end) {
		s.rounds++;
		check_regs(&s, w, 0);
		if (avx)
			check_regs(&s, w, 1);
		check_strings(&s, w);
		if (!quiet && now_s() >= next) {
			printf("fpu_stress: worker %d alive, %lu rounds, "
			    "%lu bad\n", w, s.rounds, s.bad_reg + s.bad_str);
			fflush(stdout);
			next += 30;
		}
		if (sleep_ms > 0)
			usleep((useconds_t)sleep_ms * 1000);
	}
	printf("fpu_stress: worker %d %s: %lu rounds, %lu register checks "
	    "(%s), %lu string checks, %lu register and %lu string "
	    "mismatches\n", w, s.bad_reg + s.bad_str ? "FAILED" : "ok",
	    s.rounds, s.reg_checks, avx ? "xmm+ymm" : "xmm", s.str_checks,
	    s.bad_reg, s.bad_str);
	fflush(stdout);
	return s.bad_reg + s.bad_str ? 1 : 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: fpu_stress [-w WORKERS] [-s SLEEP_MS] [-q] SECONDS\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	int	ch, workers = 3, quiet = 0, sleep_ms = 0, i, st, bad = 0;
	pid_t	kids[64];
	struct sigaction sa;
	double	secs;
	pid_t	pid;

	while ((ch = getopt(argc, argv, "w:s:q")) != -1) {
		switch (ch) {
		case 'w':
			workers = atoi(optarg);
			if (workers < 1 || workers > 64)
				usage();
			break;
		case 's':
			sleep_ms = atoi(optarg);
			if (sleep_ms < 0 || sleep_ms > 10000)
				usage();
			break;
		case 'q':
			quiet = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1 || (secs = atof(argv[optind])) <= 0)
		usage();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	for (i = 0; i < workers; i++) {
		if ((pid = fork()) == -1) {
			perror("fpu_stress: fork");
			return 2;
		}
		if (pid == 0)
			_exit(worker(i, secs, quiet, sleep_ms));
		kids[i] = pid;
	}
	/* a stop request to the parent goes on to the workers */
	while ((pid = wait(&st)) != 0) {
		if (pid == -1) {
			if (!stop)
				break;
			for (i = 0; i < workers; i++)
				kill(kids[i], SIGTERM);
			stop = 0;
			continue;
		}
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			bad = 1;
	}
	printf("fpu_stress: %s\n", bad ? "FAILED: this machine corrupts "
	    "registers or string results" : "no mismatch");
	return bad;
}

/*
 * crash.c: on SIGSEGV, SIGBUS, SIGILL, SIGFPE or SIGABRT write the signal,
 * the faulting address and a raw backtrace to stderr, then die of the same
 * signal.  The one handler in migrated that does more than set a flag: it
 * runs only when the process is already lost, uses only write(2) and
 * backtrace_symbols_fd(3) (no malloc, no stdio), and exists because a heap
 * corruption seen only in an emulated dom0 left nothing but "status 139".
 * The frames read "migrated(+0xOFFSET)": addr2line -fie migrated 0xOFFSET.
 */
#include <execinfo.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "crash.h"

static void
put(const char *s)
{
	ssize_t	r = write(STDERR_FILENO, s, strlen(s));

	(void)r;
}

static void
put_hex(uintptr_t v)
{
	char	b[2 + 2 * sizeof(v) + 1];
	int	i, n = 2 + 2 * (int)sizeof(v);

	b[0] = '0';
	b[1] = 'x';
	for (i = n - 1; i >= 2; i--, v >>= 4)
		b[i] = "0123456789abcdef"[v & 0xf];
	b[n] = '\0';
	put(b);
}

static void
on_fatal(int sig, siginfo_t *si, void *uc)
{
	void	*frames[64];
	int	 n;

	(void)uc;
	put("migrated: fatal signal ");
	put(sig == SIGSEGV ? "SIGSEGV" : sig == SIGBUS ? "SIGBUS" :
	    sig == SIGILL ? "SIGILL" : sig == SIGFPE ? "SIGFPE" : "SIGABRT");
	put(" at ");
	put_hex((uintptr_t)si->si_addr);
	put("; backtrace:\n");
	n = backtrace(frames, 64);
	backtrace_symbols_fd(frames, n, STDERR_FILENO);
	/* SA_RESETHAND restored the default action: die of it */
	raise(sig);
}

void
crash_report_init(void)
{
	static const int	 sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE,
				    SIGABRT };
	struct sigaction	 sa;
	void			*warm[1];
	size_t			 i;

#if defined(__SANITIZE_ADDRESS__)
	return;		/* ASan's own report is better */
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
	return;
#endif
#endif
	/* the first backtrace() loads libgcc_s (it allocates): do it now,
	 * while the heap is sound */
	(void)backtrace(warm, 1);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fatal;
	sa.sa_flags = SA_SIGINFO | SA_RESETHAND | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

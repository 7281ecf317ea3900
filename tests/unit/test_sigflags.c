/* test_sigflags.c: the flag-only signal handlers of both daemons
 * (common/sigflags.c): which flag each signal sets, SA_RESTART (a blocked
 * read is restarted, poll() still returns EINTR at once) and SIGPIPE
 * ignored. */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "sigflags.h"

static int
setup(void **state)
{
	(void)state;
	sig_quit = sig_reload = 0;
	return sigflags_install();
}

static void
test_flags(void **state)
{
	(void)state;
	assert_int_equal(raise(SIGHUP), 0);
	assert_int_equal(sig_reload, 1);
	assert_int_equal(sig_quit, 0);
	sig_reload = 0;
	assert_int_equal(raise(SIGTERM), 0);
	assert_int_equal(sig_quit, 1);
	assert_int_equal(sig_reload, 0);
	sig_quit = 0;
	assert_int_equal(raise(SIGINT), 0);
	assert_int_equal(sig_quit, 1);
	sig_quit = 0;
	/* ignored, not fatal */
	assert_int_equal(raise(SIGPIPE), 0);
	assert_int_equal(sig_quit, 0);
}

static void
test_actions(void **state)
{
	struct sigaction	sa;
	int			sigs[] = { SIGTERM, SIGINT, SIGHUP };
	size_t			i;

	(void)state;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		assert_int_equal(sigaction(sigs[i], NULL, &sa), 0);
		assert_true(sa.sa_handler != SIG_DFL && sa.sa_handler != SIG_IGN);
		assert_true(sa.sa_flags & SA_RESTART);
	}
	assert_int_equal(sigaction(SIGPIPE, NULL, &sa), 0);
	assert_true(sa.sa_handler == SIG_IGN);
}

static uint64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* A child: SIGHUP to the parent after 50 ms, then (wfd != -1) a byte
 * into wfd 100 ms later. */
static pid_t
poke(int wfd)
{
	pid_t	pid = fork();

	if (pid == 0) {
		usleep(50000);
		kill(getppid(), SIGHUP);
		if (wfd != -1) {
			usleep(100000);
			(void)!write(wfd, "x", 1);
		}
		_exit(0);
	}
	return pid;
}

/* The daemons' loops: a signal ends a blocked poll() at once (EINTR). */
static void
test_poll_eintr(void **state)
{
	uint64_t	t0;
	pid_t		pid;
	int		r;

	(void)state;
	t0 = now_ms();
	assert_true((pid = poke(-1)) > 0);
	r = poll(NULL, 0, 5000);
	assert_int_equal(r, -1);
	assert_int_equal(errno, EINTR);
	assert_int_equal(sig_reload, 1);
	assert_true(now_ms() - t0 < 2000);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	sig_reload = 0;
}

/* SA_RESTART: a blocking read (libxenstore's, a pipe's) goes on across
 * the signal instead of failing with EINTR. */
static void
test_read_restarted(void **state)
{
	int	p[2];
	char	c = 0;
	pid_t	pid;

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_true((pid = poke(p[1])) > 0);
	assert_int_equal(read(p[0], &c, 1), 1);
	assert_int_equal(c, 'x');
	assert_int_equal(sig_reload, 1);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	close(p[0]);
	close(p[1]);
	sig_reload = 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_flags, setup),
		cmocka_unit_test_setup(test_actions, setup),
		cmocka_unit_test_setup(test_poll_eintr, setup),
		cmocka_unit_test_setup(test_read_restarted, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

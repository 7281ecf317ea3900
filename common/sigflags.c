/* sigflags.c: see sigflags.h. */
#include <string.h>

#include "sigflags.h"

volatile sig_atomic_t	sig_quit;
volatile sig_atomic_t	sig_reload;

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		sig_reload = 1;
	else
		sig_quit = 1;
}

int
sigflags_install(void)
{
	struct sigaction	sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1 ||
	    sigaction(SIGHUP, &sa, NULL) == -1)
		return -1;
	sa.sa_handler = SIG_IGN;
	return sigaction(SIGPIPE, &sa, NULL);
}

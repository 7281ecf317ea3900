/*
 * sigflags.h: the signal handling both daemons share.  The handlers only
 * set flags; the daemon's poll loop reads and clears them (reload and
 * shutdown happen in the loop, never in a handler).
 */
#ifndef MIG_SIGFLAGS_H
#define MIG_SIGFLAGS_H

#include <signal.h>

extern volatile sig_atomic_t	sig_quit;	/* SIGTERM, SIGINT */
extern volatile sig_atomic_t	sig_reload;	/* SIGHUP */

/* Installs the handlers and ignores SIGPIPE.  SA_RESTART, as signal()
 * sets it: a blocked poll() or epoll_wait() still returns EINTR (they are
 * never restarted, signal(7)), other calls do not fail with it.  0, or -1
 * with errno. */
int	sigflags_install(void);

#endif

/*
 * log.h: the one logging API both daemons use (after OpenBSD bgpd's log.c).
 * Foreground (-d): stderr with a monotonic timestamp; otherwise syslog.
 * log_warn and fatal append strerror(errno).
 */
#ifndef MIG_LOG_H
#define MIG_LOG_H

#include <stdarg.h>

#define LOG_ATTR(f, a)	__attribute__((__format__(__printf__, f, a)))

void	log_init(int foreground, int verbose, const char *ident);
void	log_setverbose(int);
int	log_getverbose(void);
void	log_warn(const char *, ...) LOG_ATTR(1, 2);
void	log_warnx(const char *, ...) LOG_ATTR(1, 2);
void	log_info(const char *, ...) LOG_ATTR(1, 2);
void	log_debug(const char *, ...) LOG_ATTR(1, 2);
void	vlog(int pri, const char *, va_list) LOG_ATTR(2, 0);
__attribute__((__noreturn__)) void fatal(const char *, ...) LOG_ATTR(1, 2);
__attribute__((__noreturn__)) void fatalx(const char *, ...) LOG_ATTR(1, 2);

#endif

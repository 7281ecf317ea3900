/*
 * xtr_client.h: a small non-blocking HTTP/1.1 client over a unix socket,
 * for xtrd's API (docs/api.md), run from migrated's one poll loop.
 *
 * Requests are queued and sent one at a time in order, each on its own
 * connection ("Connection: close"), so a database/add always reaches xtrd
 * before the SMR queued after it.  When xtrd is down (connect fails, or
 * the connection drops before an answer) the request stays at the head of
 * the queue and is retried with exponential backoff (XTRC_BACKOFF_MIN_MS
 * doubling to XTRC_BACKOFF_MAX_MS); a request flagged XTRC_NORETRY (the
 * heartbeat) fails at once instead.  Never blocks.
 */
#ifndef MIG_XTR_CLIENT_H
#define MIG_XTR_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#define XTRC_NORETRY		0x1
#define XTRC_BACKOFF_MIN_MS	20
#define XTRC_BACKOFF_MAX_MS	2000
#define XTRC_MAX_QUEUE		4096
#define XTRC_MAX_RESPONSE	(4u << 20)
#define XTRC_IO_TIMEOUT_MS	3000

/*
 * Called once per request: status is the HTTP status, or -1 when the
 * request failed without an answer (XTRC_NORETRY requests only), or -2
 * when it was dropped (client freed).  body is NUL-terminated.
 */
typedef void (*xtrc_cb)(void *arg, int status, const char *body, size_t len);

struct xtrc;

struct xtrc	*xtrc_new(const char *sockpath);
void		 xtrc_free(struct xtrc *);
/* Queue a request; body may be NULL.  0, or -1 (queue full, ENOMEM). */
int		 xtrc_request(struct xtrc *, const char *method,
		    const char *path, const char *body, int flags,
		    xtrc_cb cb, void *arg);
/* The fd to poll and the events wanted, or -1 when idle. */
int		 xtrc_pollfd(struct xtrc *, short *events);
/* Handle readiness of that fd. */
void		 xtrc_io(struct xtrc *, short revents);
/* Start work whose time has come; returns ms until the next deadline or
 * -1.  Call every loop iteration. */
int		 xtrc_tick(struct xtrc *, uint64_t now_ms);
/* CLOCK_MONOTONIC µs at which the request being answered was written
 * whole (inside its callback; 0 if it never was). */
uint64_t	 xtrc_sent_us(const struct xtrc *);
/* 1 after an answer, 0 after a transport failure. */
int		 xtrc_up(const struct xtrc *);
size_t		 xtrc_queued(const struct xtrc *);
/* How long a request may take before it fails (XTRC_IO_TIMEOUT_MS unless
 * set): longer for a client whose requests xtrd holds (?wait=). */
void		 xtrc_set_io_timeout(struct xtrc *, unsigned ms);

#endif

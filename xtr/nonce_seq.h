/* nonce_seq.h: the increasing nonce of every Map-Register and every
 * Map-Notify the Map-Server starts (RFC 9301 §5.6), nonce_seq.c. */
#ifndef XTR_NONCE_SEQ_H
#define XTR_NONCE_SEQ_H

#include <stdint.h>

/* state_dir "" keeps no floor (the clock alone); else state_dir/nonce,
 * the directory made if missing.  0, or -1 (logged). */
int		nonce_seq_init(const char *state_dir);
/* Greater than any nonce handed out before, in this process or an earlier
 * one. */
uint64_t	nonce_seq_next(void);

#endif

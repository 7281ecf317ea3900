/* nonce_seq.h: the increasing nonce of every Map-Register and every
 * Map-Notify the Map-Server starts (RFC 9301 §5.6), nonce_seq.c. */
#ifndef XTR_NONCE_SEQ_H
#define XTR_NONCE_SEQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xtr/config.h"

/* The sequence, struct xtrd's nseq. */
struct nonce_seq {
	uint64_t	last;		/* the last nonce handed out */
	uint64_t	floor_at;	/* the floor on disk: nonces < it are
					 * ours */
	bool		persist;	/* a floor is kept (state_dir) */
	uint64_t	warned_ms;	/* the floor could not be written */
	char		path[XC_PATH_MAX + 16];
};

/* state_dir "" keeps no floor (the clock alone); else state_dir/nonce,
 * the directory made if missing.  0, or -1 (logged). */
int		nonce_seq_init(struct nonce_seq *, const char *state_dir);
/* Greater than any nonce handed out before, in this process or an earlier
 * one. */
uint64_t	nonce_seq_next(struct nonce_seq *);

/* A floor file of state_dir ("floor HEX\n"): written durably (temporary
 * file, fsync, rename), read back (0 when missing or malformed, logged);
 * the parse alone, 0 or -1 (fuzz_nonce_floor). */
int		state_floor_write(const char *path, uint64_t);
uint64_t	state_floor_read(const char *path);
int		state_floor_parse(const char *buf, size_t n, uint64_t *);

/* Our 16-byte xTR-ID, kept in state_dir/xtr-id (drawn and written the
 * first time): 0, or -1 (then draw one for this run). */
int		state_xtr_id(const char *state_dir, uint8_t *id);
int		state_xtr_id_parse(const char *buf, size_t n, uint8_t *id);

#endif

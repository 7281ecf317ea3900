/* ms_journal.h: the Map-Server's journal (ms_journal.c). */
#ifndef XTR_MS_JOURNAL_H
#define XTR_MS_JOURNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "addr.h"
#include "xtr/config.h"
#include "lisp.h"

struct xtrd;
struct ms_reg;

/* One journal line, parsed. */
struct msj_line {
	char			kind;		/* 'N', 'R', 'W' */
	char			site[XC_MAX_NAME];
	uint8_t			key_id;
	uint8_t			xtr_id[LISP_XTR_ID_LEN];
	uint64_t		nonce;
	uint64_t		site_id;
	bool			proxy_reply, merge, released;
	struct ipaddr		from;
	uint16_t		port;
	uint64_t		expires_wall_ms;
	uint32_t		iid;		/* eid's Instance-ID */
	struct ipprefix		eid;
	struct lisp_record	rec;
};

/* 0 parsed, 1 blank or comment, -1 malformed (line is cut up). */
int	msj_parse_line(char *line, struct msj_line *);

/* Read state_dir/ms.journal into the Map-Server, then append to it. */
int	msj_open(struct xtrd *);
void	msj_close(struct xtrd *);
int	msj_compact(struct xtrd *);
void	msj_nonce(struct xtrd *, int site, uint8_t key_id, const uint8_t *id,
	    uint64_t nonce);
void	msj_reg(struct xtrd *, const struct ms_reg *);
void	msj_unreg(struct xtrd *, const uint8_t *id, uint32_t iid,
	    const struct ipprefix *);
void	msj_fmt_nonce(FILE *, const char *site, uint8_t key_id,
	    const uint8_t *id, uint64_t nonce);
void	msj_fmt_reg(FILE *, struct xtrd *, const struct ms_reg *);

/* ms_register.c: what the journal restores and dumps. */
void	ms_restore_nonce(struct xtrd *, const struct msj_line *);
void	ms_restore_unreg(struct xtrd *, const struct msj_line *);
/* 1 restored, 0 skipped (site gone, not allowed, capped, no memory) */
int	ms_restore_reg(struct xtrd *, const struct msj_line *,
	    uint64_t remaining_ms);
void	ms_journal_dump(struct xtrd *, FILE *);

#endif

/*
 * ms_notify.c: the Map-Notifies the Map-Server starts (RFC 9301 §5.7):
 * a mobility notification to the xTR that held an EID
 * (draft-ietf-lisp-eid-mobility, ms_register.c) or a publication (RFC
 * 9437, pubsub.c), signed with the site's key and retransmitted until the
 * authenticated Map-Notify-Ack with its nonce comes back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mono.h"
#include "xtr/ms/ms_int.h"
#include "xtr/xtrd.h"
#include "xtr/ms/ms.h"

#define NOTIFY_TRIES	3
#define NOTIFY_RETRY_MS	1000

/* An MS-initiated Map-Notify waiting for its Ack. */
struct notify_tx {
	struct notify_tx	*next;
	struct xtrd		*x;
	int			 site;
	struct lisp_record	 rec;
	struct ipaddr		 to;
	uint16_t		 port;
	uint64_t		 nonce;
	uint8_t			 xtr_id[LISP_XTR_ID_LEN];
	bool			 has_xtr_id;
	const char		*what;	/* timeline name: "mobility-notify" */
	unsigned		 tries;
	struct timer		 t;
};

/* --- Map-Notify ---------------------------------------------------------- */

int
ms_send_notify(struct xtrd *x, int site, const struct lisp_record *rec,
    const struct ipaddr *to, uint16_t port, uint64_t nonce,
    const uint8_t *xtr_id)
{
	struct lisp_map_register	*n = &x->ms->scratch.notify;
	uint8_t				*buf = x->ms->scratch.notify_buf;
	const struct xc_key		*k = &x->conf->site[site].key;
	ssize_t				 len;

	memset(n, 0, sizeof(*n));
	n->type = LISP_MAP_NOTIFY;	/* RFC 9301 §5.7 */
	n->nonce = nonce;
	n->key_id = k->key_id;
	n->alg_id = k->alg;
	if (xtr_id != NULL) {
		n->xtr_id_present = true;
		memcpy(n->xtr_id, xtr_id, LISP_XTR_ID_LEN);
	}
	n->nrec = 1;
	n->rec[0] = *rec;
	len = lisp_encode_map_register_key(n, ms_site_key(x, site), buf,
	    sizeof(x->ms->scratch.notify_buf));
	if (len < 0 || xtr_send(x, to, port, buf, (size_t)len) == -1)
		return -1;
	cnt_inc(C_tx_map_notify);
	return 0;
}

static void
notify_unlink(struct notify_tx *n)
{
	struct notify_tx	**pp;

	for (pp = &n->x->ms->notifies; *pp != NULL; pp = &(*pp)->next)
		if (*pp == n) {
			*pp = n->next;
			break;
		}
	timer_cancel(&n->x->timers, &n->t);
	free(n);
}

static void
notify_timer(void *arg)
{
	struct notify_tx	*n = arg;
	struct xtrd		*x = n->x;

	if (n->tries >= NOTIFY_TRIES) {
		struct ipprefix	p;

		p.addr = n->rec.eid.ip;
		p.plen = n->rec.eid_plen;
		char		ev[40];

		snprintf(ev, sizeof(ev), "%s-unacked", n->what);
		tl_add(ev, &p, &n->to, "after %u tries", n->tries);
		notify_unlink(n);
		return;
	}
	n->tries++;
	ms_send_notify(x, n->site, &n->rec, &n->to, n->port, n->nonce,
	    n->has_xtr_id ? n->xtr_id : NULL);
	timer_set(&x->timers, &n->t, mono_ms() + NOTIFY_RETRY_MS * n->tries);
}

/* An MS-initiated Map-Notify (mobility, pub/sub), retransmitted until the
 * authenticated Map-Notify-Ack with its nonce comes back (RFC 9301 §5.7). */
void
ms_notify_reliable(struct xtrd *x, int site, const struct lisp_record *rec,
    const struct ipaddr *to, uint16_t port, const uint8_t *xtr_id,
    uint64_t nonce, const char *what)
{
	struct notify_tx	*n;

	if ((n = calloc(1, sizeof(*n))) == NULL)
		return;
	n->x = x;
	n->site = site;
	n->rec = *rec;
	n->to = *to;
	n->port = port;
	/* pub/sub gives its own (RFC 9437 §5, §6); else increasing, so
	 * that the xTR can tell a replay (etr_register.c) */
	n->nonce = nonce != 0 ? nonce : nonce_seq_next(&x->nseq);
	n->what = what;
	if (xtr_id != NULL) {
		memcpy(n->xtr_id, xtr_id, LISP_XTR_ID_LEN);
		n->has_xtr_id = true;
	}
	timer_init(&n->t, notify_timer, n);
	n->next = x->ms->notifies;
	x->ms->notifies = n;
	notify_timer(n);
}

void
ms_rx_map_notify_ack(struct xtrd *x, const uint8_t *buf, size_t len,
    const struct ipaddr *src)
{
	struct lisp_map_register	*a = &x->ms->scratch.ack;
	struct notify_tx		*n;
	enum lisp_err			 why = LERR_OK;
	char				 s[IPADDR_STRLEN];

	ipaddr_fmt(src, s, sizeof(s));
	if (lisp_decode_map_register(buf, len, a, &why) == -1) {
		cnt_drop_lerr(why, "Map-Notify-Ack from %s", s);
		return;
	}
	for (n = x->ms->notifies; n != NULL; n = n->next) {
		struct lisp_auth_key *k;

		if (n->nonce != a->nonce || ipaddr_cmp(&n->to, src) != 0)
			continue;
		if ((k = ms_site_key(x, n->site)) == NULL ||
		    a->alg_id != k->alg ||
		    a->key_id != x->conf->site[n->site].key.key_id ||
		    lisp_auth_verify_key(k, buf, len, a->auth_off,
		    a->auth_len) != 0) {
			cnt_drop(C_drop_auth_fail, "Map-Notify-Ack from %s", s);
			return;
		}
		tl_add("notify-acked", NULL, src, "%s", n->what);
		notify_unlink(n);
		return;
	}
	cnt_drop(C_drop_unsolicited_notify, "Map-Notify-Ack from %s matches "
	    "no Map-Notify", s);
}

void
ms_notify_free(struct xtrd *x)
{
	struct notify_tx	*n;

	while ((n = x->ms->notifies) != NULL) {
		x->ms->notifies = n->next;
		timer_cancel(&x->timers, &n->t);
		free(n);
	}
}

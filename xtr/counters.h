/*
 * counters.h: one named counter per event and per drop reason, shown by
 * GET /v1/counters.  cnt_drop() is the single DROP path of the daemon: it
 * counts and logs one line, at most one line per second per reason (the
 * rest are counted as suppressed and summarised in the next line).
 */
#ifndef XTR_COUNTERS_H
#define XTR_COUNTERS_H

#include <stddef.h>
#include <stdint.h>

#include "lisp.h"
#include "log.h"

#define XTR_COUNTERS(X)						\
	X(rx_packets)						\
	X(rx_map_request)					\
	X(rx_map_reply)						\
	X(rx_map_register)					\
	X(rx_map_notify)					\
	X(rx_map_notify_ack)					\
	X(rx_ecm)						\
	X(rx_smr)						\
	X(tx_map_request)					\
	X(tx_map_reply)						\
	X(tx_negative_reply)					\
	X(tx_map_register)					\
	X(tx_map_notify)					\
	X(tx_map_notify_ack)					\
	X(tx_smr)						\
	X(tx_smr_ratelimited)					\
	X(tx_ecm_forward)					\
	X(tx_error)						\
	X(register_retransmit)					\
	X(register_acked)					\
	X(register_gave_up)					\
	X(map_request_retransmit)				\
	X(map_request_timeout)					\
	X(map_reply_accepted)					\
	X(lispsec_verified)					\
	X(lispsec_unprotected)					\
	X(lispsec_downgraded)					\
	X(lispsec_signed)					\
	X(map_reply_narrowed)					\
	X(map_reply_ttl_capped)					\
	X(rloc_probe_sent)					\
	X(rloc_probe_reply)					\
	X(rloc_probe_timeout)					\
	X(lsb_confirmed)					\
	X(lsb_refuted)						\
	X(drop_rloc_probe_full)					\
	X(ms_registered)					\
	X(ms_withdrawn)						\
	X(ms_expired)						\
	X(ms_mobility_notify)					\
	X(ms_pubsub_notify)					\
	X(smr_invoked_request)					\
	X(etr_moved_notify)					\
	X(dup_map_notify)					\
	X(drop_unknown_type)					\
	X(drop_role)						\
	X(drop_auth_fail)					\
	X(drop_unknown_site)					\
	X(drop_eid_not_allowed)					\
	X(drop_mixed_sites)					\
	X(drop_unsolicited_reply)				\
	X(drop_unsolicited_notify)				\
	X(drop_notify_auth_fail)				\
	X(drop_smr_ratelimited)					\
	X(drop_smr_flood)					\
	X(drop_smr_not_cached)					\
	X(drop_smr_src_limited)					\
	X(drop_map_request_ratelimited)				\
	X(drop_pending_evicted)					\
	X(drop_not_my_eid)					\
	X(drop_dont_map_reply)					\
	X(drop_reply_self)					\
	X(etr_reply_away)					\
	X(withdraw_skipped)					\
	X(drop_probe_to_ms)					\
	X(drop_map_reply_ratelimited)				\
	X(drop_auth_key_id)					\
	X(drop_pubsub_auth)					\
	X(drop_map_request_backoff)				\
	X(map_request_deferred)					\
	X(drop_pubsub_replay)					\
	X(ms_pubsub_ack)					\
	X(ms_pubsub_unsubscribed)				\
	X(ms_pubsub_expired)					\
	X(tx_pubsub_unsubscribe)				\
	X(pubsub_unsubscribe_acked)				\
	X(drop_reply_eid_mismatch)				\
	X(drop_no_itr_rloc)					\
	X(drop_ecm_inner)					\
	X(drop_table_full)					\
	/* issue 15: Map-Server and registration guards */	\
	X(drop_register_replay)					\
	X(drop_stale_notify)					\
	X(drop_move_unauthorized)				\
	X(drop_reg_cap_global)					\
	X(drop_reg_cap_site)					\
	X(drop_reg_cap_more_specifics)				\
	X(drop_covers_other_site)				\
	X(ms_move_released)					\
	X(ms_move_consented)					\
	X(ms_journal_restored)					\
	X(ms_journal_error)					\
	X(api_requests)						\
	X(drop_api_auth)					\
	X(api_bad_request)					\
	X(api_not_found)

enum cnt {
#define CNT_ENUM(n) C_##n,
	XTR_COUNTERS(CNT_ENUM)
#undef CNT_ENUM
	C__COUNT
};

void		 cnt_inc(enum cnt);
uint64_t	 cnt_get(enum cnt);
const char	*cnt_name(enum cnt);
/* A decoder's reason: counter "drop_<lisp_err_name>". */
void		 cnt_inc_lerr(enum lisp_err);
const char	*cnt_lerr_name(enum lisp_err, char *, size_t);
uint64_t	 cnt_get_lerr(enum lisp_err);
/* Count c and log one line (rate-limited per counter). */
void		 cnt_drop(enum cnt c, const char *fmt, ...) LOG_ATTR(2, 3);
void		 cnt_drop_lerr(enum lisp_err, const char *fmt, ...)
		    LOG_ATTR(2, 3);
void		 cnt_reset(void);

#endif

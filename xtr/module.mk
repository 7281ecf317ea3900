# xtr/: the xTR's data structures and daemon.
# lpm + map-cache (map-cache engineer's lines; edit only these):
LIBS += xtrcore
xtrcore_SRCS := xtr/lpm.c xtr/map_cache.c

UNIT_TESTS += test_lpm test_map_cache
test_lpm_SRCS := tests/unit/test_lpm.c xtr/lpm.c common/addr.c
test_lpm_PKGS := cmocka
test_map_cache_SRCS := tests/unit/test_map_cache.c xtr/map_cache.c xtr/lpm.c \
	common/addr.c
test_map_cache_PKGS := cmocka
# end of lpm + map-cache lines

# xtrd + xtrctl (xtrd engineer's lines)
xtrcore_SRCS += xtr/config.c xtr/config_spec.c xtr/timer.c xtr/ratelim.c xtr/counters.c \
	xtr/timeline.c xtr/ms/ms_sites.c xtr/ms/ms_rules.c xtr/cp/mreq_sched.c

SBIN_PROGS += xtrd
xtrd_SRCS := xtr/xtrd.c xtr/xtr_net.c xtr/cp/etr_register.c xtr/cp/etr_move.c \
	xtr/cp/etr_reply.c xtr/cp/itr_resolve.c xtr/cp/itr_subscribe.c \
	xtr/cp/cp_upcalls.c xtr/cp/smr.c xtr/ms/ms_register.c xtr/ms/ms_notify.c \
	xtr/ms/ms_index.c xtr/ms/mr_resolve.c xtr/ms/pubsub.c xtr/api/api.c \
	xtr/api/api_json.c xtr/api/api_lig.c xtr/api/api_timeline.c \
	xtr/cp/lispsec_cp.c xtr/ms/lispsec_ms.c xtr/cp/rloc_probe.c \
	xtr/nonce_seq.c xtr/ms/ms_journal.c xtr/ms/ms_journal_parse.c \
	xtr/ms/ms_guard.c xtr/ms/ms_consent.c xtr/privdrop.c \
	xtr/xtrd_state.c xtr/xtrd_state_parse.c
xtrd_LIBS := xtrcore lisp ctlapi common
xtrd_PKGS := libcrypto libmicrohttpd json-c

BIN_PROGS += xtrctl
xtrctl_SRCS := xtr/ctl/xtrctl.c
xtrctl_LIBS := ctlclient common
xtrctl_PKGS := libcurl json-c

# data plane (data-plane engineer's lines; xtr/dp_*)
xtrcore_SRCS += xtr/dp_conf.c
xtrd_SRCS += xtr/dp/dp.c xtr/dp/dp_tun.c xtr/dp/dp_pkt.c xtr/dp/dp_encap.c \
	xtr/dp/dp_decap.c xtr/dp/dp_queue.c xtr/dp/dp_away.c xtr/dp/dp_hold.c xtr/dp/dp_pmtu.c \
	xtr/dp/dp_routes.c xtr/dp/dp_proxy.c xtr/dp/dp_gso.c \
	xtr/dp/dp_gro.c
xtrd_PKGS += libmnl
FUZZ_TARGETS += fuzz_dp_pkt
fuzz_dp_pkt_SRCS := tests/fuzz/fuzz_dp_pkt.c xtr/dp/dp_pkt.c common/addr.c
FUZZ_TARGETS += fuzz_dp_gso
fuzz_dp_gso_SRCS := tests/fuzz/fuzz_dp_gso.c xtr/dp/dp_gso.c xtr/dp/dp_gro.c \
	common/csum.c \
	xtr/dp/dp_pkt.c common/addr.c

# xtrd unit tests and fuzz harness (xtrd engineer's lines)
XTR_CONF_SRCS := xtr/config.c xtr/config_spec.c xtr/dp_conf.c common/cfgline.c \
	common/cfgkey.c common/log.c \
	common/mac.c \
	common/addr.c
UNIT_TESTS += test_xtr_config test_xtr_ms test_xtr_timer test_xtr_ratelim
test_xtr_config_SRCS := tests/unit/test_xtr_config.c $(XTR_CONF_SRCS)
test_xtr_config_PKGS := cmocka
test_xtr_ms_SRCS := tests/unit/test_xtr_ms.c xtr/ms/ms_sites.c xtr/ms/ms_rules.c \
	xtr/ms/ms_index.c xtr/ms/ms_journal_parse.c $(XTR_CONF_SRCS)
test_xtr_ms_LIBS := lisp common
test_xtr_ms_PKGS := cmocka
test_xtr_timer_SRCS := tests/unit/test_xtr_timer.c xtr/timer.c
test_xtr_timer_PKGS := cmocka
test_xtr_ratelim_SRCS := tests/unit/test_xtr_ratelim.c xtr/ratelim.c \
	common/addr.c
test_xtr_ratelim_PKGS := cmocka
UNIT_TESTS += test_xtr_mreq_sched
test_xtr_mreq_sched_SRCS := tests/unit/test_xtr_mreq_sched.c xtr/cp/mreq_sched.c
test_xtr_mreq_sched_PKGS := cmocka
UNIT_TESTS += test_xtr_rlocs
test_xtr_rlocs_SRCS := tests/unit/test_xtr_rlocs.c xtr/map_cache.c xtr/lpm.c \
	common/addr.c
test_xtr_rlocs_PKGS := cmocka
UNIT_TESTS += test_xtr_smr
test_xtr_smr_SRCS := tests/unit/test_xtr_smr.c xtr/cp/smr.c xtr/map_cache.c \
	xtr/lpm.c xtr/ratelim.c common/addr.c
test_xtr_smr_PKGS := cmocka

FUZZ_TARGETS += fuzz_xtr_config
fuzz_xtr_config_SRCS := tests/fuzz/fuzz_xtr_config.c $(XTR_CONF_SRCS)

# Map-Server registration rate vs HMAC alone (xtrd engineer's lines)
NOINST_PROGS += ms_register_bench
ms_register_bench_SRCS := bench/ms_register_bench.c xtr/ms/ms_register.c \
	xtr/ms/ms_notify.c \
	xtr/ms/ms_index.c \
	xtr/ms/pubsub.c xtr/nonce_seq.c \
	xtr/ms/ms_journal.c xtr/ms/ms_journal_parse.c xtr/ms/ms_guard.c \
	xtr/ms/ms_consent.c
ms_register_bench_LIBS := xtrcore lisp common
ms_register_bench_PKGS := libcrypto

# API request bodies (xtrd engineer's lines)
FUZZ_TARGETS += fuzz_xtr_api
fuzz_xtr_api_SRCS := tests/fuzz/fuzz_xtr_api.c xtr/api/api_json.c common/api_http.c \
	xtr/counters.c common/droplog.c common/log.c common/mono.c common/addr.c lisp/err.c
fuzz_xtr_api_PKGS := json-c libmicrohttpd

# POST /v1/map-cache/prefetch's list of EIDs (xtrd engineer's lines)
UNIT_TESTS += test_xtr_api_json
test_xtr_api_json_SRCS := tests/unit/test_xtr_api_json.c xtr/api/api_json.c \
	common/api_http.c xtr/counters.c common/droplog.c common/log.c common/mono.c \
	common/addr.c lisp/err.c
test_xtr_api_json_PKGS := cmocka json-c libmicrohttpd

# issue 15: the ITR's record scope (dpguard's lines)
xtrd_SRCS += xtr/cp/itr_scope.c
UNIT_TESTS += test_xtr_itr_scope
test_xtr_itr_scope_SRCS := tests/unit/test_xtr_itr_scope.c xtr/cp/itr_scope.c \
	common/addr.c
test_xtr_itr_scope_PKGS := cmocka

# Map-Server journal lines (issue 15 finding 8; msguard's lines)
FUZZ_TARGETS += fuzz_ms_journal
fuzz_ms_journal_SRCS := tests/fuzz/fuzz_ms_journal.c xtr/ms/ms_journal_parse.c \
	common/addr.c
FUZZ_TARGETS += fuzz_nonce_floor
fuzz_nonce_floor_SRCS := tests/fuzz/fuzz_nonce_floor.c xtr/nonce_seq.c \
	common/log.c common/mono.c

# xtrd.state (issue 16, finding 8)
FUZZ_TARGETS += fuzz_xtrd_state
fuzz_xtrd_state_SRCS := tests/fuzz/fuzz_xtrd_state.c xtr/xtrd_state_parse.c \
	common/addr.c

# issue 18: the hold's EID index (hold18's lines)
xtrd_SRCS += xtr/dp/dp_hold_ix.c
UNIT_TESTS += test_xtr_hold_ix
test_xtr_hold_ix_SRCS := tests/unit/test_xtr_hold_ix.c xtr/dp/dp_hold_ix.c \
	common/addr.c
test_xtr_hold_ix_PKGS := cmocka

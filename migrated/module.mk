# migrated/: the Dom0 daemon that turns Xen events into LISP mapping changes
# (migrated) and its CLI (migratectl).
MIGRATED_CORE := migrated/announce.c migrated/config.c migrated/eid_policy.c \
	migrated/domains.c migrated/timeline.c migrated/counters.c

SBIN_PROGS += migrated
migrated_SRCS := migrated/migrated.c migrated/crash.c migrated/xs_watch.c migrated/capture.c \
	migrated/xtr_client.c migrated/lifecycle.c migrated/arrival.c \
	migrated/departure.c migrated/claim.c migrated/jobs.c \
	migrated/xtrd_events.c migrated/xtrd_health.c \
	migrated/api.c migrated/api_parse.c \
	migrated/json_out.c migrated/dyn_state.c migrated/dyn_check.c \
	migrated/privdrop.c \
	migrated/hv.c migrated/hv_xenstore.c migrated/hv_libxl.c $(MIGRATED_CORE)
migrated_LIBS := ctlapi common
migrated_PKGS := xenstore libpcap json-c libmicrohttpd xenlight xentoollog

BIN_PROGS += migratectl
migratectl_SRCS := migrated/migratectl.c
migratectl_LIBS := ctlclient common
migratectl_PKGS := libcurl json-c

UNIT_TESTS += test_migrated_announce test_migrated_policy \
	test_migrated_domains test_migrated_config test_migrated_xtr_client \
	test_migrated_api
test_migrated_announce_SRCS := tests/unit/test_migrated_announce.c \
	migrated/announce.c common/cursor.c common/addr.c common/csum.c common/mac.c
test_migrated_announce_PKGS := cmocka
test_migrated_policy_SRCS := tests/unit/test_migrated_policy.c \
	migrated/eid_policy.c migrated/config.c common/cfgline.c common/cfgkey.c \
	common/addr.c \
	common/log.c
test_migrated_policy_PKGS := cmocka
test_migrated_domains_SRCS := tests/unit/test_migrated_domains.c \
	migrated/domains.c migrated/timeline.c common/addr.c common/log.c
test_migrated_domains_PKGS := cmocka
test_migrated_config_SRCS := tests/unit/test_migrated_config.c \
	migrated/config.c common/cfgline.c common/cfgkey.c common/addr.c \
	common/log.c
test_migrated_config_PKGS := cmocka
test_migrated_xtr_client_SRCS := tests/unit/test_migrated_xtr_client.c \
	migrated/xtr_client.c common/log.c common/mono.c
test_migrated_xtr_client_PKGS := cmocka
test_migrated_api_SRCS := tests/unit/test_migrated_api.c migrated/api_parse.c \
	migrated/announce.c common/cursor.c common/addr.c common/csum.c common/mac.c common/api_http.c
test_migrated_api_PKGS := cmocka json-c libmicrohttpd

FUZZ_TARGETS += fuzz_migrated_announce fuzz_migrated_config fuzz_migrated_api
fuzz_migrated_announce_SRCS := tests/fuzz/fuzz_migrated_announce.c \
	migrated/announce.c common/cursor.c common/addr.c common/csum.c common/mac.c
fuzz_migrated_api_SRCS := tests/fuzz/fuzz_migrated_api.c migrated/api_parse.c \
	migrated/announce.c common/cursor.c common/addr.c common/csum.c common/mac.c common/api_http.c
fuzz_migrated_api_PKGS := json-c libmicrohttpd
fuzz_migrated_config_SRCS := tests/fuzz/fuzz_migrated_config.c \
	migrated/config.c common/cfgline.c common/cfgkey.c common/addr.c \
	common/log.c

# A sender of gratuitous ARPs, RARPs and neighbour advertisements for the
# integration tests and bench/detect_latency.sh.
NOINST_PROGS += garp_send
garp_send_SRCS := tests/tools/garp_send.c

# libxl mode without Xen (tests/integ/migrated_libxl.sh): preloaded next to
# tests/lib's xs_shim.so.  Listed before the rule so it never becomes the
# default goal.
all: $(B)/lib/mig_flask_shim.so

$(B)/lib/mig_flask_shim.so: tests/tools/mig_flask_shim.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(filter-out -fsanitize% -fno-sanitize%,$(ALL_CFLAGS)) \
		-fPIC -shared -o $@ $<

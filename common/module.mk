# common/: code both daemons share (logging, cursor, addresses, config lines,
# monotonic time).  Linked as build/libcommon.a.
LIBS += common
common_SRCS := common/cursor.c common/log.c common/mono.c common/addr.c \
	common/cfgline.c common/sigflags.c common/udpbatch.c \
	common/csum.c common/mac.c common/droplog.c common/udpsock.c \
	common/privdrop.c common/cfgkey.c

UNIT_TESTS += test_cursor test_addr test_cfgline
test_cursor_SRCS := tests/unit/test_cursor.c common/cursor.c
test_cursor_PKGS := cmocka
test_addr_SRCS := tests/unit/test_addr.c common/addr.c
test_addr_PKGS := cmocka
test_cfgline_SRCS := tests/unit/test_cfgline.c common/cfgline.c common/log.c
test_cfgline_PKGS := cmocka
UNIT_TESTS += test_sigflags
test_sigflags_SRCS := tests/unit/test_sigflags.c common/sigflags.c
test_sigflags_PKGS := cmocka

FUZZ_TARGETS += fuzz_cfgline
fuzz_cfgline_SRCS := tests/fuzz/fuzz_cfgline.c common/cfgline.c common/log.c common/addr.c

# The key table under xtrd.conf, its data-plane keys and migrated.conf.
UNIT_TESTS += test_cfgkey
test_cfgkey_SRCS := tests/unit/test_cfgkey.c common/cfgkey.c common/cfgline.c \
	common/addr.c common/log.c
test_cfgkey_PKGS := cmocka
# Every key of xtrd.conf's and migrated.conf's tables is in its man page.
UNIT_TESTS += test_config_man
test_config_man_SRCS := tests/unit/test_config_man.c xtr/config.c \
	xtr/config_spec.c xtr/dp_conf.c migrated/config.c common/cfgkey.c \
	common/cfgline.c common/log.c common/mac.c common/addr.c
test_config_man_PKGS := cmocka
FUZZ_TARGETS += fuzz_cfgkey
fuzz_cfgkey_SRCS := tests/fuzz/fuzz_cfgkey.c common/cfgkey.c common/cfgline.c \
	common/addr.c common/log.c

# The control APIs' HTTP/JSON server glue (xtrd, migrated): json-c and
# libmicrohttpd, so in a library of its own that only the daemons link.
LIBS += ctlapi
ctlapi_SRCS := common/api_http.c

# The control APIs' client side (xtrctl, migratectl): libcurl and json-c.
LIBS += ctlclient
ctlclient_SRCS := common/ctl_client.c

UNIT_TESTS += test_common_api_http test_common_ctl_client
test_common_api_http_SRCS := tests/unit/test_common_api_http.c common/api_http.c
test_common_api_http_PKGS := cmocka json-c libmicrohttpd
test_common_ctl_client_SRCS := tests/unit/test_common_ctl_client.c \
	common/ctl_client.c
test_common_ctl_client_PKGS := cmocka json-c libcurl

UNIT_TESTS += test_csum
test_csum_SRCS := tests/unit/test_csum.c common/csum.c
test_csum_PKGS := cmocka

UNIT_TESTS += test_mac
test_mac_SRCS := tests/unit/test_mac.c common/mac.c
test_mac_PKGS := cmocka

UNIT_TESTS += test_droplog
test_droplog_SRCS := tests/unit/test_droplog.c common/droplog.c common/log.c
test_droplog_PKGS := cmocka

UNIT_TESTS += test_udpsock
test_udpsock_SRCS := tests/unit/test_udpsock.c common/udpsock.c common/addr.c
test_udpsock_PKGS := cmocka

# The privilege drop of both daemons (issue 16, finding 5).
UNIT_TESTS += test_privdrop
test_privdrop_SRCS := tests/unit/test_privdrop.c common/privdrop.c
test_privdrop_PKGS := cmocka

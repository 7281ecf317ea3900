# common/: code both daemons share (logging, cursor, addresses, config lines,
# monotonic time).  Linked as build/libcommon.a.
LIBS += common
common_SRCS := common/cursor.c common/log.c common/mono.c common/addr.c \
	common/cfgline.c

UNIT_TESTS += test_cursor test_addr test_cfgline
test_cursor_SRCS := tests/unit/test_cursor.c common/cursor.c
test_cursor_PKGS := cmocka
test_addr_SRCS := tests/unit/test_addr.c common/addr.c
test_addr_PKGS := cmocka
test_cfgline_SRCS := tests/unit/test_cfgline.c common/cfgline.c common/log.c
test_cfgline_PKGS := cmocka

FUZZ_TARGETS += fuzz_cfgline
fuzz_cfgline_SRCS := tests/fuzz/fuzz_cfgline.c common/cfgline.c common/log.c common/addr.c

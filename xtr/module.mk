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

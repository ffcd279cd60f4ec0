UNIT_TESTS += hvcfg
hvcfg_SRCS := tests/unit/test_hvcfg.c kernel/lib/hvcfg.c

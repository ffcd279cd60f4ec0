UNIT_TESTS += hvcfg_net
hvcfg_net_SRCS := tests/unit/test_hvcfg_net.c kernel/lib/hvcfg.c

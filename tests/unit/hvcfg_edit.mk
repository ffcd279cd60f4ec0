UNIT_TESTS += hvcfg_edit
hvcfg_edit_SRCS := tests/unit/test_hvcfg_edit.c kernel/lib/hvcfg_edit.c kernel/lib/hvcfg.c

UNIT_TESTS += fat_rw
fat_rw_SRCS := tests/unit/test_fat_rw.c $(wildcard kernel/fs/fat_*.c)

UNIT_TESTS += fat_powercut
fat_powercut_SRCS := tests/unit/test_fat_powercut.c $(wildcard kernel/fs/fat_*.c)

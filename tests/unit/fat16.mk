UNIT_TESTS += fat16
fat16_SRCS := tests/unit/test_fat16.c x86/bl/fat16.c x86/bl/crc32.c

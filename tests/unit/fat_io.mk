# Positional I/O on FAT files (kernel/fs/fat_io.c), the VM disk image path:
# mkfs.fat volumes with 512 B and 4 KiB sectors, checked with mtools/fsck.fat.
UNIT_TESTS += fat_io
fat_io_SRCS := tests/unit/test_fat_io.c $(wildcard kernel/fs/fat_*.c)
fat_io_CFLAGS := -Wno-unused-function   # test_fat_util.h helpers this test does not use

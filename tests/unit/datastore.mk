# The datastore layer (open files, one writer per file, the lock with
# interrupts off) over the real FAT code and an mkfs.fat volume; the disk
# registry, heap and console are stubbed in the test, the CPU (interrupt
# flag, CPU index) by tests/unit/ds_stub, found first through -iquote.
UNIT_TESTS += datastore
datastore_SRCS := tests/unit/test_datastore.c kernel/fs/datastore.c kernel/fs/ds_file.c \
                  kernel/fs/ds_cache.c $(wildcard kernel/fs/fat_*.c)
datastore_CFLAGS := -iquote tests/unit/ds_stub -pthread -Wno-unused-function

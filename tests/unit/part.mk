# Partition tables (kernel/dev/part.c) and ATA IDENTIFY decoding (kernel/dev/ata_id.c).
UNIT_TESTS += part
part_SRCS := tests/unit/test_part.c kernel/dev/part.c kernel/dev/ata_id.c

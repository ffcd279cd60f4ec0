UNIT_TESTS += acpi
acpi_SRCS := tests/unit/test_acpi.c kernel/dev/acpi_tables.c

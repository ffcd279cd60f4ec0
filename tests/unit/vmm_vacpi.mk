# The guest's ACPI tables (vbios/vacpi.c), read back by hv's own ACPI parser,
# and the PM1 block model they describe (vmm/dev/acpi_pm.c).
UNIT_TESTS += vmm_vacpi
vmm_vacpi_SRCS := tests/unit/test_vmm_vacpi.c kernel/vmm/vbios/vacpi.c kernel/dev/acpi_tables.c \
                  kernel/vmm/dev/acpi_pm.c kernel/vmm/iobus.c

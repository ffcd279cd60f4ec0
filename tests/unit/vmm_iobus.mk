# The VMM's per-VM I/O bus (kernel/vmm/iobus.c).
UNIT_TESTS += vmm_iobus
vmm_iobus_SRCS := tests/unit/test_vmm_iobus.c kernel/vmm/iobus.c

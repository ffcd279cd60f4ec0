# The emulated local APIC (kernel/vmm/dev/lapic.c): registers, priorities, timer, MSR.
UNIT_TESTS += vmm_lapic
vmm_lapic_SRCS := tests/unit/test_vmm_lapic.c kernel/vmm/dev/lapic.c kernel/vmm/iobus.c

# The emulated 8254 PIT and port 0x61 (kernel/vmm/dev/pit.c), wired to the PIC.
UNIT_TESTS += vmm_pit
vmm_pit_SRCS := tests/unit/test_vmm_pit.c kernel/vmm/dev/pit.c kernel/vmm/dev/pic.c \
                kernel/vmm/iobus.c

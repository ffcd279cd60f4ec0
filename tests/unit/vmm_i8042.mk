# The emulated i8042 keyboard controller (kernel/vmm/dev/i8042.c).
UNIT_TESTS += vmm_i8042
vmm_i8042_SRCS := tests/unit/test_vmm_i8042.c kernel/vmm/dev/i8042.c kernel/vmm/dev/pic.c \
                  kernel/vmm/iobus.c

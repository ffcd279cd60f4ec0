# The emulated 8259A pair (kernel/vmm/dev/pic.c) behind the I/O bus.
UNIT_TESTS += vmm_pic
vmm_pic_SRCS := tests/unit/test_vmm_pic.c kernel/vmm/dev/pic.c kernel/vmm/iobus.c

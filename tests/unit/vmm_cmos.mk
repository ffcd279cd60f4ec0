# The emulated MC146818 RTC and CMOS RAM (kernel/vmm/dev/cmos.c).
UNIT_TESTS += vmm_cmos
vmm_cmos_SRCS := tests/unit/test_vmm_cmos.c kernel/vmm/dev/cmos.c kernel/vmm/dev/pic.c \
                 kernel/vmm/iobus.c

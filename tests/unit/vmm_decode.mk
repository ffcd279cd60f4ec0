# The MMIO instruction decoder/emulator (kernel/vmm/mmio_decode.c).
UNIT_TESTS += vmm_decode
vmm_decode_SRCS := tests/unit/test_vmm_decode.c kernel/vmm/mmio_decode.c

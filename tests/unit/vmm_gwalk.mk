# The guest page-table walk for MMIO instruction fetch (kernel/vmm/gwalk.c).
UNIT_TESTS += vmm_gwalk
vmm_gwalk_SRCS := tests/unit/test_vmm_gwalk.c kernel/vmm/gwalk.c

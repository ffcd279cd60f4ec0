# A VM's PCI configuration space (kernel/vmm/dev/vpci.c) behind the I/O bus.
UNIT_TESTS += vmm_vpci
vmm_vpci_SRCS := tests/unit/test_vmm_vpci.c kernel/vmm/dev/vpci.c kernel/vmm/iobus.c

# virtio-blk for guests (kernel/vmm/dev/virtio_blk.c) on the VM's PCI bus,
# driven by port I/O over a fake guest memory and a RAM disk.
UNIT_TESTS += vmm_virtio_blk
vmm_virtio_blk_SRCS := tests/unit/test_vmm_virtio_blk.c kernel/vmm/dev/virtio_blk.c \
                       kernel/vmm/dev/vpci.c kernel/vmm/iobus.c kernel/vmm/vbios/vdisk.c

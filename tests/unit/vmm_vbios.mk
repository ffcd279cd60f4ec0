# hv's virtual BIOS services (kernel/vmm/vbios/): pure C over a fake guest
# memory, a RAM disk and a fixed clock.
UNIT_TESTS += vmm_vbios
vmm_vbios_SRCS := tests/unit/test_vmm_vbios.c kernel/vmm/vbios/vbios_svc.c \
                  kernel/vmm/vbios/vbios_disk.c kernel/vmm/vbios/vbios_install.c \
                  kernel/vmm/vbios/vdisk.c

# A VM disk on a datastore file (kernel/vmm/vbios/vdisk_file.c): raw and
# fixed-VHD validation, the read/write/flush path, read-only disks, one
# writer. The datastore is stubbed in the test (files in memory).
UNIT_TESTS += vdisk_file
vdisk_file_SRCS := tests/unit/test_vdisk_file.c kernel/vmm/vbios/vdisk_file.c \
                   kernel/vmm/vbios/vdisk.c

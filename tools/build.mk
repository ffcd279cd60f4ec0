# Disk images (docs/boot.md "The disk image"), made by tools/mkimage.py from
# the boot chain the other fragments build.  Every image depends on the
# builder and all its inputs, so a change to any of them rebuilds it.

IMG_MKIMAGE := tools/mkimage.py
IMG_CHAIN := $(BUILD)/mbr.bin $(BUILD)/BM.BIN $(BUILD)/BL.BIN $(BUILD)/KERNEL.BIN
IMG_ARGS := --mbr $(BUILD)/mbr.bin --bm $(BUILD)/BM.BIN --bl $(BUILD)/BL.BIN \
            --kernel $(BUILD)/KERNEL.BIN
IMG_BUILD = $(PYTHON) $(IMG_MKIMAGE) --out $@ $(IMG_ARGS)

# The broken images the system tests boot (mkimage.py --help tells what each
# breaks); disk-read-error is a raw image without the VHD footer.
IMG_BREAKS := no-boot-partition missing-bm truncated-bm missing-bl \
              truncated-bl missing-kernel truncated-kernel corrupt-kernel \
              bad-cfg no-e820 no-vbe
IMG_TEST_IMAGES := $(IMG_BREAKS:%=$(BUILD)/test-images/%.vhd) \
                   $(BUILD)/test-images/disk-read-error.img \
                   $(BUILD)/test-images/manual.vhd

# The first OS's disk: the same boot chain, booting as a normal OS, at the
# smallest size that still holds a valid FAT32 datastore.
$(BUILD)/guest0.vhd: $(IMG_MKIMAGE) $(IMG_CHAIN) vd/guest0/HV.CFG | $(DEPS_STAMP)
	$(IMG_BUILD) --cfg vd/guest0/HV.CFG

# VM definitions (docs/vms.md) for the datastore's VMS/.
IMG_VMS := $(wildcard vd/vms/*.vm)

$(BUILD)/hv.vhd: $(IMG_MKIMAGE) $(IMG_CHAIN) vd/HV.CFG $(BUILD)/guest0.vhd $(IMG_VMS) | $(DEPS_STAMP)
	$(IMG_BUILD) --cfg vd/HV.CFG --guest $(BUILD)/guest0.vhd --vms vd/vms --size-mib 256

# hv.vhd with every VM's autostart off: the VM tests start what they test.
$(BUILD)/test-images/manual.vhd: $(IMG_MKIMAGE) $(IMG_CHAIN) vd/HV.CFG $(BUILD)/guest0.vhd $(IMG_VMS) | $(DEPS_STAMP)
	$(IMG_BUILD) --cfg vd/HV.CFG --guest $(BUILD)/guest0.vhd --vms vd/vms --no-autostart --size-mib 256

$(BUILD)/test-images/%.vhd: $(IMG_MKIMAGE) $(IMG_CHAIN) vd/HV.CFG | $(DEPS_STAMP)
	$(IMG_BUILD) --cfg vd/HV.CFG --break $*

$(BUILD)/test-images/disk-read-error.img: $(IMG_MKIMAGE) $(IMG_CHAIN) vd/HV.CFG | $(DEPS_STAMP)
	$(IMG_BUILD) --cfg vd/HV.CFG --break disk-read-error

.PHONY: test-images
test-images: $(IMG_TEST_IMAGES)

# Stage 1, the MBR (docs/boot.md "Stage 1"): a whole 512-byte sector whose
# partition table area is zero; tools/mkimage.py keeps its first 446 bytes
# and writes the partition table of each image itself.

$(BUILD)/mbr.bin: vd/fat/main.asm
	@mkdir -p $(dir $@)
	nasm -f bin -w+all -Werror -o $@ -l $(BUILD)/mbr.lst $<

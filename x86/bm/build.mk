# BM.BIN, the boot manager: one flat nasm binary, org 0x8000.  bm.asm
# includes the other files, so any of them (or the hand-off layout) rebuilds it.

BM_SRCS := $(wildcard x86/bm/*.asm x86/bm/*.inc) include/hv/bm_handoff.inc

$(BUILD)/BM.BIN: $(BM_SRCS)
	@mkdir -p $(dir $@)
	nasm -f bin -w+all -Ix86/bm/ -Iinclude/hv/ -o $@ -l $(BUILD)/BM.lst x86/bm/bm.asm

# BL.BIN: the 32-bit C boot loader (docs/boot.md, stage 3).
BL_SRCS := x86/bl/main.c x86/bl/kernel.c x86/bl/console.c x86/bl/bios.c \
           x86/bl/acpi.c x86/bl/fat16.c x86/bl/crc32.c x86/bl/lib.c \
           kernel/lib/hvcfg.c
BL_ASRCS := x86/bl/entry.S
BL_OBJS := $(patsubst %.c,$(BUILD)/bl/%.o,$(BL_SRCS)) \
           $(patsubst %.S,$(BUILD)/bl/%.o,$(BL_ASRCS))
BL_CFLAGS := -m32 -march=i686 -ffreestanding -fno-pic -fno-pie -nostdlib \
             -fno-stack-protector -mno-sse -mno-mmx -mgeneral-regs-only \
             -fno-asynchronous-unwind-tables -O2 -Wall -Wextra -Werror -std=c11 \
             -Iinclude -Ikernel -Ix86 -MMD -MP

$(BUILD)/bl/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BL_CFLAGS) -c -o $@ $<

$(BUILD)/bl/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(BL_CFLAGS) -c -o $@ $<

$(BUILD)/bl/bl.elf: $(BL_OBJS) x86/bl/bl.ld
	ld -m elf_i386 -nostdlib --no-warn-rwx-segments -T x86/bl/bl.ld -o $@ $(BL_OBJS)

$(BUILD)/BL.BIN: $(BUILD)/bl/bl.elf tools/sealimg.py
	objcopy -O binary $< $(BUILD)/bl/bl.raw
	$(PYTHON) tools/sealimg.py $(BUILD)/bl/bl.raw $@

-include $(BL_OBJS:.o=.d)

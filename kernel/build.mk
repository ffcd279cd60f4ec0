# The 64-bit kernel: every .c and .S under kernel/ (the platform's files join
# by themselves), linked twice so stack traces have symbol names:
#   pass 1 with an empty symbol table -> kernel0.elf -> nm -> ksyms.S
#   pass 2 with the real table        -> kernel.elf
# .ksyms sits after .data (kernel.ld), so only .bss moves between the passes;
# the rule checks that no function did.  Then objcopy and tools/sealimg.py
# make $(BUILD)/KERNEL.BIN.

K_VERSION ?= 0.1
K_CC      := gcc
K_OUT     := $(BUILD)/kernel
K_FONT_SRC := /usr/share/consolefonts/Uni2-Terminus16.psf.gz
K_FONT    := $(K_OUT)/font.psf
K_FONT_LARGE_SRC := /usr/share/consolefonts/Uni2-TerminusBold32x16.psf.gz
K_FONT_LARGE     := $(K_OUT)/font-large.psf

K_CFLAGS := -std=c11 -ffreestanding -fno-pic -fno-pie -mno-red-zone -mno-mmx -mno-sse \
            -mno-sse2 -mcmodel=kernel -fno-stack-protector -fno-omit-frame-pointer \
            -fno-asynchronous-unwind-tables -O2 -g -Wall -Wextra -Werror \
            -Iinclude -Ikernel -MMD -MP -DHV_VERSION='"$(K_VERSION)"' \
            -DK_FONT_FILE='"$(K_FONT)"' -DK_FONT_LARGE_FILE='"$(K_FONT_LARGE)"'
K_LDFLAGS := -nostdlib -static -z max-page-size=4096 -z noexecstack --no-warn-rwx-segments

# Host-only files (none yet) would be named *_host.c.
K_SRCS := $(filter-out %_host.c,$(shell find kernel -name '*.c' -o -name '*.S' | LC_ALL=C sort))
K_OBJS := $(patsubst kernel/%,$(K_OUT)/%.o,$(basename $(K_SRCS))) $(K_EXTRA_OBJS)

$(K_OUT)/%.o: kernel/%.c
	@mkdir -p $(dir $@)
	$(K_CC) $(K_CFLAGS) -c $< -o $@

$(K_OUT)/%.o: kernel/%.S
	@mkdir -p $(dir $@)
	$(K_CC) $(K_CFLAGS) -c $< -o $@

# -MMD does not see .incbin.
$(K_OUT)/dev/font_data.o: $(K_FONT) $(K_FONT_LARGE)

# The fonts are not in the repository: Debian's console-setup-linux has them.
$(K_FONT): $(K_FONT_SRC)
	@mkdir -p $(dir $@)
	gunzip -c $< > $@.tmp && mv $@.tmp $@

$(K_FONT_LARGE): $(K_FONT_LARGE_SRC)
	@mkdir -p $(dir $@)
	gunzip -c $< > $@.tmp && mv $@.tmp $@

$(K_OUT)/ksyms0.S:
	@mkdir -p $(dir $@)
	printf '\t.section .ksyms, "a"\n\t.balign 8\n\t.globl ksym_table, ksym_count, ksym_names\nksym_count: .quad 0\nksym_table:\nksym_names: .byte 0\n' > $@

$(K_OUT)/%.ksyms.o: $(K_OUT)/%.S
	$(K_CC) $(K_CFLAGS) -c $< -o $@

$(K_OUT)/kernel0.elf: $(K_OBJS) $(K_OUT)/ksyms0.ksyms.o kernel/kernel.ld
	ld $(K_LDFLAGS) -T kernel/kernel.ld -o $@ $(K_OBJS) $(K_OUT)/ksyms0.ksyms.o

# Functions only (t/T), sorted by address; names go in one string block.
$(K_OUT)/ksyms.S: $(K_OUT)/kernel0.elf kernel/build.mk
	nm -n --defined-only $< | awk 'BEGIN { n = 0; print "\t.section .ksyms, \"a\"\n\t.balign 8\n\t.globl ksym_table, ksym_count, ksym_names" } \
	    NF == 3 && $$2 ~ /^[tT]$$/ { addr[n] = $$1; name[n] = $$3; n++ } \
	    END { print "ksym_count: .quad " n; print "ksym_table:"; off = 0; \
	          for (i = 0; i < n; i++) { print "\t.quad 0x" addr[i] "\n\t.long " off ", 0"; off += length(name[i]) + 1 } \
	          print "ksym_names:"; for (i = 0; i < n; i++) print "\t.asciz \"" name[i] "\"" }' > $@

$(K_OUT)/kernel.elf: $(K_OUT)/kernel0.elf $(K_OUT)/ksyms.ksyms.o
	ld $(K_LDFLAGS) -T kernel/kernel.ld -o $@ $(K_OBJS) $(K_OUT)/ksyms.ksyms.o
	@nm -n --defined-only $(K_OUT)/kernel0.elf | awk '$$2 ~ /^[tT]$$/' > $(K_OUT)/syms0.txt
	@nm -n --defined-only $@ | awk '$$2 ~ /^[tT]$$/' > $(K_OUT)/syms1.txt
	@cmp -s $(K_OUT)/syms0.txt $(K_OUT)/syms1.txt || \
	    { echo "kernel: functions moved between the two link passes (see kernel/kernel.ld)"; rm -f $@; exit 1; }

$(K_OUT)/kernel.bin: $(K_OUT)/kernel.elf
	objcopy -O binary $< $@

$(BUILD)/KERNEL.BIN: $(K_OUT)/kernel.bin tools/sealimg.py
	$(PYTHON) tools/sealimg.py $< $@

.PHONY: kernel
kernel: $(BUILD)/KERNEL.BIN

-include $(K_OBJS:.o=.d)

# The built-in test guests: 16-bit flat binaries (nasm -f bin) that the kernel
# embeds (kernel/vmm/guests.S .incbin's them), so they must exist before that
# object is assembled.
GUESTS_SRC := $(wildcard tests/guests/*.asm)
GUESTS_OUT := $(BUILD)/tests/guests
GUESTS_BIN := $(patsubst tests/guests/%.asm,$(GUESTS_OUT)/%.bin,$(GUESTS_SRC))

# lib.inc: code the guests share (%include "lib.inc").
$(GUESTS_OUT)/%.bin: tests/guests/%.asm $(wildcard tests/guests/*.inc)
	@mkdir -p $(dir $@)
	nasm -f bin -Werror -I tests/guests/ -o $@ $<

$(K_OUT)/vmm/guests.o: $(GUESTS_BIN)
$(K_OUT)/vmm/guests.o: K_CFLAGS += -DHV_GUESTS_BUILT -Wa,-I,$(GUESTS_OUT)

; The GDT shared by the hand-over and the call gate, and the one-way switch
; into BL: 32-bit protected mode, flat segments, interrupts off.

        align 8
gdt:
        dq 0
        dq 0x00CF9A000000FFFF               ; 0x08 code, 32-bit, base 0, 4 GiB
        dq 0x00CF92000000FFFF               ; 0x10 data, 32-bit, base 0, 4 GiB
        dq 0x00009A000000FFFF               ; 0x18 code, 16-bit, base 0, 64 KiB
        dq 0x000092000000FFFF               ; 0x20 data, 16-bit, base 0, 64 KiB
gdt_end:

gdt_desc:
        dw gdt_end - gdt - 1
        dd gdt

; Never returns.  BL gets EAX = HV_HANDOFF_MAGIC, EBX = the hand-off block.
enter_bl:
        cli
        lgdt [gdt_desc]
        mov eax, cr0
        or al, 1
        mov cr0, eax
        jmp dword SEL_CODE32:.flat

        bits 32
.flat:
        mov ax, SEL_DATA32
        mov ds, ax
        mov es, ax
        mov fs, ax
        mov gs, ax
        mov ss, ax
        mov esp, BL_STACK_TOP
        cld
        mov eax, HV_HANDOFF_MAGIC
        mov ebx, HANDOFF
        jmp SEL_CODE32:BL_ENTRY
        bits 16

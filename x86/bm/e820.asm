; The physical memory map, straight from the BIOS (INT 15h EAX=E820h) into
; the hand-off block.  Without it nobody can place the kernel safely, so an
; empty or missing map stops the boot.

SMAP            equ 0x534D4150      ; "SMAP"
E820_ENTRY_SIZE equ 24

e820_read:
        test byte [bm_faults], FAULT_NO_E820
        jnz .none
        xor ebx, ebx                ; continuation value: 0 = first call
        xor bp, bp                  ; entries kept
        mov di, E820_TABLE
.next:
        ; A BIOS that returns the 20-byte form leaves ext_attr alone: preset
        ; 1 ("valid") as the ACPI specification asks callers to do.
        mov dword [di + 20], 1
        mov eax, 0xE820
        mov edx, SMAP
        mov ecx, E820_ENTRY_SIZE
        int 0x15
        jc .end                     ; unsupported, or past the last entry
        cmp eax, SMAP
        jne .end
        cmp ecx, 20
        jb .skip                    ; not even a base/length/type: ignore
        mov eax, [di + 8]
        or eax, [di + 12]
        jz .skip                    ; empty ranges tell nothing
        add di, E820_ENTRY_SIZE
        inc bp
.skip:
        test ebx, ebx
        jz .end
        cmp bp, HV_HANDOFF_E820_MAX
        jb .next
        mov si, str_e820_full
        call warn
.end:
        test bp, bp
        jz .none
        mov [HANDOFF + HO_E820_COUNT], bp
        ret
.none:
        mov si, str_no_e820
        jmp fatal

str_no_e820     db "no E820 memory map", 0
str_e820_full   db "E820 memory map has more than 112 entries, the rest is ignored", 0

; The real-mode call gate: void hv_rm_int(uint32_t intno, struct hv_rm_regs *regs)
; (include/hv/bm_handoff.h), cdecl, called by BL from 32-bit protected mode.
;
; Path: save BL's state -> our GDT -> 16-bit protected mode -> real mode on
; GATE_STACK_TOP -> load *regs, INT -> store *regs -> protected mode -> BL's
; GDT, IDT, segments and stack -> return.  Interrupts are on only in real
; mode, where the BIOS needs them.  BL may run on its own GDT and IDT: both
; are saved and put back, and its selectors are restored as they were.
; Paging must be off (BL never turns it on).  Not reentrant.

        bits 32
hv_rm_int:
        push ebp
        push ebx
        push esi
        push edi
        pushfd
        cli
        mov eax, [esp + 24]                 ; intno
        movzx eax, al
        mov eax, [eax * 4]                  ; the real-mode vector, seg:off
        mov [gate_vector], eax
        mov eax, [esp + 28]                 ; regs
        mov [gate_regs], eax
        mov [gate_esp], esp
        mov [gate_ss], ss
        mov [gate_ds], ds
        mov [gate_es], es
        mov [gate_fs], fs
        mov [gate_gs], gs
        mov [gate_cs], cs
        sgdt [gate_gdtr]
        sidt [gate_idtr]
        lgdt [gdt_desc]
        jmp SEL_CODE16:.pm16

        bits 16
.pm16:
        mov ax, SEL_DATA16                  ; real-mode-sized segment limits
        mov ds, ax
        mov es, ax
        mov fs, ax
        mov gs, ax
        mov ss, ax
        mov eax, cr0
        and al, 0xFE
        mov cr0, eax
        jmp 0:.real

.real:
        xor ax, ax                          ; no selector values left over for
        mov ds, ax                          ; a BIOS that saves and reloads them
        mov es, ax
        mov gs, ax
        mov ss, ax
        mov sp, GATE_STACK_TOP
        lidt [rm_idtr]
        mov eax, [gate_regs]                ; FS:BX = regs
        mov bx, ax
        and bx, 0x000F
        shr eax, 4
        mov fs, ax
        push word [fs:bx + RM_DS]
        push word [fs:bx + RM_ES]
        mov eax, [fs:bx + RM_EAX]
        mov ecx, [fs:bx + RM_ECX]
        mov edx, [fs:bx + RM_EDX]
        mov esi, [fs:bx + RM_ESI]
        mov edi, [fs:bx + RM_EDI]
        mov ebp, [fs:bx + RM_EBP]
        mov ebx, [fs:bx + RM_EBX]
        pop es
        pop ds
        sti
        pushf                               ; what INT does, minus the SMC
        cli
        call far [cs:gate_vector]
        pushfd
        cli
        push ds
        push es
        push ebx
        xor bx, bx
        mov ds, bx
        mov [gate_eax], eax
        mov eax, [gate_regs]
        mov bx, ax
        and bx, 0x000F
        shr eax, 4
        mov fs, ax
        mov eax, [gate_eax]
        mov [fs:bx + RM_EAX], eax
        mov [fs:bx + RM_ECX], ecx
        mov [fs:bx + RM_EDX], edx
        mov [fs:bx + RM_ESI], esi
        mov [fs:bx + RM_EDI], edi
        mov [fs:bx + RM_EBP], ebp
        pop dword [fs:bx + RM_EBX]
        pop word [fs:bx + RM_ES]
        pop word [fs:bx + RM_DS]
        pop dword [fs:bx + RM_EFLAGS]

        lgdt [gdt_desc]                     ; the BIOS may have loaded its own
        mov eax, cr0
        or al, 1
        mov cr0, eax
        jmp dword SEL_CODE32:.pm32

        bits 32
.pm32:
        mov ax, SEL_DATA32
        mov ds, ax
        lgdt [gate_gdtr]
        lidt [gate_idtr]
        lss esp, [gate_esp]
        mov es, [gate_es]
        mov fs, [gate_fs]
        mov gs, [gate_gs]
        push dword [gate_cs]
        push dword .home
        retf
.home:
        mov ds, [gate_ds]
        popfd                               ; BL's flags (interrupts off for BL)
        cli
        cld
        pop edi
        pop esi
        pop ebx
        pop ebp
        ret
        bits 16

rm_idtr:
        dw 0x3FF
        dd 0

        align 4
gate_vector     dd 0
gate_regs       dd 0
gate_eax        dd 0
gate_esp        dd 0                ; with gate_ss: an operand for lss
gate_ss         dw 0
gate_ds         dw 0
gate_es         dw 0
gate_fs         dw 0
gate_gs         dw 0
gate_cs         dd 0
gate_gdtr       dw 0
                dd 0
gate_idtr       dw 0
                dd 0

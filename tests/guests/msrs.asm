; msrs: a hostile guest that writes the host's MSRs.  hv must answer each
; refused access with #GP (as a CPU without that MSR would), keep the host's
; SVM state (VM_HSAVE_PA, VM_CR, EFER.SVME) to itself, refuse an APIC base
; relocation, and still let the guest use the MSRs on its allow-list.
; Prints ok:/FAIL: lines and powers off.
bits 16
org 0x7C00

    jmp start
%include "lib.inc"

MSR_APIC_BASE   equ 0x1B
MSR_SYSENTER_EIP equ 0x176
MSR_PAT         equ 0x277
MSR_EFER        equ 0xC0000080
MSR_LSTAR       equ 0xC0000082
MSR_SYSCFG      equ 0xC0010010
MSR_HWCR        equ 0xC0010015
MSR_VM_CR       equ 0xC0010114
MSR_VM_HSAVE_PA equ 0xC0010117
EFER_SVME       equ 1 << 12
APIC_DEFAULT    equ 0xFEE00000

; wrmsr ECX <- EDX:EAX, expecting #GP; SI = message
%macro expect_gp_wr 0
    mov byte [gp_seen], 0
    wrmsr
    call gp_report
%endmacro

start:
    guest_entry
    set_vector 13, gp_handler           ; #GP

    mov si, msg_start
    call puts

    ; host SVM state: the save area, VM_CR (SVMDIS, LOCK), SVME
    mov ecx, MSR_VM_HSAVE_PA
    xor edx, edx
    mov eax, 0x00100000
    mov si, msg_hsave
    expect_gp_wr

    mov ecx, MSR_VM_CR
    mov byte [gp_seen], 0
    rdmsr
    mov si, msg_vmcr_rd
    call gp_report

    mov ecx, MSR_VM_CR
    xor edx, edx
    mov eax, 1 << 4                     ; SVMDIS: would turn SVM off for the host
    mov si, msg_vmcr_wr
    expect_gp_wr

    mov ecx, MSR_EFER
    rdmsr
    mov [efer_lo], eax
    or eax, EFER_SVME
    mov si, msg_efer_svme
    expect_gp_wr

    mov ecx, MSR_EFER
    rdmsr
    test eax, EFER_SVME
    mov si, msg_efer_hidden
    call report

    ; machine configuration hv does not offer
    mov ecx, MSR_SYSCFG
    xor edx, edx
    xor eax, eax
    mov si, msg_syscfg
    expect_gp_wr

    mov ecx, MSR_HWCR
    xor edx, edx
    xor eax, eax
    mov si, msg_hwcr
    expect_gp_wr

    ; the local APIC stays where CPUID and the device model put it
    mov ecx, MSR_APIC_BASE
    xor edx, edx
    mov eax, 0xFED00000 | 1 << 11       ; relocated, enabled
    mov si, msg_apic_move
    expect_gp_wr

    mov ecx, MSR_APIC_BASE
    xor edx, edx
    mov eax, APIC_DEFAULT | 1 << 11 | 1 << 10   ; x2APIC mode
    mov si, msg_apic_x2
    expect_gp_wr

    ; values a CPU refuses for MSRs the guest may use
    mov ecx, MSR_LSTAR
    mov edx, 0x00008000                 ; 0x0000800000000000: not canonical
    xor eax, eax
    mov si, msg_lstar_nc
    expect_gp_wr

    mov ecx, MSR_PAT
    mov edx, 0x00070406
    mov eax, 0x02070406                 ; type 2 is reserved
    mov si, msg_pat_bad
    expect_gp_wr

    mov ecx, MSR_EFER
    mov eax, [efer_lo]
    or eax, 1 << 2                      ; a reserved bit
    xor edx, edx
    mov si, msg_efer_rsvd
    expect_gp_wr

    ; the allow-list still works
    mov byte [gp_seen], 0
    mov ecx, MSR_LSTAR
    mov edx, 0xFFFFFFFF
    mov eax, 0x81234560
    wrmsr
    xor eax, eax
    xor edx, edx
    rdmsr
    cmp byte [gp_seen], 0
    jne .lstar_bad
    cmp edx, 0xFFFFFFFF
    jne .lstar_bad
    cmp eax, 0x81234560
.lstar_bad:
    mov si, msg_lstar_ok
    call report

    mov byte [gp_seen], 0
    mov ecx, MSR_SYSENTER_EIP
    xor edx, edx
    mov eax, 0x00C0FFEE
    wrmsr
    xor eax, eax
    rdmsr
    cmp byte [gp_seen], 0
    jne .sysenter_bad
    cmp eax, 0x00C0FFEE
.sysenter_bad:
    mov si, msg_sysenter_ok
    call report

    mov byte [gp_seen], 0
    mov ecx, MSR_APIC_BASE
    rdmsr
    wrmsr                               ; the same value: accepted
    movzx eax, byte [gp_seen]
    cmp eax, 0
    mov si, msg_apic_same
    call report

    mov byte [gp_seen], 0
    mov ecx, MSR_EFER
    mov eax, [efer_lo]
    xor edx, edx
    wrmsr
    movzx eax, byte [gp_seen]
    cmp eax, 0
    mov si, msg_efer_same
    call report

    mov si, msg_done
    call puts
    jmp power_off

; ZF and EAX from gp_seen (ZF set: exactly one #GP), then report SI.
gp_report:
    movzx eax, byte [gp_seen]
    cmp eax, 1
    jmp report

; #GP from a refused rdmsr/wrmsr: count it and step over the 2-byte
; instruction.
gp_handler:
    push bp
    mov bp, sp
    add word [bp + 2], 2
    inc byte [gp_seen]
    pop bp
    iret

gp_seen         db 0
efer_lo         dd 0
msg_start       db "msrs: writing host MSRs", 13, 10, 0
msg_hsave       db "wrmsr VM_HSAVE_PA raised #GP", 0
msg_vmcr_rd     db "rdmsr VM_CR raised #GP", 0
msg_vmcr_wr     db "wrmsr VM_CR (SVMDIS) raised #GP", 0
msg_efer_svme   db "wrmsr EFER with SVME raised #GP", 0
msg_efer_hidden db "EFER still reads without SVME", 0
msg_syscfg      db "wrmsr SYSCFG raised #GP", 0
msg_hwcr        db "wrmsr HWCR raised #GP", 0
msg_apic_move   db "wrmsr APIC_BASE relocation raised #GP", 0
msg_apic_x2     db "wrmsr APIC_BASE x2APIC enable raised #GP", 0
msg_lstar_nc    db "wrmsr LSTAR non-canonical raised #GP", 0
msg_pat_bad     db "wrmsr PAT reserved type raised #GP", 0
msg_efer_rsvd   db "wrmsr EFER reserved bit raised #GP", 0
msg_lstar_ok    db "LSTAR written and read back", 0
msg_sysenter_ok db "SYSENTER_EIP written and read back", 0
msg_apic_same   db "APIC_BASE rewritten unchanged without #GP", 0
msg_efer_same   db "EFER rewritten unchanged without #GP", 0
msg_done        db "msrs: done", 13, 10, 0

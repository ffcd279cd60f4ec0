; hello: the first guest.  hv loads it at 0x7C00 in real mode, like a boot
; sector.  It talks to COM1 (0x3F8), reads hv's CPUID leaf, checks the
; hypercall ABI and the MSR allow-list, then powers off by hypercall.
; Every line it prints is "ok: ..." or "FAIL: ..." for the system test.
bits 16
org 0x7C00

HC_VERSION      equ 0
HC_CONSOLE      equ 1

    jmp start
%include "lib.inc"

start:
    guest_entry
    set_vector 13, gp_handler           ; #GP

    mov si, msg_hello
    call puts

    mov eax, 0x40000000
    cpuid
    mov [sig], ebx
    mov [sig + 4], ecx
    mov [sig + 8], edx
    mov si, msg_sig
    call puts
    mov si, sig
    call puts
    mov si, msg_close
    call puts

    mov eax, HC_VERSION
    vmmcall
    mov si, msg_ver_ok
    cmp eax, 1
    je .ver
    mov si, msg_ver_bad
.ver:
    call puts

    mov eax, HC_CONSOLE
    mov ebx, msg_hc
    mov ecx, msg_hc_len
    vmmcall
    mov si, msg_hc_bad
    cmp eax, msg_hc_len
    je .hc_ok
    call puts
.hc_ok:

    ; An MSR outside the allow-list: VM_HSAVE_PA must fault, not leak.
    mov byte [gp_seen], 0
    mov ecx, 0xC0010117
    rdmsr
    mov si, msg_gp_ok
    cmp byte [gp_seen], 1
    je .gp
    mov si, msg_gp_bad
.gp:
    call puts

    ; An allowed one: EFER reads back without SVME.
    mov ecx, 0xC0000080
    rdmsr
    mov si, msg_efer_ok
    test eax, 1 << 12
    jz .efer
    mov si, msg_efer_bad
.efer:
    call puts

    mov si, msg_bye
    call puts
    jmp power_off

; #GP from the refused rdmsr: note it and step over the 2-byte instruction.
gp_handler:
    push bp
    mov bp, sp
    add word [bp + 2], 2
    mov byte [gp_seen], 1
    pop bp
    iret

msg_hello    db "hello from the guest", 13, 10, 0
msg_sig      db "ok: cpuid 0x40000000 signature [", 0
msg_close    db "]", 13, 10, 0
msg_ver_ok   db "ok: hypercall version 1", 13, 10, 0
msg_ver_bad  db "FAIL: hypercall version", 13, 10, 0
msg_hc       db "ok: console write by hypercall", 10
msg_hc_len   equ $ - msg_hc
msg_hc_bad   db "FAIL: console write hypercall result", 13, 10, 0
msg_gp_ok    db "ok: rdmsr VM_HSAVE_PA raised #GP", 13, 10, 0
msg_gp_bad   db "FAIL: rdmsr VM_HSAVE_PA did not fault", 13, 10, 0
msg_efer_ok  db "ok: rdmsr EFER hides SVME", 13, 10, 0
msg_efer_bad db "FAIL: rdmsr EFER shows SVME", 13, 10, 0
msg_bye      db "powering off", 13, 10, 0
gp_seen      db 0
sig          times 13 db 0

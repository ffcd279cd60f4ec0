; mmio: unreal mode (FS with a 4 GiB limit, paging off), then mov forms
; against hv's MMIO test device at 0xFEB00000, which reads like memory with
; byte i = i*3 + 0x5A until written, and counts writes at offset 0xFF8.
; Prints ok:/FAIL: lines and powers off.
bits 16
org 0x7C00

DEV equ 0xFEB00000

    jmp start
%include "lib.inc"

start:
    guest_entry

    lgdt [gdtr]
    mov eax, cr0
    or al, 1
    mov cr0, eax
    mov bx, 8
    mov fs, bx
    and al, 0xFE
    mov cr0, eax
    xor bx, bx
    mov fs, bx                  ; base 0; the 4 GiB limit stays (unreal mode)

    mov ebx, DEV

    mov eax, [fs:ebx]                       ; 8B load, 32-bit
    cmp eax, 0x63605D5A
    mov si, msg_load32
    call report

    mov byte [fs:ebx + 0x100], 0x42         ; C6 store immediate
    xor eax, eax
    mov al, [fs:ebx + 0x100]                ; 8A load, 8-bit
    cmp eax, 0x42
    mov si, msg_imm8
    call report

    mov ecx, 0x12345678
    mov [fs:ebx + 0x200], ecx               ; 89 store, 32-bit
    movzx eax, word [fs:ebx + 0x202]        ; 0F B7 movzx
    cmp eax, 0x1234
    mov si, msg_store32
    call report

    movsx eax, byte [fs:ebx + 0x10]         ; 0F BE movsx (byte 0x8A)
    cmp eax, 0xFFFFFF8A
    mov si, msg_movsx
    call report

    xor eax, eax
    mov ah, [fs:ebx + 1]                    ; 8A load into AH
    cmp eax, 0x5D00
    mov si, msg_high8
    call report

    mov word [fs:ebx + 0x280], 0xBEEF       ; 66 C7 store imm16 (16-bit code)
    mov ax, [fs:ebx + 0x280]
    movzx eax, ax
    cmp eax, 0xBEEF
    mov si, msg_imm16
    call report

    or dword [fs:ebx + 0x300], 0xF0         ; 81 /1 read-modify-write
    mov eax, [fs:ebx + 0x300]
    cmp eax, 0x63605DFA
    mov si, msg_or
    call report

    mov edx, 0xCAFEBABE
    xchg [fs:ebx + 0x400], edx              ; 87 xchg
    mov eax, [fs:ebx + 0x400]
    cmp eax, 0xCAFEBABE
    jne .xchg_bad
    mov eax, edx
    cmp eax, 0x63605D5A
.xchg_bad:
    mov si, msg_xchg
    call report

    mov eax, [fs:ebx + 0xFF8]               ; the device's write counter
    cmp eax, 5
    mov si, msg_count
    call report

    mov si, msg_done
    call puts
    jmp power_off

    align 8
gdt:
    dq 0
    dq 0x00CF92000000FFFF                   ; flat data, 4 GiB, writable
gdtr:
    dw gdtr - gdt - 1
    dd gdt

msg_load32  db "mmio mov eax, [dev]: 0x63605d5a", 0
msg_imm8    db "mmio mov byte [dev], imm8 then mov al, [dev]: 0x42", 0
msg_store32 db "mmio mov [dev], ecx then movzx eax, word [dev+2]: 0x1234", 0
msg_movsx   db "mmio movsx eax, byte [dev]: 0xffffff8a", 0
msg_high8   db "mmio mov ah, [dev]: 0x5d00", 0
msg_imm16   db "mmio mov word [dev], imm16 then mov ax, [dev]: 0xbeef", 0
msg_or      db "mmio or dword [dev], 0xf0: 0x63605dfa", 0
msg_xchg    db "mmio xchg [dev], edx swaps 0x63605d5a and 0xcafebabe", 0
msg_count   db "mmio device counted 5 writes", 0
msg_done    db "mmio: done", 13, 10, 0

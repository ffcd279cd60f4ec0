; badcall: VMMCALL with garbage.  Unknown hypercall numbers, console writes
; from outside guest RAM, across its end, with huge lengths: each must come
; back with a negative error code in EAX (and print nothing), and the VM
; must keep running.  Prints ok:/FAIL: lines and powers off.
bits 16
org 0x7C00

    jmp start
%include "lib.inc"

HC_VERSION       equ 0
HC_CONSOLE_WRITE equ 1
RAM_END          equ 0x200000           ; the built-in guests have 2 MiB
TAIL             equ 0x300              ; bytes of 'Z' below RAM_END


start:
    guest_entry

    ; 'Z's at the very end of RAM: a console write that starts there and
    ; runs past the end must print none of them.
    ; (ES with a 4 GiB limit -- "unreal mode" -- reaches past 1 MiB)
    lgdt [gdtr]
    mov eax, cr0
    or al, 1
    mov cr0, eax
    jmp 0x08:.pm
.pm:
    mov ax, 0x10
    mov es, ax
    mov eax, cr0
    and al, 0xFE
    mov cr0, eax
    jmp 0:.rm
.rm:                                    ; ES keeps base 0 and the big limit
    mov edi, RAM_END - TAIL
    mov ecx, TAIL
    mov al, 'Z'
    a32 rep stosb

    mov si, msg_start
    call puts

    mov eax, 0xDEADBEEF
    vmmcall
    mov si, msg_unknown1
    call negative

    mov eax, 0xFFFFFFFF
    vmmcall
    mov si, msg_unknown2
    call negative

    mov eax, 3                          ; the first number after the ABI's
    vmmcall
    mov si, msg_unknown3
    call negative

    mov eax, HC_CONSOLE_WRITE
    mov ebx, 0x40000000                 ; 1 GiB: far outside RAM
    mov ecx, 16
    vmmcall
    mov si, msg_outside
    call negative

    mov eax, HC_CONSOLE_WRITE
    mov ebx, 0xFFFFFFF0                 ; near 4 GiB: gpa + length wraps 32 bits
    mov ecx, 0x20
    vmmcall
    mov si, msg_wrap
    call negative

    mov eax, HC_CONSOLE_WRITE
    mov ebx, RAM_END - TAIL             ; starts in RAM, ends past it
    mov ecx, TAIL + 0x100
    vmmcall
    mov si, msg_across
    call negative

    mov eax, HC_CONSOLE_WRITE
    mov ebx, msg_hc
    mov ecx, 0xFFFFFFFF
    vmmcall
    mov si, msg_huge
    call negative

    mov eax, HC_CONSOLE_WRITE
    mov ebx, msg_hc
    mov ecx, 4097                       ; one past the documented limit
    vmmcall
    mov si, msg_limit
    call negative

    ; length 0 is no error: nothing to write, wherever the buffer is
    mov eax, HC_CONSOLE_WRITE
    mov ebx, 0x40000000
    xor ecx, ecx
    vmmcall
    cmp eax, 0
    mov si, msg_zero
    call report

    ; still alive, and the ABI still answers
    mov eax, HC_VERSION
    vmmcall
    cmp eax, 1
    mov si, msg_version
    call report

    mov eax, HC_CONSOLE_WRITE
    mov ebx, msg_hc
    mov ecx, msg_hc_len
    vmmcall
    cmp eax, msg_hc_len
    mov si, msg_written
    call report

    mov si, msg_done
    call puts
    jmp power_off

; report SI with ZF set when EAX is negative (an error code).
negative:
    test eax, eax
    js .yes
    cmp eax, -1                         ; ZF clear: not an error
    jmp report
.yes:
    cmp eax, eax
    jmp report

align 8
gdt:
    dq 0
    dq 0x00009A000000FFFF       ; 0x08: 16-bit code, base 0, 64 KiB
    dq 0x008F92000000FFFF       ; 0x10: 16-bit data, base 0, 4 GiB
gdtr:
    dw gdtr - gdt - 1
    dd gdt

msg_start    db "badcall: hypercalls with garbage", 13, 10, 0
msg_unknown1 db "hypercall 0xDEADBEEF returned an error", 0
msg_unknown2 db "hypercall 0xFFFFFFFF returned an error", 0
msg_unknown3 db "hypercall 3 returned an error", 0
msg_outside  db "console write from gpa 0x40000000 returned an error", 0
msg_wrap     db "console write wrapping past 4 GiB returned an error", 0
msg_across   db "console write across the end of RAM returned an error", 0
msg_huge     db "console write of 0xFFFFFFFF bytes returned an error", 0
msg_limit    db "console write of 4097 bytes returned an error", 0
msg_zero     db "console write of 0 bytes returned 0", 0
msg_version  db "hypercall version still 1", 0
msg_written  db "console write still works", 0
msg_hc       db "badcall: console write by hypercall", 13, 10
msg_hc_len   equ $ - msg_hc
msg_done     db "badcall: done", 13, 10, 0

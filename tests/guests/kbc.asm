; kbc: the i8042 self-test, interface test and keyboard echo, then a reset
; pulse (command 0xFE), after which hv stops the VM with "reset requested
; by the guest".  Prints ok:/FAIL: lines.
bits 16
org 0x7C00

    jmp start
%include "lib.inc"

; Waits (bounded) for the output buffer and reads it -> EAX (0xFFFF: none)
kbc_read:
    mov cx, 0xFFFF
.poll:
    in al, 0x64
    test al, 1
    jnz .full
    loop .poll
    mov eax, 0xFFFF
    ret
.full:
    in al, 0x60
    movzx eax, al
    ret

start:
    cli
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x7C00

    mov al, 0xAA
    out 0x64, al
    call kbc_read
    cmp eax, 0x55
    mov si, msg_self
    call report

    mov al, 0xAB
    out 0x64, al
    call kbc_read
    cmp eax, 0x00
    mov si, msg_iface
    call report

    mov al, 0xEE
    out 0x60, al
    call kbc_read
    cmp eax, 0xEE
    mov si, msg_echo
    call report

    mov si, msg_reset
    call puts
    mov al, 0xFE
    out 0x64, al
    mov si, msg_alive
    call puts
    jmp power_off

msg_self    db "i8042 self-test answered 0x55", 0
msg_iface   db "i8042 interface test answered 0x00", 0
msg_echo    db "keyboard echo answered 0xee", 0
msg_reset   db "kbc: resetting through the i8042 (command 0xfe)", 13, 10, 0
msg_alive   db "FAIL: still running after the reset pulse", 13, 10, 0

; kbc: the i8042 self-test, interface test and keyboard echo, then a reset
; pulse (command 0xFE), which restarts the VM as it restarts a PC.  A marker
; in extended CMOS (0x40, battery-backed: kept over a reset) tells the second
; start from the first; the second reports it and powers off.
; Prints ok:/FAIL: lines.
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
    guest_entry

    mov al, MARK_REG
    call cmos_read
    cmp al, MARK
    jne .first_start
    mov si, msg_back
    call puts
    movzx eax, al
    cmp eax, MARK
    mov si, msg_kept
    call report
    mov al, MARK_REG
    out 0x70, al
    xor al, al
    out 0x71, al
    jmp power_off

.first_start:
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

    mov al, MARK_REG
    out 0x70, al
    mov al, MARK
    out 0x71, al
    mov si, msg_reset
    call puts
    mov al, 0xFE
    out 0x64, al
    mov si, msg_alive
    call puts
    jmp power_off

MARK_REG    equ 0x40
MARK        equ 0x5A
msg_back    db "kbc: started again after the reset", 13, 10, 0
msg_kept    db "extended CMOS kept over the reset", 0
msg_self    db "i8042 self-test answered 0x55", 0
msg_iface   db "i8042 interface test answered 0x00", 0
msg_echo    db "keyboard echo answered 0xee", 0
msg_reset   db "kbc: resetting through the i8042 (command 0xfe)", 13, 10, 0
msg_alive   db "FAIL: still running after the reset pulse", 13, 10, 0

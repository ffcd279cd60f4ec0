; keys: reads the keyboard through the i8042 by polling (no IRQ needed):
; set-1 make codes of letters, digits and space become text, Enter ends the
; line, which it prints as "keys: typed <text>"; then it powers off.  hv's
; `vm key` (the VM console's keys) types into it.
bits 16
org 0x7C00

    jmp start
%include "lib.inc"

start:
    guest_entry
    mov si, msg_ready
    call puts
    mov di, line
.poll:
    in al, 0x64
    test al, 1
    jz .poll
    in al, 0x60
    test al, 0x80                    ; a break code: ignore
    jnz .poll
    cmp al, 0x1C                     ; Enter
    je .done
    movzx bx, al
    cmp bx, map_end - map
    jae .poll
    mov al, [map + bx]
    test al, al
    jz .poll                         ; shift and keys it does not map
    cmp di, line_end - 1             ; room for the NUL
    jae .poll
    stosb
    jmp .poll
.done:
    mov byte [di], 0
    mov si, msg_typed
    call puts
    mov si, line
    call puts
    mov si, s_crlf
    call puts
    jmp power_off

; set 1 make code -> ASCII (0: not mapped)
map:
    db 0, 0, '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=', 0, 0
    db 'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', 0, 0, 0, 0, 'a', 's'
    db 'd', 'f', 'g', 'h', 'j', 'k', 'l', 0, 0, 0, 0, 0, 'z', 'x', 'c', 'v'
    db 'b', 'n', 'm', ',', '.', '/', 0, 0, 0, ' '
map_end:

msg_ready   db "keys: waiting for keys on the i8042", 13, 10, 0
msg_typed   db "keys: typed ", 0
line        times 64 db 0
line_end:

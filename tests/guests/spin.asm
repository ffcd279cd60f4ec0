; spin: turns interrupts off and loops forever without a single exit of its
; own.  The host timer still forces INTR exits (V_INTR_MASKING), so
; `vm stop spin` ends it and the shell never notices it ran.
bits 16
org 0x7C00

start:
    cli
    xor ax, ax
    mov ds, ax
    mov dx, 0x3F8
    mov si, msg
.puts:
    lodsb
    test al, al
    jz .spin
    out dx, al
    jmp .puts
.spin:
    jmp .spin

msg db "spin: looping with interrupts off", 13, 10, 0

; tick: a small guest for running many side by side.  PIT at 100 Hz, sleeps
; in hlt, prints "alive N" every 100 IRQ0s.  Runs until `vm stop`.
bits 16
org 0x7C00

    jmp start
%include "lib.inc"

start:
    guest_entry
    set_vector 0x20, irq0
    call pic_init_irq0
    mov ax, PIT_HZ_100
    call pit_rate
    mov si, msg_start
    call puts
    sti
.loop:
    hlt
    cmp word [ticks], 100
    jb .loop
    mov word [ticks], 0
    inc word [seconds]
    mov si, msg_alive
    call puts
    mov ax, [seconds]
    call print_dec
    mov si, s_crlf
    call puts
    jmp .loop

irq0:
    push ax
    inc word [cs:ticks]
    mov al, 0x20
    out 0x20, al
    pop ax
    iret

ticks       dw 0
seconds     dw 0
msg_start   db "tick: 100 Hz", 13, 10, 0
msg_alive   db "alive ", 0

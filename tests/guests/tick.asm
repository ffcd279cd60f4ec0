; tick: a small guest for running many side by side.  PIT at 100 Hz, sleeps
; in hlt, prints "alive N" every 100 IRQ0s.  Runs until `vm stop`.
bits 16
org 0x7C00

    jmp start
%include "lib.inc"

start:
    cli
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x7C00
    mov word [0x20 * 4], irq0
    mov word [0x20 * 4 + 2], 0
    mov al, 0x11
    out 0x20, al
    out 0xA0, al
    mov al, 0x20
    out 0x21, al
    mov al, 0x28
    out 0xA1, al
    mov al, 4
    out 0x21, al
    mov al, 2
    out 0xA1, al
    mov al, 1
    out 0x21, al
    out 0xA1, al
    mov al, 0xFE
    out 0x21, al
    mov al, 0xFF
    out 0xA1, al
    mov al, 0x34
    out 0x43, al
    mov al, 11932 & 0xFF
    out 0x40, al
    mov al, 11932 >> 8
    out 0x40, al
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

; triple: empties its interrupt table and raises an exception: no handler,
; then no handler for #GP, then for #DF -- a triple fault.  hv must stop
; this VM with "triple fault" and carry on.
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
    jz .crash
    out dx, al
    jmp .puts
.crash:
    lidt [idtr]
    int3
.dead:
    hlt
    jmp .dead

idtr:
    dw 0
    dd 0

msg db "triple: faulting with an empty IDT", 13, 10, 0

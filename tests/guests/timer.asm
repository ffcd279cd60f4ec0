; timer: programs the 8259 pair and the 8254 at 100 Hz, sleeps in hlt until
; 100 IRQ0s have come, checks the time they took by the CMOS clock, then
; checks that an IRQ0 raised while interrupts are off arrives right after
; sti (hv's interrupt window).  Prints ok:/FAIL: lines and powers off.
bits 16
org 0x7C00

TICKS   equ 100

    jmp start
%include "lib.inc"

start:
    guest_entry
    set_vector 0x20, irq0
    call pic_init_irq0

    call cmos_wait_uip
    mov al, 0
    call cmos_clock
    mov [t0], al

    mov ax, PIT_HZ_100
    call pit_rate

    sti
.wait:
    hlt
    cmp word [ticks], TICKS
    jb .wait
    cli

    movzx eax, word [ticks]
    cmp eax, eax
    mov si, msg_ticks
    call report

    call cmos_wait_uip
    mov al, 0
    call cmos_clock
    sub al, [t0]
    jnc .pos
    add al, 60
.pos:
    movzx eax, al
    mov si, msg_time
    cmp eax, 1
    jb .bad_time
    cmp eax, 5
    ja .bad_time
    cmp eax, eax
.bad_time:
    call report

    ; IF=0: wait until the PIC holds IRQ0 (OCW3: read IRR)
    mov cx, 0xFFFF
.irr:
    mov al, 0x0A
    out 0x20, al
    in al, 0x20
    test al, 1
    jnz .pending
    loop .irr
.pending:
    movzx eax, al
    and al, 1
    cmp al, 1
    mov si, msg_irr
    call report

    mov bx, [ticks]
    sti
    nop
    nop
    cli
    movzx eax, word [ticks]
    sub ax, bx
    ; At least one: a loaded host may let the next period expire before
    ; the cli, and that second tick is correct too.
    cmp eax, 1
    jb .no_window
    cmp eax, eax            ; ZF set: delivered
.no_window:
    mov si, msg_window
    call report

    ; channel 0 counts down between two latches
    mov al, 0x00
    out 0x43, al
    in al, 0x40
    mov bl, al
    in al, 0x40
    mov bh, al
    mov cx, 200
.spin:
    in al, 0x61
    loop .spin
    mov al, 0x00
    out 0x43, al
    in al, 0x40
    mov dl, al
    in al, 0x40
    mov dh, al
    movzx eax, dx
    cmp bx, dx
    mov si, msg_latch
    je .same
    cmp eax, eax
    jmp .latch
.same:
    cmp si, 0               ; ZF clear: FAIL
.latch:
    call report

    mov si, msg_done
    call puts
    jmp power_off

irq0:
    push ax
    inc word [cs:ticks]
    mov al, 0x20
    out 0x20, al
    pop ax
    iret

ticks       dw 0
t0          db 0
msg_ticks   db "timer interrupts woke hlt: IRQ0 count", 0
msg_time    db "100 ticks at 100 Hz took 1-5 s by the CMOS clock: seconds", 0
msg_irr     db "IRQ0 pending in the PIC while interrupts are off: IRR", 0
msg_window  db "the held IRQ0 was delivered right after sti: ticks", 0
msg_latch   db "PIT channel 0 counts down between two latches: count", 0
msg_done    db "timer: done", 13, 10, 0

; flood: an interrupt flood on top of a tight I/O loop.  The PIT's channel 0
; runs at its highest periodic rate (divisor 2: ~597 kHz), IRQ0 is unmasked,
; the handler EOIs and counts, and the main loop writes port 0x80 forever.  hv must coalesce the interrupts it cannot deliver in time, keep
; the other VMs and its shell going, and stop this one on `vm stop`.
; Every 4096 interrupts it prints "flood: 4096 more interrupts" and checks
; that interrupts held while IF=0 coalesce (an ok:/FAIL: line).
bits 16
org 0x7C00

DIVISOR equ 2
BATCH   equ 4096

    jmp start
%include "lib.inc"

start:
    guest_entry
    set_vector 0x20, irq0
    call pic_init_irq0
    mov ax, DIVISOR                     ; the smallest legal divisor
    call pit_rate

    mov si, msg_start
    call puts
    sti
.loop:
    out 0x80, al
    jmp .loop

; Coalescing.  Called in the handler (IF=0, after its EOI): for ~1000 exits,
; each far longer than the 1.7 us PIT period, hundreds of IRQ0 edges pass.
; The PIC's IRR holds one, so after masking, stopping the PIT (no new edges)
; and sti exactly one interrupt may arrive, never a backlog.  Then the flood
; resumes; interrupts are off again on return.
hold:
    cli
    mov cx, 1000
.spin:
    out 0x80, al
    loop .spin
    mov al, 0xFF                        ; masked: the IRR keeps what came
    out 0x21, al
    mov al, 0x30                        ; channel 0, mode 0, no count: stopped
    out 0x43, al
    mov bx, [ticks]
    mov al, 0xFE
    out 0x21, al
    sti
    mov cx, 100
.drain:
    out 0x80, al
    loop .drain
    cli
    movzx eax, word [ticks]
    sub ax, bx
    cmp eax, 1
    mov si, msg_held
    call report
    mov ax, DIVISOR
    call pit_rate
    ret

; EOI first, so that the check below can take one more IRQ0.  The flood
; may keep the main loop from running at all (each iret meets the next
; interrupt), so the check runs in here.
irq0:
    push ax
    mov al, 0x20
    out 0x20, al
    inc word [cs:ticks]
    test word [cs:ticks], BATCH - 1
    jnz .done
    pushad
    mov si, msg_more
    call puts
    call hold
    popad
.done:
    pop ax
    iret

ticks       dw 0
msg_start   db "flood: PIT at divisor 2, IRQ0 on, out 0x80 forever", 13, 10, 0
msg_more    db "flood: 4096 more interrupts", 13, 10, 0
msg_held    db "IRQ0 edges held with IF=0 came as one interrupt", 0

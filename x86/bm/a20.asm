; The A20 gate: BL and the kernel live above 1 MiB, so address line 20 must
; not wrap.  Tried in the order that is least likely to upset a machine:
; the BIOS (INT 15h AX=2401), the "fast A20" port 0x92, the keyboard
; controller; after each, the wraparound test decides.

; ZF = 0 when A20 is on.  0000:0500 and FFFF:0510 are the same byte when the
; address wraps at 1 MiB; write different values and see whether they alias.
a20_is_on:
        push ds
        push es
        push ax
        xor ax, ax
        mov ds, ax
        dec ax
        mov es, ax                  ; es = 0xFFFF
        mov al, [ds:0x500]
        mov ah, [es:0x510]
        mov byte [ds:0x500], 0x00
        mov byte [es:0x510], 0xFF
        cmp byte [ds:0x500], 0xFF   ; ZF = 1: the write wrapped around
        mov [es:0x510], ah          ; (mov leaves the flags alone)
        mov [ds:0x500], al
        pop ax
        pop es
        pop ds
        ret

; Some gates take a while to switch: ask again for a bit.  ZF as a20_is_on.
a20_settles:
        push cx
        mov cx, 0x4000
.again: call a20_is_on
        jnz .done
        loop .again
.done:  pop cx
        ret

; Waits until the keyboard controller can take a byte (bounded).
kbc_wait:
        push cx
        push ax
        mov cx, 0xFFFF
.poll:  in al, 0x64
        test al, 2
        jz .done
        loop .poll
.done:  pop ax
        pop cx
        ret

a20_enable:
        call a20_is_on
        jnz .on

        mov ax, 0x2401
        int 0x15
        call a20_settles
        jnz .on

        in al, 0x92
        test al, 2
        jnz .kbc                    ; claims to be on already: not this gate
        or al, 2
        and al, 0xFE                ; bit 0 would reset the machine
        out 0x92, al
        call a20_settles
        jnz .on

.kbc:   call kbc_wait
        mov al, 0xD1                ; write the output port
        out 0x64, al
        call kbc_wait
        mov al, 0xDF                ; A20 on, no reset
        out 0x60, al
        call kbc_wait
        call a20_settles
        jnz .on

        mov si, str_no_a20
        jmp fatal
.on:    ret

str_no_a20      db "cannot enable the A20 line", 0

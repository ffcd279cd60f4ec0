; Output on both consoles: COM1 (polled, 115200 8N1) and the screen (BIOS
; teletype, only while it is in text mode).  Tests read COM1, people read the
; screen; both get the same lines, each ended by CRLF.  out_targets says which
; consoles putc writes to: the menu mirrors its dialog on COM1 alone.

COM1            equ 0x3F8
COM1_LSR        equ COM1 + 5
LSR_DATA_READY  equ 0x01
LSR_THR_EMPTY   equ 0x20

OUT_SERIAL      equ 1
OUT_SCREEN      equ 2
OUT_BOTH        equ OUT_SERIAL | OUT_SCREEN

; Divisor 1 = 115200 baud, 8N1, FIFOs on (the menu polls, so a short burst
; like "ESC [ A" must wait in the FIFO), UART interrupts off.
serial_init:
        pusha
        mov si, uart_setup
.next:  lodsw                       ; al = value, ah = register offset
        movzx dx, ah
        add dx, COM1
        out dx, al
        cmp si, uart_setup_end
        jb .next
        popa
        ret

uart_setup:
        db 0x00, 1                  ; IER: no interrupts
        db 0x80, 3                  ; LCR: DLAB on
        db 0x01, 0                  ; divisor low
        db 0x00, 1                  ; divisor high
        db 0x03, 3                  ; LCR: 8N1, DLAB off
        db 0xC7, 2                  ; FCR: FIFOs on and cleared
        db 0x03, 4                  ; MCR: DTR, RTS
uart_setup_end:

; AL = byte.  The wait is bounded: without a UART the LSR reads 0xFF or
; never drains, and BM must still reach the screen.
serial_putc:
        push cx
        push dx
        push ax
        mov dx, COM1_LSR
        mov cx, 0xFFFF
.wait:  in al, dx
        test al, LSR_THR_EMPTY
        jnz .ready
        loop .wait
.ready: pop ax
        mov dx, COM1
        out dx, al
        pop dx
        pop cx
        ret

; AL = byte, written with the BIOS teletype (it scrolls and moves the cursor).
screen_putc:
        pusha
        mov ah, 0x0E
        mov bx, 0x0007
        int 0x10
        popa
        ret

; AL = byte, to every console in out_targets.
putc:
        test byte [out_targets], OUT_SERIAL
        jz .screen
        call serial_putc
.screen:
        test byte [out_targets], OUT_SCREEN
        jz .done
        test byte [screen_is_text], 1
        jz .done
        call screen_putc
.done:  ret

; SI = NUL-terminated string.
puts:
        push si
        push ax
.next:  lodsb
        test al, al
        jz .done
        call putc
        jmp .next
.done:  pop ax
        pop si
        ret

put_crlf:
        push ax
        mov al, 13
        call putc
        mov al, 10
        call putc
        pop ax
        ret

; SI = string: puts it and ends the line.
put_line:
        call puts
        jmp put_crlf

; AX = unsigned value, in decimal.
put_dec:
        pusha
        mov bx, 10
        xor cx, cx
.divide:
        xor dx, dx
        div bx
        push dx
        inc cx
        test ax, ax
        jnz .divide
.emit:  pop ax
        add al, '0'
        call putc
        loop .emit
        popa
        ret

; SI = what is wrong: "hv bm: warning: <SI>" on both consoles.
warn:
        push si
        mov si, str_warning
        call puts
        pop si
        jmp put_line

; SI = what went wrong: "hv bm: error: <SI>", "hv bm: system halted", then
; the machine stops for good.  Never returns.
fatal:
        mov byte [out_targets], OUT_BOTH
        push si
        mov si, str_error
        call puts
        pop si
        call put_line
        mov si, str_halted
        call put_line
halt_forever:
        cli
        hlt
        jmp halt_forever

out_targets     db OUT_BOTH
screen_is_text  db 1

str_warning     db "hv bm: warning: ", 0
str_error       db "hv bm: error: ", 0
str_halted      db "hv bm: system halted", 0

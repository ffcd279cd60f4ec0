; cmos: reads the memory sizes hv put in CMOS RAM and the RTC's date and
; time, and checks that the clock ticks.  2 MiB of RAM: 640 KiB base,
; 1024 KiB above 1 MiB.  Prints ok:/FAIL: lines and powers off.
bits 16
org 0x7C00

    jmp start
%include "lib.inc"

; Two CMOS bytes, low index first -> EAX
%macro cmos16 2
    mov al, %2
    call cmos_read
    mov ah, al
    mov al, %1
    call cmos_read
    movzx eax, ax
%endmacro

start:
    guest_entry

    cmos16 0x15, 0x16
    cmp eax, 640
    mov si, msg_base
    call report
    cmos16 0x17, 0x18
    cmp eax, 1024
    mov si, msg_ext
    call report
    cmos16 0x30, 0x31
    cmp eax, 1024
    mov si, msg_ext2
    call report

    call cmos_wait_uip
    mov al, 0x32
    call cmos_clock
    mov bx, 100
    mul bx
    mov [year], ax
    mov al, 0x09
    call cmos_clock
    add [year], ax
    mov al, 0x08
    call cmos_clock
    mov [month], al
    mov al, 0x07
    call cmos_clock
    mov [day], al
    mov al, 0x04
    call cmos_clock
    mov [hour], al
    mov al, 0x02
    call cmos_clock
    mov [minute], al
    mov al, 0x00
    call cmos_clock
    mov [second], al

    mov si, msg_clock
    movzx eax, word [year]
    cmp eax, 2024
    jb .fail
    cmp byte [month], 1
    jb .fail
    cmp byte [month], 12
    ja .fail
    mov si, s_ok
    jmp .print
.fail:
    mov si, s_fail
.print:
    call puts
    mov si, msg_clock
    call puts
    mov ax, [year]
    call print_dec
    mov al, '-'
    call putc
    movzx ax, byte [month]
    call print_2dig
    mov al, '-'
    call putc
    movzx ax, byte [day]
    call print_2dig
    mov al, ' '
    call putc
    movzx ax, byte [hour]
    call print_2dig
    mov al, ':'
    call putc
    movzx ax, byte [minute]
    call print_2dig
    mov al, ':'
    call putc
    movzx ax, byte [second]
    call print_2dig
    mov si, s_crlf
    call puts

    ; the seconds move on (bounded wait: each poll is a few exits)
    mov ecx, 2000000
.tick:
    call cmos_wait_uip
    mov al, 0
    call cmos_clock
    cmp al, [second]
    jne .ticked
    dec ecx
    jnz .tick
.ticked:
    movzx eax, al
    cmp ecx, 0
    je .no
    cmp eax, eax
    jmp .rep
.no:
    cmp ecx, 1
.rep:
    mov si, msg_ticks
    call report

    mov si, msg_done
    call puts
    jmp power_off

year        dw 0
month       db 0
day         db 0
hour        db 0
minute      db 0
second      db 0
msg_base    db "cmos base memory 640 KiB", 0
msg_ext     db "cmos memory above 1 MiB 1024 KiB (0x17)", 0
msg_ext2    db "cmos memory above 1 MiB 1024 KiB (0x30)", 0
msg_clock   db "cmos clock ", 0
msg_ticks   db "cmos clock ticks: new second", 0
msg_done    db "cmos: done", 13, 10, 0

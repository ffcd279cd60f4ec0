; hostile: switches to 32-bit protected mode with flat segments and reads
; 1 GiB, far outside its 2 MiB of RAM.  hv must stop this VM with
; "killed: access outside its memory at gpa 0x40000000" and carry on.
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
    jz .pm
    out dx, al
    jmp .puts
.pm:
    lgdt [gdtr]
    mov eax, cr0
    or al, 1
    mov cr0, eax
    jmp 0x08:pm32

bits 32
pm32:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov eax, [0x40000000]
    ; Not reached under hv.
    mov dx, 0x3F8
    mov al, '!'
    out dx, al
.dead:
    hlt
    jmp .dead

align 8
gdt:
    dq 0
    dq 0x00CF9A000000FFFF       ; 0x08: flat 32-bit code
    dq 0x00CF92000000FFFF       ; 0x10: flat 32-bit data
gdtr:
    dw gdtr - gdt - 1
    dd gdt

msg db "hostile: reading gpa 0x40000000", 13, 10, 0

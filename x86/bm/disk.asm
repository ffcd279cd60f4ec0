; Sector reads from the boot drive with the INT 13h extensions (AH=42h), the
; only interface that reaches past 8 GiB and the one the MBR already relied on.

DISK_CHUNK      equ 64              ; sectors per call: 32 KiB, safe everywhere
DISK_RETRIES    equ 3

; EAX = LBA, CX = sectors, ES:BX = destination (BX a multiple of 16).
; Large reads go in chunks, advancing ES.  CF = 1 when the BIOS failed.
; Leaves ES as it was; clobbers nothing else.
disk_read:
        pushad
        push es
.chunk:
        jcxz .ok
        mov dx, cx
        cmp dx, DISK_CHUNK
        jbe .size_ok
        mov dx, DISK_CHUNK
.size_ok:
        mov [dap.count], dx
        mov [dap.offset], bx
        mov [dap.segment], es
        mov [dap.lba], eax
        mov di, DISK_RETRIES
.try:
        push dx
        mov si, dap
        mov dl, [HANDOFF + HO_BOOT_DRIVE]
        mov ah, 0x42
        int 0x13
        pop dx
        jnc .read
        dec di
        jz .failed
        push dx
        xor ah, ah                  ; reset the controller and try again
        mov dl, [HANDOFF + HO_BOOT_DRIVE]
        int 0x13
        pop dx
        jmp .try
.read:
        movzx edx, dx
        add eax, edx
        sub cx, dx
        shl dx, 5                   ; sectors to paragraphs
        mov si, es
        add si, dx
        mov es, si
        jmp .chunk
.ok:
        pop es
        popad
        clc
        ret
.failed:
        pop es
        popad
        stc
        ret

dap:
.size           db 16
.reserved       db 0
.count          dw 0
.offset         dw 0
.segment        dw 0
.lba            dd 0, 0

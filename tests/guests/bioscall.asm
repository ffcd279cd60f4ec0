; bioscall: calls every service of hv's virtual BIOS (kernel/vmm/vbios/)
; and prints one "ok: ..." or "FAIL: ..." line per check -- through INT 10h
; teletype, so the output itself proves INT 10h.  hv gives this VM 16 MiB
; (framebuffer at 0xD00000) and a 64-sector RAM disk whose sector n starts
; with "HVDISK" and the dword n.  Ends with "bioscall: done" and powers off.
bits 16
org 0x7C00

BUF1    equ 0x1000          ; segment of the read buffer (0x10000)
BUF2    equ 0x2000          ; segment of the write buffer (0x20000)
SMAP    equ 0x534D4150

    jmp start
%include "lib.inc"

; AL -> INT 10h teletype
tputc:
    push ax
    push bx
    mov ah, 0x0E
    xor bx, bx
    int 0x10
    pop bx
    pop ax
    ret

; DS:SI -> INT 10h teletype
tputs:
    push ax
.next:
    lodsb
    test al, al
    jz .done
    call tputc
    jmp .next
.done:
    pop ax
    ret

; EAX as 0x + 8 hex digits through INT 10h
thex32:
    push eax
    push cx
    push eax
    mov al, '0'
    call tputc
    mov al, 'x'
    call tputc
    pop eax
    mov cx, 8
.digit:
    rol eax, 4
    push eax
    and al, 0x0F
    add al, '0'
    cmp al, '9'
    jbe .put
    add al, 'a' - '9' - 1
.put:
    call tputc
    pop eax
    loop .digit
    pop cx
    pop eax
    ret

; "ok: <SI> (EAX)" when ZF is set, else "FAIL: <SI> (EAX)".  Keeps registers.
check:
    pushf
    push eax
    push si
    je .ok
    mov si, s_fail
    jmp .tag
.ok:
    mov si, s_ok
.tag:
    call tputs
    pop si
    call tputs
    mov si, s_open
    call tputs
    call thex32
    mov si, s_close
    call tputs
    pop eax
    popf
    ret

; ZF = !CF (so "expect CF clear" can go straight to check)
%macro cf_clear_zf 0
    jc %%bad
    cmp al, al
    jmp %%done
%%bad:
    or sp, sp               ; ZF = 0 (sp is never 0 here)
%%done:
%endmacro

; INT 13h AH=42h/43h (%1) of %2 sectors at LBA %3 to/from segment %4
%macro disk_io 4
    mov byte [dap.size], 0x10
    mov word [dap.count], %2
    mov word [dap.off], 0
    mov word [dap.seg], %4
    mov dword [dap.lba], %3
    mov dword [dap.lba + 4], 0
    mov si, dap
    mov dl, 0x80
    mov ah, %1
    int 0x13
%endmacro

start:
    guest_entry
    mov [boot_drive], dl

    mov si, msg_hello
    call tputs

    ; hv boots us like a disk: DL = 0x80
    movzx eax, byte [boot_drive]
    cmp al, 0x80
    mov si, msg_dl
    call check

    ; INT 10h AH=03h: the cursor follows the teletype
    mov si, msg_cursor_probe
    call tputs
    mov ah, 0x03
    xor bh, bh
    int 0x10
    movzx eax, dx
    cmp dl, 7               ; column 7
    mov si, s_crlf
    call tputs
    mov si, msg_cursor
    call check

    ; INT 11h / INT 12h
    int 0x11
    movzx eax, ax
    push ax
    and ax, 0x0200
    cmp ax, 0x0200
    pop ax
    mov si, msg_int11
    call check
    int 0x12
    movzx eax, ax
    cmp ax, 639
    mov si, msg_int12
    call check

    ; INT 13h AH=41h: extensions present
    mov ah, 0x41
    mov bx, 0x55AA
    mov dl, 0x80
    int 0x13
    movzx eax, bx
    jc .ext_bad
    cmp bx, 0xAA55
    jne .ext_bad
    test cl, 1
    jz .ext_bad
    cmp al, al
    jmp .ext_done
.ext_bad:
    or sp, sp
.ext_done:
    mov si, msg_ext
    call check

    ; AH=48h: 64 sectors
    mov word [params], 0x1E
    mov ah, 0x48
    mov dl, 0x80
    mov si, params
    int 0x13
    mov eax, [params + 16]
    jc .p_bad
    cmp eax, 64
    jmp .p_done
.p_bad:
    or sp, sp
.p_done:
    mov si, msg_params
    call check

    ; AH=08h: 63 sectors per track, one drive
    mov ah, 0x08
    mov dl, 0x80
    int 0x13
    movzx eax, cx
    jc .geo_bad
    and cl, 0x3F
    cmp cl, 63
    jne .geo_bad
    cmp dl, 1
    jmp .geo_done
.geo_bad:
    or sp, sp
.geo_done:
    mov si, msg_geometry
    call check

    ; AH=42h: sectors 5 and 6 into BUF1
    disk_io 0x42, 2, 5, BUF1
    push ds
    push word BUF1
    pop ds
    mov eax, [6]
    mov ebx, [0x200 + 6]
    mov ecx, [0]
    pop ds
    jc .rd_bad
    cmp ecx, 'HVDI'
    jne .rd_bad
    cmp ebx, 6
    jne .rd_bad
    cmp eax, 5
    jmp .rd_done
.rd_bad:
    or sp, sp
.rd_done:
    mov si, msg_read
    call check

    ; AH=43h: write sector 7 from BUF2, read it back into BUF1
    push es
    push word BUF2
    pop es
    xor di, di
    mov cx, 512
    mov al, 0xA5
    rep stosb
    mov dword [es:0], 'WROT'
    pop es
    disk_io 0x43, 1, 7, BUF2
    jc .wr_bad
    disk_io 0x42, 1, 7, BUF1
    jc .wr_bad
    push ds
    push word BUF1
    pop ds
    mov eax, [0]
    mov bl, [511]
    pop ds
    cmp bl, 0xA5
    jne .wr_bad
    cmp eax, 'WROT'
    jmp .wr_done
.wr_bad:
    or sp, sp
.wr_done:
    mov si, msg_write
    call check

    ; AH=42h past the end of the disk: CF, AH=04h, nothing transferred
    disk_io 0x42, 1, 64, BUF1
    movzx eax, ax
    jnc .end_bad
    cmp ah, 0x04
    jne .end_bad
    cmp word [dap.count], 0
    jmp .end_done
.end_bad:
    or sp, sp
.end_done:
    mov si, msg_past_end
    call check

    ; AH=42h into a flat buffer outside guest RAM: CF, AH=01h
    mov byte [dap.size], 0x18
    mov word [dap.count], 1
    mov dword [dap.off], 0xFFFFFFFF
    mov dword [dap.lba], 0
    mov dword [dap.lba + 4], 0
    mov dword [dap.flat], 0x40000000
    mov dword [dap.flat + 4], 0
    mov si, dap
    mov dl, 0x80
    mov ah, 0x42
    int 0x13
    movzx eax, ax
    jnc .out_bad
    cmp ah, 0x01
    jmp .out_done
.out_bad:
    or sp, sp
.out_done:
    mov si, msg_outside
    call check

    ; A drive that does not exist
    mov ah, 0x00
    mov dl, 0x81
    int 0x13
    movzx eax, ax
    jc .nodrive_ok
    or sp, sp
    jmp .nodrive_done
.nodrive_ok:
    cmp al, al
.nodrive_done:
    mov si, msg_nodrive
    call check

    ; INT 15h E820: walk the map with the EBX continuation
    xor ebx, ebx
    xor bp, bp              ; entries
    mov di, e820_buf
.e820_next:
    mov eax, 0xE820
    mov edx, SMAP
    mov ecx, 24
    int 0x15
    jc .e820_end
    cmp eax, SMAP
    jne .e820_end
    inc bp
    add di, 24
    cmp bp, 8
    jae .e820_end
    test ebx, ebx
    jnz .e820_next
.e820_end:
    movzx eax, bp
    cmp bp, 5
    jne .e820_bad
    cmp dword [e820_buf + 8], 0x9FC00       ; usable below the EBDA
    jne .e820_bad
    cmp dword [e820_buf + 3 * 24 + 8], 0xC00000   ; 1 MiB .. framebuffer
    jne .e820_bad
    cmp dword [e820_buf + 4 * 24], 0xD00000 ; the framebuffer, reserved
    jne .e820_bad
    cmp dword [e820_buf + 4 * 24 + 16], 2
.e820_bad:
    mov si, msg_e820
    call check

    ; E820 without the SMAP signature: CF
    mov eax, 0xE820
    xor edx, edx
    xor ebx, ebx
    mov ecx, 24
    mov di, e820_buf
    int 0x15
    movzx eax, ax
    jc .sig_ok
    or sp, sp
    jmp .sig_done
.sig_ok:
    cmp al, al
.sig_done:
    mov si, msg_e820_sig
    call check

    ; AX=2401h A20, AH=88h, AX=E801h, AH=86h
    mov ax, 0x2401
    int 0x15
    movzx eax, ax
    cf_clear_zf
    mov si, msg_a20
    call check
    mov ah, 0x88
    int 0x15
    movzx eax, ax
    jc .m88_bad
    cmp ax, 12288           ; 12 MiB between 1 MiB and the framebuffer
    jmp .m88_done
.m88_bad:
    or sp, sp
.m88_done:
    mov si, msg_88
    call check
    mov ax, 0xE801
    int 0x15
    movzx eax, ax
    jc .e801_bad
    cmp ax, 12288
    jne .e801_bad
    cmp bx, 0
    jmp .e801_done
.e801_bad:
    or sp, sp
.e801_done:
    mov si, msg_e801
    call check
    mov ah, 0x86
    xor cx, cx
    mov dx, 1000
    int 0x15
    movzx eax, ax
    cf_clear_zf
    mov si, msg_wait
    call check

    ; An unknown function: CF, AH=86h
    mov ah, 0xEE
    int 0x15
    movzx eax, ax
    jnc .bad_fn_bad
    cmp ah, 0x86
    jmp .bad_fn_done
.bad_fn_bad:
    or sp, sp
.bad_fn_done:
    mov si, msg_badfn
    call check

    ; INT 16h AH=01h: no key typed
    mov ah, 0x01
    int 0x16
    mov eax, 0
    mov si, msg_nokey
    call check              ; ZF set = no key

    ; INT 1Ah AH=02h/04h: BCD time and date
    mov ah, 0x02
    int 0x1A
    movzx eax, cx
    shl eax, 16
    mov ax, dx
    jc .time_bad
    cmp ch, 0x23
    ja .time_bad
    cmp cl, 0x59
    ja .time_bad
    cmp dh, 0x59
    ja .time_bad
    cmp al, al
    jmp .time_done
.time_bad:
    or sp, sp
.time_done:
    mov si, msg_time
    call check
    mov ah, 0x04
    int 0x1A
    movzx eax, cx
    shl eax, 16
    mov ax, dx
    jc .date_fail
    cmp ch, 0x20
    jne .date_fail
    cmp dh, 0x12
    ja .date_fail
    test dh, dh
    jz .date_fail
    cmp al, al
    jmp .date_done
.date_fail:
    or sp, sp
.date_done:
    mov si, msg_date
    call check

    ; INT 1Ah AH=00h: the tick count moves (IRQ0 at 18.2 Hz, BIOS handler)
    mov ah, 0x00
    int 0x1A
    mov [tick0], dx
    sti
    mov cx, 100             ; at most 100 interrupts
.tick_wait:
    hlt
    mov ah, 0x00
    int 0x1A
    cmp dx, [tick0]
    jne .ticked
    loop .tick_wait
.ticked:
    cli
    movzx eax, dx
    sub ax, [tick0]
    cmp dx, [tick0]
    je .tick_bad
    cmp al, al
    jmp .tick_done
.tick_bad:
    or sp, sp
.tick_done:
    mov si, msg_ticks
    call check

    ; VBE 4F00h: "VESA" 3.0, the mode list holds 0x118
    mov dword [vbe_info], 'VBE2'
    mov di, vbe_info
    mov ax, 0x4F00
    int 0x10
    movzx eax, ax
    cmp ax, 0x004F
    jne .vi_bad
    cmp dword [vbe_info], 'VESA'
    jne .vi_bad
    cmp word [vbe_info + 4], 0x0300
    jne .vi_bad
    push fs
    lfs si, [vbe_info + 0x0E]
    mov bx, [fs:si]
    pop fs
    movzx eax, bx
    cmp bx, 0x118
.vi_bad:
    mov si, msg_vbe_info
    call check

    ; 4F01h: 1024x768x32 with a framebuffer at 0xD00000
    mov ax, 0x4F01
    mov cx, 0x118
    mov di, mode_info
    int 0x10
    movzx eax, ax
    cmp ax, 0x004F
    jne .mi_bad
    cmp word [mode_info + 0x12], 1024
    jne .mi_bad
    cmp word [mode_info + 0x14], 768
    jne .mi_bad
    cmp byte [mode_info + 0x19], 32
    jne .mi_bad
    mov eax, [mode_info + 0x28]
    cmp eax, 0xD00000
.mi_bad:
    mov si, msg_vbe_mode
    call check

    ; 4F01h of a mode hv does not have: AX=014Fh
    mov ax, 0x4F01
    mov cx, 0x101
    mov di, mode_info
    int 0x10
    movzx eax, ax
    cmp ax, 0x014F
    mov si, msg_vbe_bad
    call check

    ; 4F02h: set it with the LFB, then back to text mode 3
    mov ax, 0x4F02
    mov bx, 0x4118
    int 0x10
    movzx eax, ax
    cmp ax, 0x004F
    jne .set_bad
    mov ax, 0x4F03
    int 0x10
    movzx eax, bx
    cmp bx, 0x4118
.set_bad:
    pushf
    push eax
    mov ax, 0x0003
    int 0x10
    pop eax
    popf
    mov si, msg_vbe_set
    call check

    mov si, msg_done
    call tputs
    jmp power_off

boot_drive  db 0
tick0       dw 0
msg_hello   db "bioscall: via INT 10h teletype", 13, 10, 0
msg_dl      db "boot drive DL=80h", 0
msg_cursor_probe db "cursor:", 0
msg_cursor  db "INT 10h AH=03h cursor after 7 characters", 0
msg_int11   db "INT 11h equipment: one serial port", 0
msg_int12   db "INT 12h 639 KiB base memory", 0
msg_ext     db "INT 13h AH=41h extensions", 0
msg_params  db "INT 13h AH=48h 64 sectors", 0
msg_geometry db "INT 13h AH=08h geometry", 0
msg_read    db "INT 13h AH=42h read sectors 5-6", 0
msg_write   db "INT 13h AH=43h write sector 7 and read it back", 0
msg_past_end db "INT 13h AH=42h past the end: CF, AH=04h, count 0", 0
msg_outside db "INT 13h AH=42h buffer outside RAM: CF, AH=01h", 0
msg_nodrive db "INT 13h drive 81h: CF", 0
msg_e820    db "INT 15h E820: 5 entries via EBX continuation", 0
msg_e820_sig db "INT 15h E820 without SMAP: CF", 0
msg_a20     db "INT 15h AX=2401h A20", 0
msg_88      db "INT 15h AH=88h 12288 KiB", 0
msg_e801    db "INT 15h AX=E801h", 0
msg_wait    db "INT 15h AH=86h wait", 0
msg_badfn   db "INT 15h AH=EEh: CF, AH=86h", 0
msg_nokey   db "INT 16h AH=01h no key", 0
msg_time    db "INT 1Ah AH=02h BCD time", 0
msg_date    db "INT 1Ah AH=04h BCD date", 0
msg_ticks   db "INT 1Ah AH=00h ticks advance", 0
msg_vbe_info db "VBE 4F00h controller info", 0
msg_vbe_mode db "VBE 4F01h 1024x768x32 LFB", 0
msg_vbe_bad db "VBE 4F01h unknown mode: 014Fh", 0
msg_vbe_set db "VBE 4F02h set 4118h", 0
msg_done    db "bioscall: done", 13, 10, 0

align 4
dap:
.size   db 0
.zero   db 0
.count  dw 0
.off    dw 0
.seg    dw 0
.lba    dq 0
.flat   dq 0
params      times 0x1E db 0
align 4
e820_buf    times 8 * 24 db 0
vbe_info    times 512 db 0
mode_info   times 256 db 0

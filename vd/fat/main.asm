; hv MBR (stage 1): finds BM.BIN on the active FAT16 partition, loads it at
; 0000:8000 and jumps there with DL = boot drive, EBX = partition LBA.
; docs/boot.md "Stage 1" is the contract; this file follows its memory map:
;
;   0000:6000  stack top            07C0:0000  this code (0x7C00), stays put
;   07C0:0200  VBR, then root dir   0000:8000  BM.BIN (overwrites the root dir)
;   17C0:0200  first FAT (0x17E00): its first 64 sectors, ending at 0x1FE00
;
; The file assembles to a whole 512-byte sector whose partition table area is
; zero.  The image builder (tools/mkimage.py) keeps the first 446 bytes and
; writes the partition table and 0x55AA itself; the check at the end keeps
; the code out of the table.
;
; Every failure prints "hv mbr: error: <what>" and "hv mbr: system halted"
; on the screen (INT 10h) and on COM1 (115200 8N1), then halts for good.
; An error site is `call fatal` followed by its message: fatal pops the
; message's address, which keeps each site at three bytes.
;
; What does not fit in 446 bytes, and so is assumed rather than checked:
; BM.BIN is at most 0xFE00 bytes (it must end below the FAT buffer), its
; clusters are among the first 16384 (the 64 FAT sectors read), the root
; directory has fewer than 4096 entries.  A BIOS without the INT 13h
; extensions gets "disk read error".

bits 16
org 0x7C00

ROOT_SEG    equ 0x07E0          ; 0x7E00: the VBR, then root directory sectors
BM_SEG      equ 0x0800          ; 0x8000: BM.BIN
FAT_SEG     equ 0x17E0          ; 0x17E00: the first FAT
FAT_READ    equ 64              ; sectors: 0x17E00 + 64 * 512 <= 0x20000
COM1        equ 0x3F8

BPB         equ 0x7E00
BPB_SPC     equ BPB + 0x0D      ; byte: sectors per cluster
BPB_RSVD    equ BPB + 0x0E      ; word: reserved sectors before the FAT
BPB_NFATS   equ BPB + 0x10      ; byte: number of FATs
BPB_ROOTENT equ BPB + 0x11      ; word: root directory entries
BPB_FATSZ   equ BPB + 0x16      ; word: sectors per FAT

; Variables live in free RAM just below the MBR, addressed from BP = 0x7C00
; for short encodings.  LBAs are relative to the partition, except V_PART.
; DL keeps the boot drive from the BIOS to BM: nothing below changes it.
V_PART      equ -4              ; dword: first LBA of the boot partition
V_DATA      equ -8              ; dword: LBA of cluster 2
V_SPC       equ -13             ; byte: sectors per cluster

start:
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax                  ; no interrupt until after the next one
    mov sp, 0x6000
    cld
    mov bp, 0x7C00

    ; Only the INT 13h extensions reach every LBA; without them, give up.
    mov ah, 0x41
    mov bx, 0x55AA
    int 0x13
    jnc main

err_disk:
    call fatal
    db "disk read error", 0

; Reads the sector at partition-relative LBA EAX to BX:0000, then advances
; EAX by one sector and BX by 512 bytes.
read1:
    pushad
    add eax, [bp+V_PART]
    push dword 0                ; disk address packet, built on the stack
    push eax
    push bx
    push byte 0
    push byte 1
    push byte 16
    mov si, sp
    mov ah, 0x42
    int 0x13
    jc err_disk
    add sp, 16
    popad
    inc eax
    add bx, 512 / 16
return:
    ret

; Sets up COM1 (only now: a good boot leaves it to BM), prints
; "hv mbr: error: ", the string at the return address and the halt line,
; then stops the machine.
fatal:
    mov dx, COM1 + 3
    mov al, 0x80                ; DLAB on
    out dx, al
    mov dl, COM1 & 0xFF
    mov ax, 1                   ; divisor 1: 115200 baud
    out dx, ax
    mov dl, (COM1 + 3) & 0xFF
    mov al, 3                   ; 8N1, DLAB off
    out dx, al
    mov si, msg_error
    call puts
    pop si
    call puts
    mov si, msg_halted
    call puts
.halt:
    cli
    hlt
    jmp .halt

; Prints the NUL-terminated string at SI on COM1 and on the screen.
puts:
    mov dx, COM1 + 5
.tx_wait:                       ; until the transmitter holding register is free
    in al, dx
    test al, 0x20
    jz .tx_wait
    lodsb
    test al, al
    jz return                   ; read1's ret: one byte saved
    mov dl, COM1 & 0xFF
    out dx, al
    mov ah, 0x0E
    mov bh, 0
    int 0x10
    jmp puts

main:
    mov si, 0x7DBE              ; the partition table
    mov cx, 4
.part:
    test byte [si], 0x80
    jnz .active
    add si, 16
    loop .part
    call fatal
    db "no boot partition", 0
.active:
    mov eax, [si+8]
    mov [bp+V_PART], eax

    xor eax, eax                ; the VBR, for its BPB
    mov bx, ROOT_SEG
    call read1                  ; EAX = 1 now: its upper half stays 0 below

    ; The FAT, whatever its size: 64 sectors hold the first 16384 clusters.
    mov ax, [BPB_RSVD]
    mov cx, FAT_READ
    mov bx, FAT_SEG
.fat:
    call read1
    loop .fat

    ; Where the root directory and cluster 2 are.
    mov al, [BPB_NFATS]
    cbw
    imul ax, [BPB_FATSZ]
    add ax, [BPB_RSVD]          ; the root directory
    mov cx, [BPB_ROOTENT]
    shr cx, 4                   ; its sectors, 16 entries each
    add ax, cx
    mov [bp+V_DATA], eax
    sub ax, cx
    mov bl, [BPB_SPC]
    mov [bp+V_SPC], bl

    ; The root directory, one sector at a time through the 0x7E00 buffer.
    ; (A FAT32 partition has no root entries here: CX = 0 wraps to 65536
    ; reads of its FAT, then "missing".)
.root_sector:
    mov bx, ROOT_SEG
    call read1
    mov di, BPB
.entry:
    pusha
    mov si, bm_name
    mov cl, 11                  ; CH is 0: no root has 256 sectors
    repe cmpsb
    popa
    je found
    add di, 32                  ; 0x8000 sets the sign: the sector is done
    jns .entry
    loop .root_sector
err_missing:
    call fatal
    db "BM.BIN missing", 0

found:
    mov esi, [di+26]            ; SI: the first cluster, upper half: size
    mov di, [di+28]             ; DI: bytes still to load

    ; BM.BIN, sector by sector, until the size in the directory is read.
    push FAT_SEG
    pop fs                      ; BX = BM_SEG from the last root sector read
.cluster:
    lea eax, [si-2]             ; free (0, 1), bad or end of chain (>= 0xFFF0)
    cmp ax, 0xFFF0 - 2          ; before the size is read: the file is cut
    jae err_truncated
    movzx ecx, byte [bp+V_SPC]
    imul eax, ecx
    add eax, [bp+V_DATA]
.sector:
    call read1
    sub di, 512
    jbe .loaded
    loop .sector
    shl si, 1
    mov si, [fs:si]
    jmp .cluster

.loaded:
    cmp dword [0x8002], 'HVBM'
    jne err_missing
    shr esi, 16                 ; the length BM.BIN says it has must all be
    cmp esi, [0x8006]           ; there: a shorter file was cut off
    jb err_truncated
    mov ebx, [bp+V_PART]
    jmp 0:0x8000

err_truncated:
    call fatal
    db "BM.BIN truncated", 0

bm_name:    db "BM      BIN"
msg_error:  db "hv mbr: error: ", 0
msg_halted: db 13, 10, "hv mbr: system halted", 13, 10, 0

%if ($ - $$) > 446
%error "MBR code is over 446 bytes"
%endif
    times 510 - ($ - $$) db 0
    dw 0xAA55

; Just enough FAT16 to read files from the boot partition's root directory.
; The root directory is scanned one sector at a time (DIR_BUF) and the FAT is
; read on demand, one cached sector (FAT_BUF), so file size is bounded only
; by the caller's limit, not by buffers.

FAT_OK          equ 0
FAT_TRUNCATED   equ 1               ; the cluster chain ends before the file does
FAT_READ_ERROR  equ 2

; Reads the boot partition's BPB and works out where things are.
; Stops the boot when the volume is not FAT16 as BM understands it.
fat_init:
        mov eax, [HANDOFF + HO_BOOT_PART]
        mov cx, 1
        mov bx, DIR_BUF
        call disk_read
        jc fat_fatal_read

        cmp word [DIR_BUF + 0x0B], 512      ; bytes per sector
        jne .bad
        movzx eax, byte [DIR_BUF + 0x0D]    ; sectors per cluster
        test al, al
        jz .bad
        mov [fat_spc], ax
        movzx ecx, word [DIR_BUF + 0x16]    ; sectors per FAT (0 on FAT32)
        test ecx, ecx
        jz .bad
        cmp byte [DIR_BUF + 0x10], 0        ; number of FATs
        je .bad

        movzx eax, word [DIR_BUF + 0x0E]    ; reserved sectors
        add eax, [HANDOFF + HO_BOOT_PART]
        mov [fat_lba], eax
        movzx edx, byte [DIR_BUF + 0x10]
        imul ecx, edx
        add eax, ecx
        mov [fat_root_lba], eax
        movzx ecx, word [DIR_BUF + 0x11]    ; root entries, 16 per sector
        add ecx, 15
        shr ecx, 4
        jz .bad
        mov [fat_root_sectors], cx
        add eax, ecx
        mov [fat_data_lba], eax

        ; Clusters past the end of the volume would read someone else's
        ; sectors: remember where the volume ends.
        movzx eax, word [DIR_BUF + 0x13]
        test eax, eax
        jnz .have_total
        mov eax, [DIR_BUF + 0x20]
.have_total:
        add eax, [HANDOFF + HO_BOOT_PART]
        sub eax, [fat_data_lba]
        jbe .bad
        xor edx, edx
        movzx ecx, word [fat_spc]
        div ecx
        add eax, 2                          ; first cluster number past the end
        cmp eax, 0xFFF7
        jbe .limit_ok
        mov eax, 0xFFF7
.limit_ok:
        mov [fat_cluster_limit], ax
        mov word [fat_cached], 0xFFFF
        ret
.bad:
        mov si, str_not_fat16
        jmp fatal

fat_fatal_read:
        mov si, str_disk_error
        jmp fatal

; SI = 11-byte 8.3 name ("BL      BIN").  CF = 1 when not in the root
; directory; else AX = first cluster, EDX = size in bytes.  A read error
; here is fatal: nothing can boot from a disk that cannot be read.
fat_find:
        push bx
        push cx
        push di
        mov eax, [fat_root_lba]
        mov cx, [fat_root_sectors]
.sector:
        push cx
        mov cx, 1
        mov bx, DIR_BUF
        call disk_read
        pop cx
        jc fat_fatal_read
        mov di, DIR_BUF
.entry:
        cmp byte [di], 0                    ; end of the directory
        je .missing
        test byte [di + 11], 0x18           ; volume labels (and LFN parts), directories
        jnz .following
        push si
        push di
        push cx
        mov cx, 11
        repe cmpsb
        pop cx
        pop di
        pop si
        je .found                           ; a deleted entry starts with 0xE5: no match
.following:
        add di, 32
        cmp di, DIR_BUF + 512
        jb .entry
        inc eax
        loop .sector
.missing:
        stc
        jmp .done
.found:
        mov ax, [di + 26]
        mov edx, [di + 28]
        clc
.done:
        pop di
        pop cx
        pop bx
        ret

; AX = cluster -> AX = the next one in its chain; CF = 1 on a read error.
fat_next:
        push bx
        push cx
        push dx
        mov dx, ax
        mov al, ah
        xor ah, ah                          ; FAT sector: 256 entries each
        cmp ax, [fat_cached]
        je .cached
        push eax
        push es                             ; the caller's is its load segment
        push ds
        pop es
        movzx eax, ax
        add eax, [fat_lba]
        mov cx, 1
        mov bx, FAT_BUF
        call disk_read
        pop es
        pop eax
        jc .done
        mov [fat_cached], ax
.cached:
        movzx bx, dl
        shl bx, 1
        mov ax, [FAT_BUF + bx]
        clc
.done:
        pop dx
        pop cx
        pop bx
        ret

; AX = first cluster, EDX = bytes to load, ES = destination segment (offset
; 0).  Whole clusters are read, so up to a cluster minus one byte past the
; end gets written too.  AL = FAT_OK / FAT_TRUNCATED / FAT_READ_ERROR, CF
; set unless FAT_OK.  Preserves ES.
fat_load:
        push es
        push ebx
        push ecx
        push edx
        push si
        movzx ecx, word [fat_spc]
        shl ecx, 9                          ; bytes per cluster
        mov si, ax
.cluster:
        test edx, edx
        jz .ok
        cmp si, 2
        jb .truncated
        cmp si, [fat_cluster_limit]
        jae .truncated                      ; end of chain, bad cluster, or off the volume
        push edx
        push ecx
        movzx eax, si
        sub eax, 2
        movzx ecx, word [fat_spc]
        mul ecx
        add eax, [fat_data_lba]
        xor bx, bx
        call disk_read                      ; cx = sectors per cluster
        pop ecx
        pop edx
        jc .read_error
        mov ax, es
        mov bx, [fat_spc]
        shl bx, 5
        add ax, bx
        mov es, ax
        sub edx, ecx
        jae .more
        xor edx, edx
.more:
        mov ax, si
        call fat_next
        jc .read_error
        mov si, ax
        jmp .cluster
.ok:
        mov al, FAT_OK
        clc
        jmp .done
.truncated:
        mov al, FAT_TRUNCATED
        stc
        jmp .done
.read_error:
        mov al, FAT_READ_ERROR
        stc
.done:
        pop si
        pop edx
        pop ecx
        pop ebx
        pop es
        ret

fat_spc             dw 0            ; sectors per cluster
fat_root_sectors    dw 0
fat_cluster_limit   dw 0            ; first cluster number that is not data
fat_cached          dw 0            ; FAT sector (relative) now in FAT_BUF
fat_lba             dd 0            ; first sector of the first FAT
fat_root_lba        dd 0
fat_data_lba        dd 0            ; sector of cluster 2

str_not_fat16       db "the boot partition is not FAT16", 0
str_disk_error      db "disk read error", 0

; BL.BIN from the boot partition to 0x20000, checked before anyone jumps
; into it: its header page (struct hv_image_header in bootinfo.h) must carry
; "HVBL", and the size it claims must be there on disk.

IMG_MAGIC       equ 0
IMG_FILE_SIZE   equ 8

bl_load:
        mov si, name_bl_bin
        call fat_find
        mov si, str_bl_missing
        jc .fail
        mov si, str_bl_too_large
        cmp edx, BL_MAX_SIZE
        ja .fail
        mov si, str_bl_bad_header
        cmp edx, BL_HEADER_SIZE
        jbe .fail                           ; not even the header and some code
        mov [bl_dir_size], edx
        push LOAD_SEG
        pop es
        call fat_load
        push ds
        pop es
        jnc .loaded
        mov si, str_bl_truncated
        cmp al, FAT_TRUNCATED
        je .fail
        mov si, str_disk_error
        jmp .fail
.loaded:
        push LOAD_SEG
        pop fs
        mov eax, [fs:IMG_MAGIC]
        mov edx, [fs:IMG_FILE_SIZE]
        push ds
        pop fs
        mov si, str_bl_bad_header
        cmp eax, HV_IMAGE_MAGIC_BL
        jne .fail
        cmp edx, BL_HEADER_SIZE
        jbe .fail
        mov si, str_bl_truncated
        cmp edx, [bl_dir_size]
        ja .fail
        ret
.fail:
        jmp fatal

HV_IMAGE_MAGIC_BL equ 0x4c425648    ; "HVBL"

bl_dir_size     dd 0
name_bl_bin     db "BL      BIN"
str_bl_missing  db "BL.BIN missing", 0
str_bl_truncated db "BL.BIN truncated", 0
str_bl_bad_header db "BL.BIN is not a boot loader (bad header)", 0
str_bl_too_large db "BL.BIN is larger than 384 KiB", 0

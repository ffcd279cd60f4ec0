; HV.CFG, as far as BM cares: boot.default and boot.timeout (docs/boot.md,
; "HV.CFG").  BL reads the whole file again and reports malformed lines and
; unknown keys, so BM stays silent about those and only warns about what it
; acts on.  A bad value falls back to that key's default; the warning says so
; and sets HV_BI_CONFIG_WARNINGS.

DEFAULT_MODE    equ 0               ; HV_MODE_HYPERVISOR
DEFAULT_TIMEOUT equ 3
MAX_TIMEOUT     equ 60

config_read:
        mov byte [cfg_mode], DEFAULT_MODE
        mov byte [cfg_timeout], DEFAULT_TIMEOUT
        mov si, name_hv_cfg
        call fat_find
        mov si, str_cfg_missing
        jc .warn
        mov si, str_cfg_too_large
        cmp edx, CFG_MAX_SIZE
        ja .warn
        push LOAD_SEG
        pop es
        call fat_load
        push ds
        pop es
        mov si, str_cfg_unreadable
        jc .warn
        mov [cfg_size], dx
        jmp config_parse
.warn:
        jmp config_warn

; SI = the problem: "hv bm: warning: HV.CFG: <SI>" and the hand-off flag.
config_warn:
        push si
        mov si, str_cfg_prefix
        call puts
        pop si
        call put_line
        or byte [HANDOFF + HO_FLAGS], HV_BI_CONFIG_WARNINGS
        ret

; The text is at LOAD_SEG:0, cfg_size bytes; FS addresses it.  Line by line:
; cut at '#', trim, split at the first '=', trim both halves.
config_parse:
        push LOAD_SEG
        pop fs
        xor si, si
.line:
        cmp si, [cfg_size]
        jae .done
        mov bx, si                          ; bx = line start
.find_end:                                  ; si = end of the useful part
        cmp si, [cfg_size]
        jae .cut
        mov al, [fs:si]
        cmp al, 10
        je .cut
        cmp al, '#'
        je .cut
        inc si
        jmp .find_end
.cut:
        mov dx, si                          ; dx = end of the useful part
.skip_rest:                                 ; the comment, up to the newline
        cmp si, [cfg_size]
        jae .parse
        cmp byte [fs:si], 10
        je .newline
        inc si
        jmp .skip_rest
.newline:
        inc si
.parse:
        push si
        call config_line                    ; [bx, dx)
        pop si
        jmp .line
.done:
        push ds
        pop fs
        ret

; One line's useful part, [BX, DX) in FS.  Keys other than ours are BL's.
config_line:
        call trim                           ; bx..dx trimmed
        cmp bx, dx
        je .ignore
        mov di, bx
.find_eq:
        cmp di, dx
        je .ignore                          ; no '=': malformed, BL says so
        cmp byte [fs:di], '='
        je .split
        inc di
        jmp .find_eq
.split:
        push dx
        mov dx, di                          ; key = [bx, di)
        call trim
        mov si, key_default
        call text_is
        mov bp, config_default
        je .value
        mov si, key_timeout
        call text_is
        mov bp, config_timeout
        je .value
        pop dx
.ignore:
        ret
.value:
        pop dx
        lea bx, [di + 1]                    ; value = (di, dx)
        call trim
        jmp bp

; The value in [BX, DX) names a boot mode.
config_default:
        xor cl, cl
        mov si, mode_names
.next:
        call text_is
        je .found
.skip:  lodsb                               ; past this name's NUL
        test al, al
        jnz .skip
        inc cl
        cmp cl, 4
        jb .next
        mov byte [cfg_mode], DEFAULT_MODE
        mov si, str_cfg_bad_default
        jmp config_warn
.found:
        mov [cfg_mode], cl
        ret

; The value in [BX, DX) is whole seconds, 0-60.
config_timeout:
        cmp bx, dx
        je .bad
        xor ax, ax
.digit:
        mov cl, [fs:bx]
        sub cl, '0'
        cmp cl, 9
        ja .bad
        imul ax, 10
        add al, cl
        cmp ax, MAX_TIMEOUT                 ; checked per digit: no overflow
        ja .bad
        inc bx
        cmp bx, dx
        jb .digit
        mov [cfg_timeout], al
        ret
.bad:
        mov byte [cfg_timeout], DEFAULT_TIMEOUT
        mov si, str_cfg_bad_timeout
        jmp config_warn

; Narrows [BX, DX) in FS to leave out blanks (space, tab, CR) at both ends.
trim:
.front:
        cmp bx, dx
        je .done
        mov al, [fs:bx]
        call is_blank
        jne .back
        inc bx
        jmp .front
.back:
        cmp bx, dx
        je .done
        mov si, dx
        mov al, [fs:si - 1]
        call is_blank
        jne .done
        dec dx
        jmp .back
.done:  ret

; ZF = 1 when AL is a blank.
is_blank:
        cmp al, ' '
        je .yes
        cmp al, 9
        je .yes
        cmp al, 13
.yes:   ret

; ZF = 1 when [BX, DX) in FS equals the NUL-terminated SI.  Keeps registers.
text_is:
        push si
        push bx
.next:
        cmp bx, dx
        je .end_of_text
        mov al, [si]
        test al, al
        jz .differ                          ; text is longer
        cmp al, [fs:bx]
        jne .differ
        inc si
        inc bx
        jmp .next
.end_of_text:
        cmp byte [si], 0                    ; both ended?
        jmp .out
.differ:
        or al, 1                            ; ZF = 0
.out:
        pop bx
        pop si
        ret

cfg_mode        db DEFAULT_MODE
cfg_timeout     db DEFAULT_TIMEOUT
cfg_size        dw 0

name_hv_cfg     db "HV      CFG"
key_default     db "boot.default", 0
key_timeout     db "boot.timeout", 0
mode_names      db "hypervisor", 0, "os", 0, "installer", 0, "recovery", 0

str_cfg_prefix      db "hv bm: warning: HV.CFG: ", 0
str_cfg_missing     db "not found, using defaults", 0
str_cfg_too_large   db "larger than 60 KiB, using defaults", 0
str_cfg_unreadable  db "cannot be read, using defaults", 0
str_cfg_bad_default db "boot.default is not a boot mode, using hypervisor", 0
str_cfg_bad_timeout db "boot.timeout is not 0-60 seconds, using 3", 0

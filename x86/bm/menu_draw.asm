; What the boot menu looks like: a framed dialog written straight into the
; 80x25 text screen (0xB800), and the same content as plain lines on COM1.

VGA_SEG         equ 0xB800
BOX_TOP         equ 7
BOX_LEFT        equ 10
BOX_WIDTH       equ 60
BOX_BOTTOM      equ 16
ENTRY_ROW       equ 9               ; first entry; one row each
PROMPT_ROW      equ 14
BELOW_BOX_ROW   equ 18              ; where later messages go

ATTR_BOX        equ 0x1F            ; white on blue
ATTR_SELECTED   equ 0x70            ; black on grey

BOX_TL          equ 0xC9            ; code page 437 double-line frame
BOX_TR          equ 0xBB
BOX_BL          equ 0xC8
BOX_BR          equ 0xBC
BOX_H           equ 0xCD
BOX_V           equ 0xBA

; DH = row, DL = column -> DI = offset in the text screen.
vga_offset:
        push ax
        mov al, 80
        mul dh
        movzx di, dl
        add di, ax
        shl di, 1
        pop ax
        ret

; DH/DL = row/column, CX = cells, AL = character, AH = attribute.
vga_fill:
        push es
        push di
        push cx
        push VGA_SEG
        pop es
        call vga_offset
        rep stosw
        pop cx
        pop di
        pop es
        ret

; DH/DL = row/column, SI = NUL-terminated text, AH = attribute.
vga_text:
        push es
        push di
        push si
        push ax
        push VGA_SEG
        pop es
        call vga_offset
.next:  lodsb
        test al, al
        jz .done
        stosw
        jmp .next
.done:  pop ax
        pop si
        pop di
        pop es
        ret

; The frame, the title and the empty inside.
draw_box:
        pusha
        mov ah, ATTR_BOX
        mov dh, BOX_TOP
        mov dl, BOX_LEFT
        mov al, BOX_TL
        mov cx, 1
        call vga_fill
        inc dl
        mov al, BOX_H
        mov cx, BOX_WIDTH - 2
        call vga_fill
        add dl, BOX_WIDTH - 2
        mov al, BOX_TR
        mov cx, 1
        call vga_fill
.middle:
        inc dh
        cmp dh, BOX_BOTTOM
        je .bottom
        mov dl, BOX_LEFT
        mov al, BOX_V
        mov cx, 1
        call vga_fill
        inc dl
        mov al, ' '
        mov cx, BOX_WIDTH - 2
        call vga_fill
        add dl, BOX_WIDTH - 2
        mov al, BOX_V
        mov cx, 1
        call vga_fill
        jmp .middle
.bottom:
        mov dl, BOX_LEFT
        mov al, BOX_BL
        call vga_fill
        inc dl
        mov al, BOX_H
        mov cx, BOX_WIDTH - 2
        call vga_fill
        add dl, BOX_WIDTH - 2
        mov al, BOX_BR
        mov cx, 1
        call vga_fill

        mov dh, BOX_TOP
        mov dl, BOX_LEFT + (BOX_WIDTH - (menu_title_padded_end - menu_title_padded - 1)) / 2
        mov si, menu_title_padded
        call vga_text
        popa
        ret

; Every entry, the selected one (menu_sel) highlighted.
draw_entries:
        pusha
        xor bx, bx
.entry:
        mov ah, ATTR_BOX
        cmp bl, [menu_sel]
        jne .plain
        mov ah, ATTR_SELECTED
.plain:
        mov dh, ENTRY_ROW
        add dh, bl
        mov dl, BOX_LEFT + 2
        mov al, ' '
        mov cx, BOX_WIDTH - 4
        call vga_fill
        mov dl, BOX_LEFT + 4
        shl bx, 1
        mov si, [entry_names + bx]
        shr bx, 1
        call vga_text
        inc bx
        cmp bx, MENU_ENTRIES
        jb .entry
        popa
        ret

; The prompt line inside the box, from prompt_buf.
draw_prompt:
        pusha
        mov ah, ATTR_BOX
        mov dh, PROMPT_ROW
        mov dl, BOX_LEFT + 2
        mov al, ' '
        mov cx, BOX_WIDTH - 4
        call vga_fill
        mov dl, BOX_LEFT + 3
        mov si, prompt_buf
        call vga_text
        popa
        ret

; Writes "Select 1-4, arrows and Enter[; default <d> in <t> s]" to
; prompt_buf; the countdown part while counting is on.
build_prompt:
        pusha
        mov di, prompt_buf
        mov si, str_prompt
        call str_append
        test byte [menu_counting], 1
        jz .done
        mov si, str_prompt_default
        call str_append
        movzx ax, byte [cfg_mode]
        inc ax
        call dec_append
        mov si, str_prompt_in
        call str_append
        mov ax, [menu_secs_shown]
        call dec_append
        mov si, str_prompt_secs
        call str_append
.done:  mov byte [di], 0
        popa
        ret

; Copies the NUL-terminated SI to DI (without the NUL), DI advances.
str_append:
        lodsb
        test al, al
        jz .done
        stosb
        jmp str_append
.done:  ret

; AX in decimal at DI, DI advances.
dec_append:
        push ax
        push bx
        push cx
        push dx
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
        stosb
        loop .emit
        pop dx
        pop cx
        pop bx
        pop ax
        ret

; The menu as COM1 shows it: title, entries, prompt, one per line.
mirror_menu:
        pusha
        mov byte [out_targets], OUT_SERIAL
        mov si, menu_title
        call put_line
        xor bx, bx
.entry:
        mov si, str_indent
        call puts
        mov si, [entry_names + bx]
        call put_line
        add bx, 2
        cmp bx, MENU_ENTRIES * 2
        jb .entry
        mov si, prompt_buf
        call put_line
        mov byte [out_targets], OUT_BOTH
        popa
        ret

; COM1 has no highlight to move: a line says what is selected now.
mirror_selection:
        pusha
        mov byte [out_targets], OUT_SERIAL
        mov si, str_selected
        call puts
        movzx bx, byte [menu_sel]
        shl bx, 1
        mov si, [entry_names + bx]
        call put_line
        mov byte [out_targets], OUT_BOTH
        popa
        ret

; Moves the BIOS cursor (for the teletype) below the dialog.
cursor_below_box:
        pusha
        mov ah, 0x02
        xor bh, bh
        mov dx, BELOW_BOX_ROW << 8
        int 0x10
        popa
        ret

MENU_ENTRIES    equ 4

menu_title      db "hv boot menu", 0
menu_title_padded db " hv boot menu ", 0
menu_title_padded_end:
entry_names     dw entry_1, entry_2, entry_3, entry_4
entry_1         db "1) hv (hypervisor)", 0
entry_2         db "2) hv as a normal operating system (no VMs)", 0
entry_3         db "3) hv installer", 0
entry_4         db "4) recovery shell", 0
str_indent      db "  ", 0
str_selected    db "  > ", 0
str_prompt      db "Select 1-4, arrows and Enter", 0
str_prompt_default db "; default ", 0
str_prompt_in   db " in ", 0
str_prompt_secs db " s", 0
prompt_buf      times 64 db 0

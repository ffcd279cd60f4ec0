; The boot menu's behaviour: input from the keyboard and COM1 alike, the
; countdown on the BIOS tick counter, the choice into the hand-off block.
;
; Events are one byte: '1'-'4' (boot that entry), 'U'/'D' (move), 'E'
; (Enter), 'X' (any other key), 0 (nothing); BL = EV_SERIAL when from COM1.

EV_KEYBOARD     equ 0
EV_SERIAL       equ 1
SCAN_UP         equ 0x48
SCAN_DOWN       equ 0x50

menu_run:
        mov al, [cfg_mode]
        mov [menu_sel], al
        movzx ax, byte [cfg_timeout]
        mov [menu_secs_shown], ax
        mov [HANDOFF + HO_MENU_TIMEOUT], ax
        mov byte [menu_counting], 1
        call build_prompt
        call draw_box
        call draw_entries
        call draw_prompt
        call cursor_below_box
        call mirror_menu

        cmp byte [cfg_timeout], 0
        je .timed_out
        movzx eax, byte [cfg_timeout]
        imul eax, 182
        xor edx, edx
        mov ecx, 10
        div ecx                             ; 18.2 ticks per second
        mov [menu_ticks_left], eax
        mov eax, [BIOS_TICKS]
        mov [menu_last_tick], eax

.wait:
        call poll_keyboard
        test al, al
        jnz .event
        call poll_serial
        test al, al
        jnz .event
        test byte [menu_counting], 1
        jz .idle
        call count_down
        jc .timed_out
.idle:
        sti
        hlt                                 ; until the next tick or key
        jmp .wait

.event:
        test byte [menu_counting], 1
        jz .handle
        mov byte [menu_counting], 0         ; any key stops the countdown
        call build_prompt
        call draw_prompt
.handle:
        cmp al, 'U'
        je .up
        cmp al, 'D'
        je .down
        cmp al, 'E'
        je .chosen
        cmp al, '1'
        jb .wait
        cmp al, '4'
        ja .wait
        sub al, '1'
        mov [menu_sel], al
        call draw_entries
        jmp .chosen
.up:
        cmp byte [menu_sel], 0
        je .wait
        dec byte [menu_sel]
        jmp .moved
.down:
        cmp byte [menu_sel], MENU_ENTRIES - 1
        je .wait
        inc byte [menu_sel]
.moved:
        call draw_entries
        call mirror_selection
        jmp .wait

.timed_out:
        mov al, [cfg_mode]
        mov [menu_sel], al
        or byte [HANDOFF + HO_FLAGS], HV_BI_MENU_TIMEOUT
        jmp .boot
.chosen:
        cmp bl, EV_SERIAL
        jne .boot
        or byte [HANDOFF + HO_FLAGS], HV_BI_SERIAL_SELECTED
.boot:
        movzx eax, byte [menu_sel]
        mov [HANDOFF + HO_BOOT_MODE], eax
        mov si, str_booting
        call puts
        movzx bx, byte [menu_sel]
        shl bx, 1
        mov si, [entry_names + bx]
        jmp put_line

; Takes the ticks since the last call off the countdown and redraws the
; seconds when they change.  CF = 1 when time is up.  The tick counter
; restarts at 0 at midnight: a smaller reading means a day went round.
count_down:
        mov eax, [BIOS_TICKS]
        mov edx, eax
        sub eax, [menu_last_tick]
        jae .forward
        add eax, TICKS_PER_DAY
.forward:
        mov [menu_last_tick], edx
        sub [menu_ticks_left], eax
        jbe .up
        mov eax, [menu_ticks_left]          ; seconds left, rounded up
        imul eax, 10
        add eax, 181
        xor edx, edx
        mov ecx, 182
        div ecx
        cmp ax, [menu_secs_shown]
        je .running
        mov [menu_secs_shown], ax
        call build_prompt
        call draw_prompt
.running:
        clc
        ret
.up:
        mov word [menu_secs_shown], 0       ; the screen should not say 1 s
        call build_prompt
        call draw_prompt
        stc
        ret

; One key from the BIOS keyboard buffer, if any.  AL = event, BL = source.
poll_keyboard:
        mov bl, EV_KEYBOARD
        mov ah, 0x01
        int 0x16
        jz .none
        xor ah, ah
        int 0x16
        call digit_or_enter
        jnz .done
        mov al, 'U'
        cmp ah, SCAN_UP
        je .done
        mov al, 'D'
        cmp ah, SCAN_DOWN
        je .done
        mov al, 'X'
.done:  ret
.none:  xor al, al
        ret

; AL = a character: ZF = 0 and AL = '1'-'4' or 'E' when it is one of
; those, else ZF = 1.
digit_or_enter:
        cmp al, 13
        je .enter
        cmp al, 10
        je .enter
        cmp al, '1'
        jb .other
        cmp al, '4'
        ja .other
        test al, al                         ; ZF = 0
        ret
.enter: mov al, 'E'
        test al, al
        ret
.other: cmp al, al                          ; ZF = 1
        ret

; One byte from COM1, if any, through the "ESC [ A" / "ESC [ B" decoder
; (also "ESC O A/B", what terminals send in application cursor mode).
; AL = event, BL = source.
poll_serial:
        mov bl, EV_SERIAL
        mov dx, COM1_LSR
        in al, dx
        cmp al, 0xFF                        ; no UART at all
        je .none
        test al, LSR_DATA_READY
        jz .none
        mov dx, COM1
        in al, dx
        cmp byte [esc_state], 1
        je .after_esc
        cmp byte [esc_state], 2
        je .after_bracket
.plain:
        mov byte [esc_state], 0
        cmp al, 27
        jne .char
        mov byte [esc_state], 1
        jmp .other
.char:
        call digit_or_enter
        jnz .done
.other: mov al, 'X'
.done:  ret
.none:  xor al, al
        ret
.after_esc:
        cmp al, '['
        je .bracket
        cmp al, 'O'
        jne .plain                          ; not a sequence: an ordinary key
.bracket:
        mov byte [esc_state], 2
        jmp .other
.after_bracket:
        mov byte [esc_state], 0
        cmp al, 'A'
        je .up
        cmp al, 'B'
        jne .other
        mov al, 'D'
        ret
.up:    mov al, 'U'
        ret

menu_sel        db 0                ; highlighted entry, 0-3 = enum hv_boot_mode
menu_counting   db 0                ; 1 until a key is pressed
esc_state       db 0                ; 0 plain, 1 after ESC, 2 after ESC [
menu_secs_shown dw 0
menu_ticks_left dd 0
menu_last_tick  dd 0

str_booting     db "hv bm: booting ", 0

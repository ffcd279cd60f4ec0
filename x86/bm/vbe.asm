; A VBE 2.0+ graphics mode with a linear framebuffer for BL and the kernel.
; Choice, walking the BIOS mode list: 1024x768x32 if offered, else the
; largest 32 bpp mode up to 1280x1024, else the largest such 24 bpp mode.
; Without one the screen stays in 80x25 text and the hand-off says so.

VBE_ATTR_NEEDED equ 0x99            ; supported, colour, graphics, linear framebuffer
VBE_DIRECT      equ 6               ; memory model: direct colour
VBE_LFB         equ 0x4000          ; mode number flag: use the linear framebuffer
VBE_MAX_MODES   equ 256             ; a broken list must not run forever

; mode info block fields
MI_ATTR         equ 0x00
MI_PITCH        equ 0x10
MI_WIDTH        equ 0x12
MI_HEIGHT       equ 0x14
MI_BPP          equ 0x19
MI_MODEL        equ 0x1B
MI_RED_SIZE     equ 0x1F            ; then pos, green size/pos, blue size/pos
MI_LFB          equ 0x28
MI_LIN_PITCH    equ 0x32            ; VBE 3.0

vbe_setup:
        call text_fallback                  ; what the hand-off says unless a mode is set
        test byte [bm_faults], FAULT_NO_VBE
        jnz .none
        call vbe_pick
        jc .none
        mov ax, 0x4F02
        mov bx, [vbe_best_mode]
        or bx, VBE_LFB
        int 0x10
        cmp ax, 0x004F
        jne .none
        mov byte [screen_is_text], 0        ; the BIOS teletype is useless now
        mov cx, [vbe_best_mode]             ; fill in from that mode's info
        call vbe_mode_info
        jmp vbe_record
.none:
        mov si, str_no_vbe
        jmp warn

; The 80x25 text screen as the hand-off describes it.
text_fallback:
        mov dword [HANDOFF + HO_FB_ADDR], 0xB8000
        mov dword [HANDOFF + HO_FB_WIDTH], 80
        mov dword [HANDOFF + HO_FB_HEIGHT], 25
        mov dword [HANDOFF + HO_FB_PITCH], 160
        mov byte [HANDOFF + HO_FB_BPP], 16
        mov byte [HANDOFF + HO_FB_TYPE], HV_FB_EGA_TEXT
        mov word [HANDOFF + HO_VBE_MODE], 0
        ret

; CX = mode -> VBE_MODE_BUF.  CF = 1 when the BIOS refuses.
vbe_mode_info:
        pusha
        mov di, VBE_MODE_BUF
        mov ax, 0x4F01
        int 0x10
        cmp ax, 0x004F
        popa
        je .ok
        stc
        ret
.ok:    clc
        ret

; Walks the mode list into vbe_best_mode.  CF = 1 when nothing fits.
vbe_pick:
        mov dword [VBE_INFO_BUF], "VBE2"    ; ask for the VBE 2.0 block
        mov di, VBE_INFO_BUF
        mov ax, 0x4F00
        int 0x10
        cmp ax, 0x004F
        jne .none
        cmp dword [VBE_INFO_BUF], "VESA"
        jne .none
        mov ax, [VBE_INFO_BUF + 4]
        cmp ax, 0x0200
        jb .none
        mov [vbe_version], ax
        mov dword [vbe_best_score], 0
        lfs si, [VBE_INFO_BUF + 0x0E]       ; the mode list, ended by 0xFFFF
        mov bp, VBE_MAX_MODES
.mode:
        mov cx, [fs:si]
        cmp cx, 0xFFFF
        je .walked
        add si, 2
        call vbe_mode_info
        jc .next
        call vbe_score
        cmp eax, [vbe_best_score]
        jbe .next
        mov [vbe_best_score], eax
        mov [vbe_best_mode], cx
.next:
        dec bp
        jnz .mode
.walked:
        push ds
        pop fs
        cmp dword [vbe_best_score], 0
        je .none
        clc
        ret
.none:
        stc
        ret

; The mode in VBE_MODE_BUF -> EAX = how much we want it, 0 = not at all.
; 1024x768x32 beats any other; any 32 bpp mode beats any 24 bpp one; within
; a depth, more pixels win.
vbe_score:
        xor eax, eax
        mov bl, [VBE_MODE_BUF + MI_ATTR]
        and bl, VBE_ATTR_NEEDED
        cmp bl, VBE_ATTR_NEEDED
        jne .done
        cmp byte [VBE_MODE_BUF + MI_MODEL], VBE_DIRECT
        jne .done
        cmp dword [VBE_MODE_BUF + MI_LFB], 0
        je .done
        movzx ebx, word [VBE_MODE_BUF + MI_WIDTH]
        cmp ebx, 1280
        ja .done
        movzx edx, word [VBE_MODE_BUF + MI_HEIGHT]
        cmp edx, 1024
        ja .done
        mov al, [VBE_MODE_BUF + MI_BPP]
        cmp al, 32
        je .deep
        cmp al, 24
        mov eax, 0
        jne .done
        imul ebx, edx                       ; 24 bpp: the area
        mov eax, ebx
        ret
.deep:
        mov eax, 0xFFFFFFFF
        cmp ebx, 1024
        jne .area32
        cmp edx, 768
        je .done
.area32:
        imul ebx, edx
        lea eax, [ebx + 0x80000000]
.done:  ret

; Puts the mode now in VBE_MODE_BUF (set as vbe_best_mode) into the hand-off.
vbe_record:
        movzx eax, word [VBE_MODE_BUF + MI_PITCH]
        cmp word [vbe_version], 0x0300
        jb .pitch
        movzx edx, word [VBE_MODE_BUF + MI_LIN_PITCH]
        test edx, edx
        jz .pitch
        mov eax, edx
.pitch:
        mov [HANDOFF + HO_FB_PITCH], eax
        mov eax, [VBE_MODE_BUF + MI_LFB]
        mov [HANDOFF + HO_FB_ADDR], eax
        movzx eax, word [VBE_MODE_BUF + MI_WIDTH]
        mov [HANDOFF + HO_FB_WIDTH], eax
        movzx eax, word [VBE_MODE_BUF + MI_HEIGHT]
        mov [HANDOFF + HO_FB_HEIGHT], eax
        mov al, [VBE_MODE_BUF + MI_BPP]
        mov [HANDOFF + HO_FB_BPP], al
        mov byte [HANDOFF + HO_FB_TYPE], HV_FB_RGB
        ; The block has size, position pairs; the hand-off position, size.
        mov si, VBE_MODE_BUF + MI_RED_SIZE
        mov di, HANDOFF + HO_RED_POS
        mov cx, 3
.colour:
        lodsw                               ; al = size, ah = position
        xchg al, ah
        stosw
        loop .colour
        mov ax, [vbe_best_mode]
        mov [HANDOFF + HO_VBE_MODE], ax
        ret

vbe_version     dw 0
vbe_best_mode   dw 0
vbe_best_score  dd 0

str_no_vbe      db "no usable VBE mode, staying in text mode", 0

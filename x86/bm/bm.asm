; BM.BIN, the boot manager (docs/boot.md, "Stage 2").
;
; The MBR loads this file at 0000:8000 and jumps to its first byte with
;     DL  = BIOS boot drive
;     EBX = first LBA of the FAT16 boot partition
; BM enables A20, reads the E820 map, reads HV.CFG's boot.default and
; boot.timeout, shows the boot menu, loads and checks BL.BIN, sets a VBE
; mode and enters BL at 0x21000 in 32-bit protected mode (bm_handoff.h).
; It stays resident afterwards: BL reaches the BIOS through the call gate in
; gate.asm.  Every step that can fail stops with "hv bm: error: <what>".

        bits 16
        org 0x8000

%include "bm_handoff.inc"
%include "layout.inc"

bm_header:
        jmp short start
        db "HVBM"
bm_length       dd bm_end - bm_header       ; the MBR checks it against the file
bm_faults       dd 0                        ; FAULT_* (test images only)

start:
        cli
        xor ax, ax
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov sp, BM_STACK_TOP
        sti
        cld

        mov di, HANDOFF                     ; the header part; E820 comes later
        mov cx, HV_HANDOFF_E820_OFFSET / 2
        rep stosw
        mov dword [HANDOFF + HO_MAGIC], HV_HANDOFF_MAGIC
        mov dword [HANDOFF + HO_VERSION], 1
        mov [HANDOFF + HO_BOOT_DRIVE], dl
        mov [HANDOFF + HO_BOOT_PART], ebx
        mov eax, [BIOS_TICKS]
        mov [HANDOFF + HO_BOOT_TICKS], eax
        mov dword [HANDOFF + HO_RM_INT], hv_rm_int

        call serial_init
        mov ax, 0x0003                      ; a clean 80x25 text screen
        int 0x10

        call a20_enable
        call e820_read
        call fat_init
        call config_read
        call menu_run
        call bl_load
        call vbe_setup
        jmp enter_bl

%include "console.asm"
%include "a20.asm"
%include "e820.asm"
%include "disk.asm"
%include "fat16.asm"
%include "config.asm"
%include "menu_draw.asm"
%include "menu.asm"
%include "bl_load.asm"
%include "vbe.asm"
%include "pmode.asm"
%include "gate.asm"

bm_end:

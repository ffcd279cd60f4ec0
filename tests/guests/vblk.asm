; vblk: a guest driver for hv's virtio-blk (legacy virtio-pci).  It finds
; 1AF4:1001 by PCI configuration mechanism #1, sets up queue 0 in its RAM,
; reads sectors 0, 1, 8-23 and the last one and checks them against the
; pattern the system test put in the disk file (byte i of sector s is
; (7*s + i) & 0xFF), writes sectors 100-103 with another pattern
; ((7*s + i) ^ 0xA5), flushes, reads them back, asks for the device ID and
; a read past the end, then powers off.  On a read-only disk (feature RO)
; the write must fail with status IOERR and the sectors keep the file's
; pattern.  Real mode, DS = 0: everything lives below 64 KiB.  Every line
; is "ok: ..." or "FAIL: ..." for tests/system/test_vm_vblk.py.
bits 16
org 0x7C00

RING        equ 0x1000      ; queue 0: descriptors, avail, used (<= 10 KiB)
HDR         equ 0x3C00      ; the request header (type, ioprio, sector)
STATUS      equ 0x3C10      ; the status byte
IDBUF       equ 0x3C20      ; GET_ID's 20 bytes (+ a NUL)
BUF_A       equ 0x4000      ; 8 KiB: 16 sectors
BUF_B       equ 0xA000      ; 8 KiB

VIRTIO_HOST_FEATURES  equ 0x00
VIRTIO_GUEST_FEATURES equ 0x04
VIRTIO_QUEUE_PFN      equ 0x08
VIRTIO_QUEUE_NUM      equ 0x0C
VIRTIO_QUEUE_SEL      equ 0x0E
VIRTIO_QUEUE_NOTIFY   equ 0x10
VIRTIO_STATUS         equ 0x12
VIRTIO_ISR            equ 0x13
VIRTIO_CONFIG         equ 0x14

F_SEG_MAX   equ 1 << 2
F_RO        equ 1 << 5
F_BLK_SIZE  equ 1 << 6
F_FLUSH     equ 1 << 9

T_IN        equ 0
T_OUT       equ 1
T_FLUSH     equ 4
T_GET_ID    equ 8

D_NEXT      equ 1
D_WRITE     equ 2

start:
    cli
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x7C00
    xor edi, edi                        ; request takes EDI; DI-only users keep it < 64 KiB
    cld
    mov si, msg_start
    call puts

    call find_device
    jnz .done
    call setup_queue
    jnz .done
    call bench_disk
    jz .done
    call loop_chain
    call read_tests
    call write_tests
    call misc_tests
.done:
    mov si, msg_end
    call puts
    jmp power_off

; ---- PCI ----------------------------------------------------------------

; EAX = config address -> EAX = the dword there
pci_read:
    push dx
    mov dx, 0xCF8
    out dx, eax
    mov dx, 0xCFC
    in eax, dx
    pop dx
    ret

; Scans bus 0 for 1AF4:1001; sets [io] and prints where it is.  ZF set
; when found.
find_device:
    xor ebx, ebx                        ; device number
.next:
    mov eax, ebx
    shl eax, 11
    or eax, 0x80000000
    mov [cfg_addr], eax
    call pci_read
    cmp eax, 0x10011AF4
    je .found
    inc bx
    cmp bx, 32
    jb .next
    mov si, msg_nodev
    xor eax, eax
    cmp eax, 1                          ; ZF clear
    call report
    ret
.found:
    mov eax, [cfg_addr]
    or al, 0x10                         ; BAR0
    call pci_read
    mov [bar0], eax
    and ax, 0xFFFC
    mov [io], ax
    mov eax, [cfg_addr]
    or al, 0x3C                         ; interrupt line / pin
    call pci_read
    mov [intline], eax
    mov eax, [cfg_addr]
    or al, 0x04                         ; command: I/O decoding on?
    call pci_read
    mov si, msg_found
    test al, 1
    jz .bad
    mov eax, [bar0]
    test al, 1                          ; an I/O BAR
    jz .bad
    mov eax, [intline]
    cmp ah, 1                           ; INTA#
    jne .bad
    mov eax, ebx                        ; report the slot
    cmp eax, eax
    call report
    mov si, msg_io
    call puts
    movzx eax, word [io]
    call print_hex32
    mov si, msg_irq
    call puts
    movzx ax, byte [intline]
    call print_dec
    mov si, s_crlf
    call puts
    cmp eax, eax
    ret
.bad:
    xor eax, eax
    cmp eax, 1
    call report
    ret

; ---- the device ---------------------------------------------------------

; port offset DX -> DX absolute
%macro IOPORT 1
    mov dx, [io]
    add dx, %1
%endmacro

; Reset, features, queue 0 at RING, DRIVER_OK.  ZF set when all went well.
setup_queue:
    IOPORT VIRTIO_STATUS
    mov al, 0
    out dx, al
    mov al, 1                           ; ACKNOWLEDGE
    out dx, al
    mov al, 3                           ; ...DRIVER
    out dx, al
    IOPORT VIRTIO_HOST_FEATURES
    in eax, dx
    mov [host_feat], eax
    mov si, msg_feat
    mov ecx, eax
    and ecx, F_FLUSH
    cmp ecx, F_FLUSH                    ; ZF: offered
    call report
    mov eax, [host_feat]
    and eax, F_FLUSH | F_RO | F_BLK_SIZE | F_SEG_MAX
    IOPORT VIRTIO_GUEST_FEATURES
    out dx, eax
    IOPORT VIRTIO_QUEUE_SEL
    xor ax, ax
    out dx, ax
    IOPORT VIRTIO_QUEUE_NUM
    in ax, dx
    mov [qnum], ax
    mov si, msg_qnum
    movzx eax, ax
    test ax, ax                         ; 1..256 fit this guest's layout
    jz .bad
    cmp ax, 256
    ja .bad
    ; avail = RING + 16 N; used = the next 4 KiB boundary after avail's 6 + 2N
    mov bx, ax
    shl bx, 4
    add bx, RING
    mov [avail_at], bx
    mov cx, ax
    shl cx, 1
    add cx, bx
    add cx, 6 + 4095
    and cx, 0xF000
    mov [used_at], cx
    cmp eax, eax
    call report
    ; a clean ring: 10 KiB from RING
    mov di, RING
    mov cx, (HDR - RING) / 2
    xor ax, ax
    rep stosw
    mov word [avail_idx], 0
    IOPORT VIRTIO_QUEUE_PFN
    mov eax, RING >> 12
    out dx, eax
    IOPORT VIRTIO_STATUS
    mov al, 7                           ; ...DRIVER_OK
    out dx, al
    ; capacity, a dword at a time
    IOPORT VIRTIO_CONFIG
    in eax, dx
    mov [capacity], eax
    IOPORT VIRTIO_CONFIG + 4
    in eax, dx
    mov si, msg_cap
    test eax, eax                       ; this guest handles < 2^32 sectors
    jnz .bad
    mov eax, [capacity]
    cmp eax, 32                         ; room for the sectors it uses
    jb .bad
    cmp eax, eax
    call report
    cmp eax, eax
    ret
.bad:
    xor eax, eax
    cmp eax, 1
    call report
    ret

; Writes descriptor BX: addr EAX, length ECX, flags DX, next = BX + 1.
set_desc:
    push di
    mov di, bx
    shl di, 4
    add di, RING
    mov [di], eax
    mov dword [di + 4], 0
    mov [di + 8], ecx
    mov [di + 12], dx
    inc bx
    mov [di + 14], bx
    pop di
    ret

; One request: EAX = type, EBX = sector, EDI = data (0: none), ECX = data
; bytes, DL = 1 when the device writes the data (IN, GET_ID).  Returns
; AL = the status byte (0xFF: no completion) and [isr] = the ISR read after.
request:
    pushad
    mov [HDR], eax
    mov dword [HDR + 4], 0
    mov [HDR + 8], ebx
    mov dword [HDR + 12], 0
    mov byte [STATUS], 0xFF
    mov [req_dir], dl
    xor bx, bx
    mov eax, HDR
    push ecx
    mov ecx, 16
    push dx
    mov dx, D_NEXT
    call set_desc
    pop dx
    pop ecx
    test edi, edi
    jz .status
    mov eax, edi
    mov dx, D_NEXT
    cmp byte [req_dir], 1
    jne .rd
    or dx, D_WRITE
.rd:
    call set_desc
.status:
    mov eax, STATUS
    mov ecx, 1
    mov dx, D_WRITE
    call set_desc
    ; make descriptor 0 available and tell the device
    mov bx, [avail_idx]
    mov ax, bx
    xor dx, dx
    div word [qnum]
    mov si, dx
    shl si, 1
    add si, [avail_at]
    mov word [si + 4], 0
    inc bx
    mov [avail_idx], bx
    mov si, [avail_at]
    mov [si + 2], bx
    IOPORT VIRTIO_QUEUE_NOTIFY
    xor ax, ax
    out dx, ax
    ; the device completes before the OUT returns; poll a little anyway
    mov si, [used_at]
    mov ecx, 100000
.poll:
    cmp [si + 2], bx
    je .complete
    dec ecx
    jnz .poll
    mov byte [STATUS], 0xFF
.complete:
    IOPORT VIRTIO_ISR
    in al, dx
    mov [isr], al
    popad
    mov al, [STATUS]
    ret

; Sector pattern: byte i of sector s is ((7*s + i) & 0xFF) ^ key.
; DI = buffer, EBX = first sector, CX = sectors, AH = key.
fill:
    pushad
.sector:
    imul dx, bx, 7
    mov si, 512
.byte:
    mov al, dl
    xor al, ah
    stosb
    inc dl
    dec si
    jnz .byte
    inc ebx
    loop .sector
    popad
    ret

; The same pattern checked: SI = buffer, EBX = first sector, CX = sectors,
; AH = key.  ZF set when every byte matches; else [bad_at] = where not.
check:
    pushad
    mov word [bad_at], 0
.sector:
    imul dx, bx, 7
    mov di, 512
.byte:
    mov al, dl
    xor al, ah
    cmp al, [si]
    jne .bad
    inc si
    inc dl
    dec di
    jnz .byte
    inc ebx
    loop .sector
    popad
    cmp eax, eax
    ret
.bad:
    mov [bad_at], si
    popad
    push eax
    xor eax, eax
    cmp eax, 1
    pop eax
    ret

; ---- the tests ----------------------------------------------------------

; Reads ECX bytes at sector EBX into DI; ZF set when status OK.
read_into:
    push ecx
    push ebx
    mov eax, T_IN
    mov dl, 1
    call request
    pop ebx
    pop ecx
    cmp al, 0
    ret

read_tests:
    ; sector 0
    mov ebx, 0
    mov di, BUF_A
    mov ecx, 512
    call read_into
    mov si, msg_rd0
    jne .fail
    mov si, BUF_A
    mov ebx, 0
    mov cx, 1
    mov ah, 0
    call check
    mov si, msg_rd0
    call report_bad
    mov si, msg_isr
    movzx eax, byte [isr]
    cmp al, 1
    call report
    ; sector 1
    mov ebx, 1
    mov di, BUF_A
    mov ecx, 512
    call read_into
    mov si, msg_rd1
    jne .fail
    mov si, BUF_A
    mov ebx, 1
    mov cx, 1
    mov ah, 0
    call check
    mov si, msg_rd1
    call report_bad
    ; sectors 8-23 in one request
    mov ebx, 8
    mov di, BUF_A
    mov ecx, 16 * 512
    call read_into
    mov si, msg_rd16
    jne .fail
    mov si, BUF_A
    mov ebx, 8
    mov cx, 16
    mov ah, 0
    call check
    mov si, msg_rd16
    call report_bad
    ; the last sector
    mov ebx, [capacity]
    dec ebx
    mov di, BUF_A
    mov ecx, 512
    call read_into
    mov si, msg_rdlast
    jne .fail
    mov si, BUF_A
    mov ebx, [capacity]
    dec ebx
    mov cx, 1
    mov ah, 0
    call check
    mov si, msg_rdlast
    call report_bad
    ret
.fail:
    movzx eax, al
    cmp eax, 0x7FFFFFFF                 ; ZF clear: prints the status
    call report
    ret

; report with [bad_at] as the number
report_bad:
    push eax
    movzx eax, word [bad_at]
    call report
    pop eax
    ret

WR_FIRST    equ 100
WR_COUNT    equ 4

write_tests:
    mov di, BUF_A
    mov ebx, WR_FIRST
    mov cx, WR_COUNT
    mov ah, 0xA5
    call fill
    mov eax, T_OUT
    mov ebx, WR_FIRST
    mov di, BUF_A
    mov ecx, WR_COUNT * 512
    mov dl, 0
    call request
    movzx eax, al
    test dword [host_feat], F_RO
    jnz .readonly
    mov si, msg_wr
    cmp al, 0
    call report
    mov eax, T_FLUSH
    xor ebx, ebx
    xor di, di
    xor ecx, ecx
    mov dl, 0
    call request
    movzx eax, al
    mov si, msg_flush
    cmp al, 0
    call report
    ; read back into the other buffer
    mov ebx, WR_FIRST
    mov di, BUF_B
    mov ecx, WR_COUNT * 512
    call read_into
    mov si, BUF_B
    mov ebx, WR_FIRST
    mov cx, WR_COUNT
    mov ah, 0xA5
    call check
    mov si, msg_readback
    call report_bad
    ret
.readonly:
    mov si, msg_ro
    cmp al, 1                           ; VIRTIO_BLK_S_IOERR
    call report
    mov eax, T_FLUSH
    xor ebx, ebx
    xor di, di
    xor ecx, ecx
    mov dl, 0
    call request
    movzx eax, al
    mov si, msg_flush
    cmp al, 0
    call report
    mov ebx, WR_FIRST
    mov di, BUF_B
    mov ecx, WR_COUNT * 512
    call read_into
    mov si, BUF_B
    mov ebx, WR_FIRST
    mov cx, WR_COUNT
    mov ah, 0
    call check
    mov si, msg_unchanged
    call report_bad
    ret

; A disk whose file name starts with BENCH is for bench/disk.py: the whole
; disk read, then written, in 64 KiB requests from BENCH_BUF (above the
; 64 KiB this real-mode guest addresses: only the device touches it), then
; a flush.  The host times the lines.  ZF set when it was a bench disk.
BENCH_BUF   equ 0x10000
BENCH_REQ   equ 128                     ; sectors per request

bench_disk:
    call get_id
    cmp dword [IDBUF], 'BENC'
    jne .no
    mov si, msg_bench_rd
    call puts
    mov eax, T_IN
    call bench_pass
    jnz .fail
    mov si, msg_bench_rd_done
    call puts
    mov si, msg_bench_wr
    call puts
    mov eax, T_OUT
    call bench_pass
    jnz .fail
    mov eax, T_FLUSH
    xor ebx, ebx
    xor edi, edi
    xor ecx, ecx
    mov dl, 0
    call request
    cmp al, 0
    jne .fail
    mov si, msg_bench_wr_done
    call puts
    cmp eax, eax
    ret
.fail:
    movzx eax, al
    mov si, msg_bench_fail
    cmp eax, 0x7FFFFFFF
    call report
    cmp eax, eax
    ret
.no:
    xor eax, eax
    cmp eax, 1
    ret

; EAX = T_IN or T_OUT over sectors [0, capacity rounded down to
; BENCH_REQ).  ZF set when every request succeeded; AL = the last status.
bench_pass:
    mov [bench_type], eax
    xor ebx, ebx
.next:
    mov eax, ebx
    add eax, BENCH_REQ
    cmp eax, [capacity]
    ja .done
    mov eax, [bench_type]
    mov edi, BENCH_BUF
    mov ecx, BENCH_REQ * 512
    mov dl, 0
    cmp eax, T_IN
    jne .go
    mov dl, 1
.go:
    call request
    cmp al, 0
    jne .out
    add ebx, BENCH_REQ
    jmp .next
.done:
    xor al, al
.out:
    xor edi, edi
    cmp al, 0
    ret

; A disk whose file name starts with LOOP: a request whose descriptor chain
; loops (2 -> 1 -> 2 ...).  hv must stop this VM ("killed: virtio-blk:
; descriptor chain longer than the queue"), so the FAIL line below is only
; reached if it does not.  Uses IDBUF from bench_disk's GET_ID.
loop_chain:
    cmp dword [IDBUF], 'LOOP'
    jne .no
    mov si, msg_loop
    call puts
    mov eax, HDR
    mov ecx, 16
    xor bx, bx
    mov dx, D_NEXT
    call set_desc                       ; 0 -> 1
    mov eax, BUF_A
    mov ecx, 512
    mov dx, D_NEXT | D_WRITE
    call set_desc                       ; 1 -> 2
    mov eax, STATUS
    mov ecx, 1
    mov dx, D_NEXT | D_WRITE
    call set_desc                       ; 2 -> 3, patched to 1
    mov word [RING + 2 * 16 + 14], 1
    mov bx, [avail_idx]
    mov si, [avail_at]
    mov word [si + 4], 0
    inc bx
    mov [si + 2], bx
    IOPORT VIRTIO_QUEUE_NOTIFY
    xor ax, ax
    out dx, ax
    mov si, msg_loop_alive
    xor eax, eax
    cmp eax, 1
    call report
.no:
    ret

; GET_ID into IDBUF (NUL-terminated); AL = status.
get_id:
    mov di, IDBUF
    mov cx, 21
    xor al, al
    rep stosb
    mov eax, T_GET_ID
    xor ebx, ebx
    mov di, IDBUF
    mov ecx, 20
    mov dl, 1
    call request
    ret

misc_tests:
    ; GET_ID: printed for the host to check
    call get_id
    movzx eax, al
    mov si, msg_id
    cmp al, 0
    call report
    mov si, msg_id_is
    call puts
    mov si, IDBUF
    call puts
    mov si, msg_close_br
    call puts
    ; a read past the end: IOERR
    mov ebx, [capacity]
    mov di, BUF_A
    mov ecx, 512
    call read_into
    movzx eax, al
    mov si, msg_past
    cmp al, 1
    call report
    ; an unknown request type: UNSUPP
    mov eax, 0x55
    xor ebx, ebx
    xor di, di
    xor ecx, ecx
    mov dl, 0
    call request
    movzx eax, al
    mov si, msg_unsupp
    cmp al, 2
    call report
    ret

%include "lib.inc"

msg_start   db "vblk: looking for virtio-blk", 13, 10, 0
msg_end     db "vblk: done, powering off", 13, 10, 0
msg_nodev   db "virtio-blk 1af4:1001 on PCI bus 0", 0
msg_found   db "virtio-blk found, I/O BAR decoding, INTA# at slot", 0
msg_io      db "vblk: io ", 0
msg_irq     db " irq ", 0
msg_feat    db "features offer FLUSH", 0
msg_qnum    db "queue 0 size", 0
msg_cap     db "capacity in sectors", 0
msg_rd0     db "read sector 0 matches the file", 0
msg_isr     db "interrupt status set after a request", 0
msg_rd1     db "read sector 1 matches the file", 0
msg_rd16    db "read sectors 8-23 in one request", 0
msg_rdlast  db "read the last sector", 0
msg_wr      db "write sectors 100-103", 0
msg_flush   db "flush", 0
msg_readback db "read back what was written", 0
msg_ro      db "write refused on a read-only disk (status IOERR)", 0
msg_unchanged db "read-only sectors unchanged", 0
msg_id      db "get id", 0
msg_id_is   db "vblk: id [", 0
msg_close_br db "]", 13, 10, 0
msg_past    db "read past the end refused (status IOERR)", 0
msg_unsupp  db "unknown request type refused (status UNSUPP)", 0

msg_bench_rd      db "vblk: bench read start", 13, 10, 0
msg_bench_rd_done db "vblk: bench read done", 13, 10, 0
msg_bench_wr      db "vblk: bench write start", 13, 10, 0
msg_bench_wr_done db "vblk: bench write done", 13, 10, 0
msg_loop          db "vblk: submitting a looping descriptor chain", 13, 10, 0
msg_loop_alive    db "hv did not stop the VM for a looping chain", 0
msg_bench_fail    db "bench request failed with status", 0

align 4
bench_type  dd 0
cfg_addr    dd 0
bar0        dd 0
intline     dd 0
host_feat   dd 0
capacity    dd 0
io          dw 0
qnum        dw 0
avail_at    dw 0
used_at     dw 0
avail_idx   dw 0
bad_at      dw 0
req_dir     db 0
isr         db 0

; exitbench: the cost of simple VM exits, in guest TSC ticks (bench/vmexit).
; For each kind it times N iterations of a loop around one exiting
; instruction and N iterations of the same loop around a nop; the
; difference over N is one exit's round trip (hv's exit handling, the
; world switch and the exiting instruction itself).  Under QEMU -icount
; shift=0 one tick is one instruction, so that is an instruction count.
; Prints ROUNDS rounds of
;   exitbench: round R n=N nop=T cpuid=T out80=T in21=T vmmcall=T
; (totals in ticks), then "exitbench: spinning on cpuid" and executes CPUID
; forever, so the benchmark can count exits per wall-clock second.
bits 16
org 0x7C00

N       equ 10000
ROUNDS  equ 5

    jmp start
%include "lib.inc"

; Times N iterations of a loop around %1; the total ticks go to dword %2.
%macro measure 2
    rdtsc
    mov [t0], eax
    mov [t0 + 4], edx
    mov di, N
%%loop:
    xor eax, eax
    %1
    dec di
    jnz %%loop
    rdtsc
    sub eax, [t0]
    sbb edx, [t0 + 4]
    mov [%2], eax
%endmacro

; Prints " name=" and the dword at %2.
%macro show 2
    mov si, %1
    call puts
    mov eax, [%2]
    call print_dec32
%endmacro

start:
    guest_entry
    mov si, msg_start
    call puts

    mov word [round], 1
.round:
    measure nop, t_nop
    measure cpuid, t_cpuid
    measure {out 0x80, al}, t_out
    measure {in al, 0x21}, t_in
    measure vmmcall, t_hc          ; EAX = 0: HC_VERSION

    mov si, msg_round
    call puts
    movzx eax, word [round]
    call print_dec32
    mov si, msg_n
    call puts
    mov eax, N
    call print_dec32
    show s_nop, t_nop
    show s_cpuid, t_cpuid
    show s_out, t_out
    show s_in, t_in
    show s_hc, t_hc
    mov si, s_crlf
    call puts
    inc word [round]
    cmp word [round], ROUNDS
    jbe .round

    mov si, msg_spin
    call puts
.spin:
    xor eax, eax
    cpuid
    jmp .spin

t0          dq 0
round       dw 0
t_nop       dd 0
t_cpuid     dd 0
t_out       dd 0
t_in        dd 0
t_hc        dd 0
msg_start   db "exitbench: timing simple exits with rdtsc", 13, 10, 0
msg_round   db "exitbench: round ", 0
msg_n       db " n=", 0
s_nop       db " nop=", 0
s_cpuid     db " cpuid=", 0
s_out       db " out80=", 0
s_in        db " in21=", 0
s_hc        db " vmmcall=", 0
msg_spin    db "exitbench: spinning on cpuid", 13, 10, 0

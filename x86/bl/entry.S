/*
 * BL's first instructions, at 0x21000.  BM enters here in 32-bit protected
 * mode with EAX = hand-off magic, EBX = hand-off address (bm_handoff.h).
 * BM loaded only the file, so the bss is cleared before any C runs.
 */
    .section .text.entry, "ax"
    .code32
    .globl bl_start
bl_start:
    cli
    cld
    movl $0x1FFF0, %esp
    movl %eax, %edx
    movl %ebx, %esi
    movl $_bl_bss_start, %edi
    movl $_bl_end, %ecx
    subl %edi, %ecx
    xorl %eax, %eax
    rep stosb
    pushl %esi
    pushl %edx
    call bl_main
1:  cli
    hlt
    jmp 1b

/* void bl_enter_kernel(uint32_t entry, uint32_t magic, uint32_t bootinfo)
 * The kernel gets EAX = magic, EBX = bootinfo (docs/boot.md). */
    .text
    .globl bl_enter_kernel
bl_enter_kernel:
    movl 4(%esp), %ecx
    movl 8(%esp), %eax
    movl 12(%esp), %ebx
    jmp *%ecx

    .section .note.GNU-stack, "", @progbits

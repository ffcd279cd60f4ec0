/*
 * KERNEL.BIN's header page and 32-bit entry point.
 *
 * BL enters at 0x101000 in 32-bit protected mode, paging off, with
 * EAX = HV_BOOTINFO_MAGIC and EBX = physical address of the boot info.
 * We build just enough page tables to reach the higher half (identity and
 * direct map of 0-4 GiB, the kernel at 0xFFFFFFFF80000000, all with 2 MiB
 * pages), switch to long mode and call kmain(bootinfo physical address).
 * vm_init() replaces these tables with the final ones.
 */

#define HV_BOOTINFO_MAGIC 0x49425648
#define HV_IMAGE_MAGIC_KERNEL 0x4e4b5648
#define COM1 0x3F8
#define MSR_EFER 0xC0000080
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)
#define PTE_P_RW 0x03
#define PDE_2M   0x83          /* present, writable, 2 MiB page */
#define BOOT_STACK_SIZE 16384

/* struct hv_image_header; tools/sealimg.py fills file_size and crc32. */
    .section .hvheader, "a"
    .long HV_IMAGE_MAGIC_KERNEL
    .long 0x1000                    /* header_size */
    .long 0                         /* file_size (sealed) */
    .long __kernel_mem_size         /* mem_size: to the end of .bss */
    .long 0                         /* crc32 (sealed) */
    .long 0x100000                  /* load_addr */
    .long 0x101000                  /* entry */
    .long 0

    .section .bootdata, "aw", @nobits
    .balign 4096
boot_pml4:    .skip 4096
boot_pdpt_lo: .skip 4096            /* 0-4 GiB, shared by identity and direct map */
boot_pdpt_hi: .skip 4096            /* -2 GiB: the kernel image */
boot_pd:      .skip 4 * 4096        /* 2048 x 2 MiB = 0-4 GiB */
boot_tables_end:

    .section .entry32, "ax"
    .code32
    .globl _start32
_start32:
    cli
    cld
    cmpl $HV_BOOTINFO_MAGIC, %eax
    jne .Lbad_magic
    movl %ebx, %esi                 /* boot info: kept in ESI to kmain */

    /* Long mode needs CPUID leaf 0x80000001 EDX.LM. */
    movl $0x80000000, %eax
    cpuid
    cmpl $0x80000001, %eax
    jb .Lno_long_mode
    movl $0x80000001, %eax
    cpuid
    btl $29, %edx
    jnc .Lno_long_mode
    movl %edx, %ebp                 /* bit 20: NX */

    /* BL may not zero .bss; our page tables and stack live there. */
    movl $__bss_start_phys, %edi
    movl $__bss_end_phys, %ecx
    subl %edi, %ecx
    xorl %eax, %eax
    rep stosb
    movl $boot_pml4, %edi
    movl $((boot_tables_end - boot_pml4) / 4), %ecx
    rep stosl

    /* 2048 PD entries: 2 MiB pages over 0-4 GiB. */
    movl $boot_pd, %edi
    xorl %ecx, %ecx
1:  movl %ecx, %eax
    shll $21, %eax
    orl $PDE_2M, %eax
    movl %eax, (%edi, %ecx, 8)
    incl %ecx
    cmpl $2048, %ecx
    jb 1b

    movl $(boot_pd + PTE_P_RW), boot_pdpt_lo
    movl $(boot_pd + 0x1000 + PTE_P_RW), boot_pdpt_lo + 8
    movl $(boot_pd + 0x2000 + PTE_P_RW), boot_pdpt_lo + 16
    movl $(boot_pd + 0x3000 + PTE_P_RW), boot_pdpt_lo + 24
    /* 0xFFFFFFFF80000000 and up: physical 0-2 GiB. */
    movl $(boot_pd + PTE_P_RW), boot_pdpt_hi + 510 * 8
    movl $(boot_pd + 0x1000 + PTE_P_RW), boot_pdpt_hi + 511 * 8
    movl $(boot_pdpt_lo + PTE_P_RW), boot_pml4            /* identity */
    movl $(boot_pdpt_lo + PTE_P_RW), boot_pml4 + 256 * 8  /* direct map */
    movl $(boot_pdpt_hi + PTE_P_RW), boot_pml4 + 511 * 8  /* kernel */

    movl %cr4, %eax
    orl $(1 << 5), %eax             /* PAE */
    movl %eax, %cr4
    movl $boot_pml4, %eax
    movl %eax, %cr3
    movl $MSR_EFER, %ecx
    rdmsr
    orl $EFER_LME, %eax
    btl $20, %ebp
    jnc 2f
    orl $EFER_NXE, %eax
2:  wrmsr
    movl %cr0, %eax
    orl $0x80010001, %eax           /* PG | WP | PE */
    movl %eax, %cr0
    lgdt boot_gdt_desc
    ljmp $0x08, $.Llong_mode

.Lno_long_mode:
    movl $msg_no_lm, %esi
    jmp .Lfatal
.Lbad_magic:
    movl $msg_magic, %esi
.Lfatal:
    /* COM1 may be untouched if we were not started by BL: 115200 8N1. */
    movw $(COM1 + 1), %dx
    xorb %al, %al
    outb %al, %dx
    movw $(COM1 + 3), %dx
    movb $0x80, %al
    outb %al, %dx
    movw $COM1, %dx
    movb $1, %al
    outb %al, %dx
    movw $(COM1 + 1), %dx
    xorb %al, %al
    outb %al, %dx
    movw $(COM1 + 3), %dx
    movb $3, %al
    outb %al, %dx
3:  lodsb
    testb %al, %al
    jz 5f
    movb %al, %bl
    movw $(COM1 + 5), %dx
4:  inb %dx, %al
    testb $0x20, %al
    jz 4b
    movw $COM1, %dx
    movb %bl, %al
    outb %al, %dx
    jmp 3b
5:  cli
    hlt
    jmp 5b

msg_magic:
    .asciz "hv kernel: error: not started by hv's boot loader\r\nhv kernel: system halted\r\n"
msg_no_lm:
    .asciz "hv kernel: error: this CPU has no 64-bit long mode\r\nhv kernel: system halted\r\n"

    .balign 8
boot_gdt:
    .quad 0
    .quad 0x00AF9A000000FFFF        /* 0x08: 64-bit code */
    .quad 0x00CF92000000FFFF        /* 0x10: data */
boot_gdt_desc:
    .word boot_gdt_desc - boot_gdt - 1
    .long boot_gdt

    .code64
.Llong_mode:
    movl $0x10, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    movl %eax, %fs
    movl %eax, %gs
    movabsq $higher_half, %rax
    jmp *%rax

    .text
higher_half:
    movq $(boot_stack + BOOT_STACK_SIZE), %rsp
    xorl %ebp, %ebp
    movl %esi, %edi                 /* zero-extends: upper halves are undefined after the switch */
    call kmain
6:  cli
    hlt
    jmp 6b

    .bss
    .balign 16
    .globl boot_stack
boot_stack:
    .skip BOOT_STACK_SIZE

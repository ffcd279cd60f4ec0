/* The AP trampoline.  smp.c copies ap_boot_start..ap_boot_end to physical
 * AP_BOOT_PA, fills ap_boot_data and sends SIPI with vector AP_BOOT_PA >> 12:
 * the AP starts here in real mode at AP_BOOT_PA:0 and goes through protected
 * mode into long mode on temporary page tables (the low 2 MiB identity-mapped
 * plus the kernel's upper half), then calls the C entry on its own stack.
 * Everything here runs at AP_BOOT_PA, not where it is linked, so addresses
 * are computed with AP_ADDR(). */

#define AP_BOOT_PA 0x8000
#define AP_ADDR(sym) ((sym) - ap_boot_start + AP_BOOT_PA)

#define CR0_PE    0x00000001
#define CR0_PG    0x80000000
#define CR4_PAE   0x00000020
#define MSR_EFER  0xC0000080

    .section .rodata.ap_boot, "a"
    .global ap_boot_start, ap_boot_end, ap_boot_data

    .code16
ap_boot_start:
    cli
    cld
    xorw %ax, %ax
    movw %ax, %ds
    movl $1, AP_ADDR(ap_alive)            /* tells the BSP the SIPI arrived */
    lgdtl AP_ADDR(ap_gdtr)
    movl %cr0, %eax
    orl $CR0_PE, %eax
    movl %eax, %cr0
    ljmpl $0x08, $AP_ADDR(ap_pm32)

    .code32
ap_pm32:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movl %cr4, %eax
    orl $CR4_PAE, %eax
    movl %eax, %cr4
    movl AP_ADDR(ap_pml4), %eax
    movl %eax, %cr3
    /* The BSP's EFER (LME, NXE, SCE): the kernel's page tables use NX. */
    movl $MSR_EFER, %ecx
    movl AP_ADDR(ap_efer), %eax
    xorl %edx, %edx
    wrmsr
    movl %cr0, %eax
    orl $(CR0_PG | CR0_PE), %eax
    movl %eax, %cr0
    ljmpl $0x18, $AP_ADDR(ap_lm64)

    .code64
ap_lm64:
    xorl %eax, %eax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movw %ax, %fs
    movw %ax, %gs
    movq AP_ADDR(ap_stack), %rsp
    movq AP_ADDR(ap_arg), %rdi
    movq AP_ADDR(ap_entry), %rax
    callq *%rax                           /* call: the C entry expects rsp % 16 == 8 */
1:  cli
    hlt
    jmp 1b

    .balign 8
ap_gdt:
    .quad 0
    .quad 0x00CF9A000000FFFF              /* 0x08: 32-bit code */
    .quad 0x00CF92000000FFFF              /* 0x10: data */
    .quad 0x00AF9A000000FFFF              /* 0x18: 64-bit code */
ap_gdtr:
    .word ap_gdtr - ap_gdt - 1
    .long AP_ADDR(ap_gdt)

    /* struct ap_boot_data in smp.c */
    .balign 8
ap_boot_data:
ap_pml4:  .long 0                         /* temporary PML4, physical, < 4 GiB */
ap_efer:  .long 0
ap_stack: .quad 0                         /* top of the AP's kernel stack */
ap_entry: .quad 0                         /* C entry (kernel virtual address) */
ap_arg:   .quad 0                         /* its argument: the AP's struct percpu */
ap_alive: .long 0
          .long 0
ap_boot_end:

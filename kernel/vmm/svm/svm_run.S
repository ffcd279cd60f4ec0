/* void svm_vmrun(uint64_t *gpr, uint64_t guest_vmcb_pa, uint64_t host_save_pa)
 *
 * VMRUN switches only RAX, RSP, RIP, flags, control registers and the four
 * classic segments; the other general registers are ours to swap, and FS,
 * GS, TR, LDTR and the syscall MSRs need VMLOAD/VMSAVE.  All of it happens
 * with GIF clear, so no interrupt or NMI can see a half-switched CPU (GS
 * base would point at the guest's).  Host interrupts that arrive during the
 * guest cause an INTR exit and are taken right after STGI.
 * gpr[] is in encoding order (vcpu.h); gpr[0] (RAX) and gpr[4] (RSP) are
 * left alone: the VMCB holds those. */
#define G(n) (8 * (n))

    .text
    .globl svm_vmrun
    .type svm_vmrun, @function
svm_vmrun:
    push %rbp
    mov %rsp, %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    push %rdi                   /* 16(%rsp) at VMRUN: gpr */
    push %rsi                   /*  8(%rsp): guest VMCB */
    push %rdx                   /*  0(%rsp): host save area */

    clgi
    mov %rdx, %rax
    vmsave
    mov %rsi, %rax
    vmload

    mov G(1)(%rdi), %rcx
    mov G(2)(%rdi), %rdx
    mov G(3)(%rdi), %rbx
    mov G(5)(%rdi), %rbp
    mov G(6)(%rdi), %rsi
    mov G(8)(%rdi), %r8
    mov G(9)(%rdi), %r9
    mov G(10)(%rdi), %r10
    mov G(11)(%rdi), %r11
    mov G(12)(%rdi), %r12
    mov G(13)(%rdi), %r13
    mov G(14)(%rdi), %r14
    mov G(15)(%rdi), %r15
    mov G(7)(%rdi), %rdi

    vmrun                       /* RAX = guest VMCB; RAX and RSP come back */

    push %rdi
    mov 24(%rsp), %rdi          /* gpr */
    mov %rcx, G(1)(%rdi)
    mov %rdx, G(2)(%rdi)
    mov %rbx, G(3)(%rdi)
    mov %rbp, G(5)(%rdi)
    mov %rsi, G(6)(%rdi)
    popq G(7)(%rdi)
    mov %r8, G(8)(%rdi)
    mov %r9, G(9)(%rdi)
    mov %r10, G(10)(%rdi)
    mov %r11, G(11)(%rdi)
    mov %r12, G(12)(%rdi)
    mov %r13, G(13)(%rdi)
    mov %r14, G(14)(%rdi)
    mov %r15, G(15)(%rdi)

    vmsave                      /* RAX is still the guest VMCB */
    mov 0(%rsp), %rax
    vmload                      /* our GS base, TR, syscall MSRs */
    stgi

    add $24, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret
    .size svm_vmrun, . - svm_vmrun
    .section .note.GNU-stack, "", @progbits

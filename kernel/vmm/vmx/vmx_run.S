/* int vmx_enter(uint64_t *gpr, int launched)
 *
 * VM entry loads RSP, RIP, RFLAGS, control and segment registers from the
 * VMCS; the other general registers are ours to swap.  HOST_RSP is written
 * here, each time, because it is this frame's; HOST_RIP (vmx_exit_stub) is
 * constant and written once with the rest of the host state.  At the exit
 * the CPU lands on vmx_exit_stub with RSP = HOST_RSP, interrupts off
 * (RFLAGS = 2): the caller restores its flags, and a host interrupt that
 * caused the exit is taken then.  gpr[] is in encoding order (vcpu.h);
 * gpr[4] (RSP) is left alone. */
#define G(n) (8 * (n))
#define VMCS_HOST_RSP 0x6C14

    .text
    .globl vmx_enter
    .type vmx_enter, @function
vmx_enter:
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    push %rdi                   /* 0(%rsp) while the guest runs: gpr */

    mov $VMCS_HOST_RSP, %eax
    vmwrite %rsp, %rax

    test %esi, %esi             /* ZF survives the movs below */
    mov G(0)(%rdi), %rax
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
    jnz 1f
    vmlaunch
    jmp 2f
1:  vmresume
2:  /* Still here: the instruction failed.  CF: VMfailInvalid, ZF: VMfailValid. */
    mov $1, %eax
    jc 3f
    mov $2, %eax
3:  pop %rdi
    jmp 4f

    .globl vmx_exit_stub
    .type vmx_exit_stub, @function
vmx_exit_stub:
    push %rdi
    mov 8(%rsp), %rdi           /* gpr */
    mov %rax, G(0)(%rdi)
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
    pop %rdi
    xor %eax, %eax
4:  pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret
    .size vmx_enter, . - vmx_enter
    .section .note.GNU-stack, "", @progbits

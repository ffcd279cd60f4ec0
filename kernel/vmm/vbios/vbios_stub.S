/* The guest side of hv's virtual BIOS: 16-bit code copied to 0xF0000 by
 * vbios_install (it never runs in hv).  INT 10h/13h/15h/16h/1Ah land in
 * a trap stub that writes the vector, DX and the segment registers to the
 * mailbox at F000:0000 and does OUT DX, AL to VBIOS_PORT; hv then does the
 * service on the vCPU's registers and the FLAGS image on the stack, and the
 * stub IRETs.  The timer interrupt keeps the BDA tick count in the guest
 * itself, as a real BIOS does.  Offsets in this blob are offsets in the
 * F000 segment.  See docs/vbios.md. */
#include "vmm/vbios/vbios_layout.h"

#define TICKS 0x46C
#define MIDNIGHT 0x470

    .section .rodata
    .balign 16
    .code16
    .globl vbios_stub, vbios_stub_end
    .globl vbios_stub_iret, vbios_stub_irq_master, vbios_stub_irq_slave, vbios_stub_irq0
    .globl vbios_stub_int11, vbios_stub_int12
    .globl vbios_stub_trap10, vbios_stub_trap13, vbios_stub_trap15, vbios_stub_trap16
    .globl vbios_stub_trap1a
vbios_stub:
    .fill VBIOS_MB_SIZE, 1, 0           /* the mailbox */

vbios_stub_iret:
    iret

/* Any other IRQ: acknowledge it so the PIC is not left stuck. */
vbios_stub_irq_master:
    push %ax
    mov $0x20, %al
    out %al, $0x20
    pop %ax
    iret

vbios_stub_irq_slave:
    push %ax
    mov $0x20, %al
    out %al, $0xA0
    out %al, $0x20
    pop %ax
    iret

/* IRQ0 at 18.2 Hz: the BDA tick count, midnight, and the user hook 1Ch. */
vbios_stub_irq0:
    push %ds
    push %ax
    xor %ax, %ax
    mov %ax, %ds
    addl $1, (TICKS)
    cmpl $0x1800B0, (TICKS)
    jb 1f
    movl $0, (TICKS)
    movb $1, (MIDNIGHT)
1:  int $0x1C
    mov $0x20, %al
    out %al, $0x20
    pop %ax
    pop %ds
    iret

vbios_stub_int11:                       /* equipment word */
    push %ds
    xor %ax, %ax
    mov %ax, %ds
    mov (0x410), %ax
    pop %ds
    iret

vbios_stub_int12:                       /* KiB of base memory */
    push %ds
    xor %ax, %ax
    mov %ax, %ds
    mov (0x413), %ax
    pop %ds
    iret

vbios_stub_trap10:
    movw $0x10, %cs:(VBIOS_MB_VEC)
    jmp trap
vbios_stub_trap13:
    movw $0x13, %cs:(VBIOS_MB_VEC)
    jmp trap
vbios_stub_trap15:
    movw $0x15, %cs:(VBIOS_MB_VEC)
    jmp trap
vbios_stub_trap16:
    movw $0x16, %cs:(VBIOS_MB_VEC)
    jmp trap
vbios_stub_trap1a:
    movw $0x1A, %cs:(VBIOS_MB_VEC)
trap:
    mov %dx, %cs:(VBIOS_MB_DX)
    mov %ds, %cs:(VBIOS_MB_DS)
    mov %es, %cs:(VBIOS_MB_ES)
    mov %ss, %cs:(VBIOS_MB_SS)
    mov $VBIOS_PORT, %dx
    out %al, %dx                        /* hv does the service here */
    iret
vbios_stub_end:
    .code64

/* Where hv's virtual BIOS lives in a guest's memory, shared by the guest-side
 * stub (vbios_stub.S, assembled as 16-bit code) and the C side.  Plain
 * #defines only: this header is included by the assembler too.
 * See docs/vbios.md.  Owner: vbios.
 */
#ifndef HV_VMM_VBIOS_LAYOUT_H
#define HV_VMM_VBIOS_LAYOUT_H

/* The stub's segment: code and the mailbox at 0xF000:0000. */
#define VBIOS_SEG           0xF000
#define VBIOS_BASE          0xF0000

/* The stub writes the trapping vector and the registers hv cannot read
 * from the vCPU (segments, and DX which the OUT needs) here, then does
 * OUT DX, AL to VBIOS_PORT.  hv answers by writing the vCPU's registers
 * and the FLAGS image the INT pushed.  Offsets within VBIOS_SEG. */
#define VBIOS_MB_VEC        0x00    /* word: the interrupt vector */
#define VBIOS_MB_DX         0x02    /* word: DX at the INT */
#define VBIOS_MB_DS         0x04
#define VBIOS_MB_ES         0x06
#define VBIOS_MB_SS         0x08
#define VBIOS_MB_SIZE       0x10
#define VBIOS_PORT          0x0EB0  /* claimed by the VM's vbios device */

/* Data hv writes into the BIOS segment at install time (VBE strings and
 * mode list), after the stub code. */
#define VBIOS_DATA_OFF      0xE000

/* ACPI PM1a event/control block (the FADT points here); a write of
 * SLP_EN with sleep type 5 powers the VM off. */
#define VBIOS_PM_PORT       0x0600
#define VBIOS_PM_LEN        0x0008
#define VBIOS_PM1A_EVT      0x0600
#define VBIOS_PM1A_CNT      0x0604

#endif

/* Decoding and emulating the guest instruction that touched an MMIO page.
 *
 * Without decode assists (QEMU's emulated SVM has none) a nested page fault
 * tells the VMM only the guest-physical address; the access size, direction
 * and register come from decoding the instruction at the guest's RIP.  This
 * decoder knows the handful of instructions guests use on device registers
 * and refuses everything else with a distinguishable error, so the VMM can
 * stop the VM with a precise reason instead of guessing.  See
 * docs/mmio-decode.md.  Pure code: host-unit-tested.  Owner: vmm.
 *
 * Usage, on a nested page fault at guest-physical address gpa:
 *     copy up to MMIO_MAX_LEN bytes from the guest's CS:RIP into buf
 *     rc = mmio_decode(buf, n, mode, &insn)      (rc < 0: mmio_strerror(rc))
 *     if insn.dir is READ or RMW:  val = device_read(gpa, insn.size)
 *     rc = mmio_emulate(&insn, &regs, &val)
 *     if insn.dir is WRITE or RMW: device_write(gpa, insn.size, val)
 *     rip += insn.len
 */
#ifndef HV_VMM_MMIO_DECODE_H
#define HV_VMM_MMIO_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MMIO_MAX_LEN 15       /* the architectural limit on instruction length */

/* How the guest CPU decodes at RIP: from CR0.PE, EFLAGS.VM, EFER.LMA and
 * CS.L / CS.D.  Compatibility mode (LMA=1, CS.L=0) is PROT16 or PROT32 by
 * CS.D, virtual-8086 mode is REAL16. */
enum mmio_mode {
    MMIO_MODE_REAL16,         /* real or virtual-8086: 16-bit operands and addresses */
    MMIO_MODE_PROT16,         /* protected, CS.D=0 */
    MMIO_MODE_PROT32,         /* protected, CS.D=1 */
    MMIO_MODE_LONG64,         /* 64-bit mode, CS.L=1: REX, 64-bit addresses */
};

/* Errors, returned negated.  Local to this decoder (not errno values):
 * mmio_strerror() names them. */
enum mmio_err {
    MMIO_ETRUNC = 1,          /* instruction runs past the bytes supplied */
    MMIO_ETOOLONG,            /* longer than 15 bytes: #GP on hardware */
    MMIO_EINVAL,              /* an encoding the CPU would refuse (#UD) */
    MMIO_EUNSUP,              /* a valid instruction this decoder does not emulate */
    MMIO_ELOCK,               /* LOCK prefix */
    MMIO_EREP,                /* REP/REPNE prefix */
    MMIO_ENOTMEM,             /* ModRM names a register: no memory access at all */
    MMIO_EBADARG,             /* bad mode or a struct mmio_insn not from mmio_decode */
};

enum mmio_dir {
    MMIO_READ,                /* the instruction reads the device */
    MMIO_WRITE,               /* the instruction writes the device */
    MMIO_RMW,                 /* reads, then writes (xchg, and/or/xor to memory) */
};

enum mmio_kind {
    MMIO_MOV_LOAD,            /* 8A 8B A0 A1: reg <- mem */
    MMIO_MOV_STORE,           /* 88 89 A2 A3: mem <- reg */
    MMIO_MOV_STORE_IMM,       /* C6 C7:       mem <- imm */
    MMIO_MOVZX,               /* 0F B6 0F B7: reg <- zero-extended mem */
    MMIO_MOVSX,               /* 0F BE 0F BF: reg <- sign-extended mem */
    MMIO_STOS,                /* AA AB (no REP): mem <- rAX, rDI += size or -= size */
    MMIO_XCHG,                /* 86 87: mem <-> reg */
    MMIO_ALU,                 /* and/or/xor/cmp/test with a memory operand, see alu */
};

enum mmio_alu { MMIO_ALU_OR, MMIO_ALU_AND, MMIO_ALU_XOR, MMIO_ALU_CMP, MMIO_ALU_TEST };

/* The segment override prefix, if any (the last one wins).  In 64-bit mode
 * the CPU ignores ES/CS/SS/DS overrides; they are recorded as given. */
enum mmio_seg { MMIO_SEG_NONE, MMIO_SEG_ES, MMIO_SEG_CS, MMIO_SEG_SS, MMIO_SEG_DS,
                MMIO_SEG_FS, MMIO_SEG_GS };

/* A decoded instruction.  On error mmio_decode still sets len to the number
 * of bytes it examined (prefixes and opcode included), for the message. */
struct mmio_insn {
    uint8_t len;              /* bytes, prefixes included: advance RIP by this */
    uint8_t size;             /* bytes read/written at the MMIO address: 1, 2, 4, 8 */
    uint8_t kind;             /* enum mmio_kind */
    uint8_t dir;              /* enum mmio_dir */
    uint8_t mode;             /* enum mmio_mode decoded in */
    uint8_t reg_size;         /* width of the register operand; != size only for movzx/movsx */
    uint8_t addr_size;        /* 2, 4, 8: address width (moffs size, rDI width for stos) */
    uint8_t seg;              /* enum mmio_seg */
    uint8_t reg;              /* the register operand, 0..15 (REX.R applied; 0 for stos/moffs) */
    bool high8;               /* reg is AH/CH/DH/BH: bits 8..15 of GPR reg (0..3) */
    bool has_imm;             /* the non-memory operand is imm, not reg */
    bool mem_is_dest;         /* ALU: memory is the left operand (cmp mem, x) */
    uint8_t alu;              /* enum mmio_alu, for MMIO_ALU */
    uint8_t opcode[2];        /* the opcode, for messages: 0F xx or xx 00 */
    uint64_t imm;             /* immediate, sign-extended to 64 bits */
};

/* The guest's general registers in encoding order (RAX RCX RDX RBX RSP RBP
 * RSI RDI R8..R15) and RFLAGS (read for DF by stos, written by the ALU kind:
 * CF PF AF ZF SF OF). */
enum { MMIO_RAX, MMIO_RCX, MMIO_RDX, MMIO_RBX, MMIO_RSP, MMIO_RBP, MMIO_RSI, MMIO_RDI };
struct mmio_regs {
    uint64_t gpr[16];
    uint64_t rflags;
};

/* Decodes the instruction in bytes[0..avail) (avail may exceed 15; at most
 * 15 bytes are looked at, never more than avail).  Returns 0 and fills *out,
 * or a negative enum mmio_err. */
int mmio_decode(const uint8_t *bytes, size_t avail, enum mmio_mode mode,
                struct mmio_insn *out);

/* Applies the instruction's effect on the registers.  *mem_value is, on
 * entry, the value read from the device (READ, RMW; only the low insn->size
 * bytes count), and on return the value to write (WRITE, RMW; zero above
 * size).  Returns 0 or -MMIO_EBADARG. */
int mmio_emulate(const struct mmio_insn *insn, struct mmio_regs *regs, uint64_t *mem_value);

/* "LOCK prefix not supported" etc. for a negative mmio_decode result. */
const char *mmio_strerror(int err);

/* "eax", "ah", "r9w", ... for a register operand of the given width. */
const char *mmio_reg_name(unsigned reg, bool high8, unsigned size);

#endif

/* The MMIO instruction decoder and emulator: see mmio_decode.h and
 * docs/mmio-decode.md.  Strict by design: anything not positively known is
 * refused, because a wrong guess silently corrupts the guest. */
#include "vmm/mmio_decode.h"

/* Reads bytes one at a time so that it can never look past avail or past
 * the 15-byte limit, and can tell "ran out of bytes" from "too long". */
struct cursor {
    const uint8_t *bytes;
    size_t avail;
    size_t pos;               /* next byte to read */
};

static int need(const struct cursor *c, size_t n)
{
    if (c->pos + n > MMIO_MAX_LEN)
        return -MMIO_ETOOLONG;
    if (c->pos + n > c->avail)
        return -MMIO_ETRUNC;
    return 0;
}

static int next_byte(struct cursor *c, uint8_t *b)
{
    int rc = need(c, 1);
    if (rc < 0)
        return rc;
    *b = c->bytes[c->pos++];
    return 0;
}

/* A little-endian immediate of n bytes, sign-extended to 64 bits. */
static int next_imm(struct cursor *c, unsigned n, uint64_t *v)
{
    int rc = need(c, n);
    if (rc < 0)
        return rc;
    uint64_t x = 0;
    for (unsigned i = 0; i < n; i++)
        x |= (uint64_t)c->bytes[c->pos + i] << (8 * i);
    c->pos += n;
    if (n < 8 && (x >> (8 * n - 1)) & 1)
        x |= ~0ull << (8 * n);
    *v = x;
    return 0;
}

/* What the prefixes said. */
struct prefixes {
    uint8_t rex;              /* the REX byte right before the opcode, or 0 */
    bool opsize;              /* 66 */
    bool addrsize;            /* 67 */
    bool lock;                /* F0 */
    bool rep;                 /* F2 or F3 */
    uint8_t seg;              /* enum mmio_seg */
};

#define REX_W 8
#define REX_R 4

/* Consumes the prefixes and returns the first opcode byte in *op. */
static int read_prefixes(struct cursor *c, enum mmio_mode mode, struct prefixes *p, uint8_t *op)
{
    for (;;) {
        uint8_t b;
        int rc = next_byte(c, &b);
        if (rc < 0)
            return rc;
        /* A REX only counts right before the opcode: a legacy prefix after
         * it makes the CPU ignore it. */
        if (mode == MMIO_MODE_LONG64 && (b & 0xf0) == 0x40) {
            p->rex = b;
            continue;
        }
        switch (b) {
        case 0x66: p->opsize = true; break;
        case 0x67: p->addrsize = true; break;
        case 0xf0: p->lock = true; break;
        case 0xf2: case 0xf3: p->rep = true; break;
        case 0x26: p->seg = MMIO_SEG_ES; break;
        case 0x2e: p->seg = MMIO_SEG_CS; break;
        case 0x36: p->seg = MMIO_SEG_SS; break;
        case 0x3e: p->seg = MMIO_SEG_DS; break;
        case 0x64: p->seg = MMIO_SEG_FS; break;
        case 0x65: p->seg = MMIO_SEG_GS; break;
        default:
            *op = b;
            return 0;
        }
        p->rex = 0;
    }
}

/* Consumes a ModRM byte and the SIB and displacement it implies; the
 * memory operand itself is not needed (the fault reports the address).
 * Returns the ModRM byte's reg field in *reg. */
static int read_modrm(struct cursor *c, unsigned addr_size, unsigned *reg)
{
    uint8_t m;
    int rc = next_byte(c, &m);
    if (rc < 0)
        return rc;
    unsigned mod = m >> 6, rm = m & 7;
    *reg = (m >> 3) & 7;
    if (mod == 3)
        return -MMIO_ENOTMEM;

    unsigned disp;
    if (addr_size == 2) {
        /* [bx+si] ... [bx]; mod 0 rm 6 is [disp16] rather than [bp]. */
        disp = mod == 1 ? 1 : mod == 2 ? 2 : rm == 6 ? 2 : 0;
    } else {
        /* rm 4 means a SIB follows; mod 0 with base 5 there, or rm 5 here
         * (RIP-relative in 64-bit mode), means disp32 and no base.  REX.B
         * does not change these special cases. */
        disp = mod == 1 ? 1 : mod == 2 ? 4 : rm == 5 ? 4 : 0;
        if (rm == 4) {
            uint8_t sib;
            rc = next_byte(c, &sib);
            if (rc < 0)
                return rc;
            if (mod == 0 && (sib & 7) == 5)
                disp = 4;
        }
    }
    rc = need(c, disp);
    if (rc < 0)
        return rc;
    c->pos += disp;
    return 0;
}

/* The decoding state of one instruction, shared by the opcode handlers. */
struct decoder {
    struct cursor c;
    struct prefixes p;
    enum mmio_mode mode;
    unsigned opsize;          /* operand size for non-byte forms: 2, 4, 8 */
    unsigned addr_size;
    struct mmio_insn *out;
};

/* ModRM-addressed forms: reads ModRM etc. and sets the register operand
 * from its reg field.  byte_reg: the register is a byte register, so 4..7
 * without REX are AH..BH. */
static int modrm_form(struct decoder *d, unsigned *ext, bool byte_reg)
{
    unsigned reg = 0;
    int rc = read_modrm(&d->c, d->addr_size, &reg);
    if (ext)
        *ext = reg;   /* also for -MMIO_ENOTMEM: C6 F8 is xabort, not an error */
    if (rc < 0)
        return rc;
    if (d->p.rex & REX_R)
        reg += 8;
    if (byte_reg && !d->p.rex && reg >= 4) {
        d->out->reg = (uint8_t)(reg - 4);
        d->out->high8 = true;
    } else {
        d->out->reg = (uint8_t)reg;
    }
    return 0;
}

/* An immediate of the operand's size; imm32 sign-extended for 64-bit operands. */
static int imm_form(struct decoder *d, unsigned size)
{
    d->out->has_imm = true;
    d->out->reg = 0;
    d->out->high8 = false;
    return next_imm(&d->c, size > 4 ? 4 : size, &d->out->imm);
}

static void set(struct decoder *d, enum mmio_kind kind, enum mmio_dir dir, unsigned size)
{
    d->out->kind = (uint8_t)kind;
    d->out->dir = (uint8_t)dir;
    d->out->size = (uint8_t)size;
    d->out->reg_size = (uint8_t)size;
}

/* The classic ALU row: op r/m8,r8; op r/m,r; op r8,r/m8; op r,r/m. */
static int alu_rows(struct decoder *d, uint8_t op, enum mmio_alu alu)
{
    bool to_mem = !(op & 2);
    unsigned size = (op & 1) ? d->opsize : 1;
    bool writes = alu != MMIO_ALU_CMP && alu != MMIO_ALU_TEST;
    set(d, MMIO_ALU, to_mem && writes ? MMIO_RMW : MMIO_READ, size);
    d->out->alu = (uint8_t)alu;
    d->out->mem_is_dest = to_mem;
    return modrm_form(d, NULL, size == 1);
}

/* 80 81 83 F6 F7: the operation is in the ModRM reg field, the other
 * operand an immediate. */
static int alu_imm(struct decoder *d, uint8_t op)
{
    static const int8_t group1[8] = { -1, MMIO_ALU_OR, -1, -1, MMIO_ALU_AND, -1,
                                      MMIO_ALU_XOR, MMIO_ALU_CMP };
    unsigned size = (op & 1) ? d->opsize : 1;
    unsigned ext;
    int rc = modrm_form(d, &ext, false);
    if (rc < 0)
        return rc;
    int alu = op >= 0xf6 ? (ext == 0 ? MMIO_ALU_TEST : -1) : group1[ext];
    if (alu < 0)
        return -MMIO_EUNSUP;  /* add adc sbb sub, not/neg/mul/div: valid, not emulated */
    bool writes = alu != MMIO_ALU_CMP && alu != MMIO_ALU_TEST;
    set(d, MMIO_ALU, writes ? MMIO_RMW : MMIO_READ, size);
    d->out->alu = (uint8_t)alu;
    d->out->mem_is_dest = true;
    return imm_form(d, op == 0x83 ? 1 : size);
}

static int decode_0f(struct decoder *d)
{
    uint8_t op;
    int rc = next_byte(&d->c, &op);
    if (rc < 0)
        return rc;
    d->out->opcode[1] = op;
    switch (op) {
    case 0xb6: case 0xb7: case 0xbe: case 0xbf:
        set(d, op < 0xbe ? MMIO_MOVZX : MMIO_MOVSX, MMIO_READ, (op & 1) ? 2 : 1);
        d->out->reg_size = (uint8_t)d->opsize;
        return modrm_form(d, NULL, false);
    default:
        return -MMIO_EUNSUP;
    }
}

static int decode_opcode(struct decoder *d, uint8_t op)
{
    unsigned ext;
    int rc;

    switch (op) {
    case 0x0f:
        return decode_0f(d);
    case 0x88: case 0x89:
        set(d, MMIO_MOV_STORE, MMIO_WRITE, op == 0x88 ? 1 : d->opsize);
        return modrm_form(d, NULL, op == 0x88);
    case 0x8a: case 0x8b:
        set(d, MMIO_MOV_LOAD, MMIO_READ, op == 0x8a ? 1 : d->opsize);
        return modrm_form(d, NULL, op == 0x8a);
    case 0xc6: case 0xc7:
        set(d, MMIO_MOV_STORE_IMM, MMIO_WRITE, op == 0xc6 ? 1 : d->opsize);
        rc = modrm_form(d, &ext, false);
        if (rc == -MMIO_ENOTMEM && ext == 7)
            return -MMIO_EUNSUP;      /* C6 F8 xabort, C7 F8 xbegin */
        if (rc < 0)
            return rc;
        if (ext != 0)
            return -MMIO_EINVAL;
        return imm_form(d, d->out->size);
    case 0xa0: case 0xa1: case 0xa2: case 0xa3:
        /* moffs: the address itself, as wide as the address size; the
         * register is always AL/AX/EAX/RAX. */
        set(d, op & 2 ? MMIO_MOV_STORE : MMIO_MOV_LOAD, op & 2 ? MMIO_WRITE : MMIO_READ,
            op & 1 ? d->opsize : 1);
        rc = need(&d->c, d->addr_size);
        if (rc < 0)
            return rc;
        d->c.pos += d->addr_size;
        return 0;
    case 0xaa: case 0xab:
        set(d, MMIO_STOS, MMIO_WRITE, op == 0xaa ? 1 : d->opsize);
        return 0;
    case 0x86: case 0x87:
        set(d, MMIO_XCHG, MMIO_RMW, op == 0x86 ? 1 : d->opsize);
        return modrm_form(d, NULL, op == 0x86);
    case 0x08: case 0x09: case 0x0a: case 0x0b:
        return alu_rows(d, op, MMIO_ALU_OR);
    case 0x20: case 0x21: case 0x22: case 0x23:
        return alu_rows(d, op, MMIO_ALU_AND);
    case 0x30: case 0x31: case 0x32: case 0x33:
        return alu_rows(d, op, MMIO_ALU_XOR);
    case 0x38: case 0x39: case 0x3a: case 0x3b:
        return alu_rows(d, op, MMIO_ALU_CMP);
    case 0x84: case 0x85:
        /* test r/m, r: only the r/m, r direction exists. */
        rc = alu_rows(d, op, MMIO_ALU_TEST);
        d->out->mem_is_dest = true;
        return rc;
    case 0x80: case 0x81: case 0x83: case 0xf6: case 0xf7:
        return alu_imm(d, op);
    case 0x82:
        /* An alias of 80 outside 64-bit mode; rare enough to refuse. */
        return d->mode == MMIO_MODE_LONG64 ? -MMIO_EINVAL : -MMIO_EUNSUP;
    default:
        return -MMIO_EUNSUP;
    }
}

int mmio_decode(const uint8_t *bytes, size_t avail, enum mmio_mode mode,
                struct mmio_insn *out)
{
    struct mmio_insn zero = { 0 };
    struct decoder d = { .c = { bytes, avail, 0 }, .mode = mode, .out = out };
    uint8_t op = 0;

    if (!out)
        return -MMIO_EBADARG;
    *out = zero;
    if ((unsigned)mode > MMIO_MODE_LONG64 || (!bytes && avail))
        return -MMIO_EBADARG;

    int rc = read_prefixes(&d.c, mode, &d.p, &op);
    if (rc == 0) {
        out->opcode[0] = op;
        /* Prefixes first: a REP MOVS to a frame buffer is better told as
         * "REP prefix" than as an unsupported opcode. */
        if (d.p.lock)
            rc = -MMIO_ELOCK;
        else if (d.p.rep)
            rc = -MMIO_EREP;
    }
    if (rc == 0) {
        bool wide = mode == MMIO_MODE_PROT32 || mode == MMIO_MODE_LONG64;
        d.opsize = (d.p.rex & REX_W) ? 8 : (wide != d.p.opsize) ? 4 : 2;
        if (mode == MMIO_MODE_LONG64)
            d.addr_size = d.p.addrsize ? 4 : 8;
        else
            d.addr_size = (mode == MMIO_MODE_PROT32) != d.p.addrsize ? 4 : 2;
        rc = decode_opcode(&d, op);
    }
    out->len = (uint8_t)d.c.pos;
    if (rc < 0)
        return rc;

    out->mode = (uint8_t)mode;
    out->addr_size = (uint8_t)d.addr_size;
    out->seg = d.p.seg;
    return 0;
}

/* ---- emulation ---------------------------------------------------------- */

static uint64_t mask(unsigned size)
{
    return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

static uint64_t sign_extend(uint64_t v, unsigned size)
{
    uint64_t sign = 1ull << (8 * size - 1);
    v &= mask(size);
    return (v ^ sign) - sign;
}

static uint64_t reg_read(const struct mmio_regs *r, unsigned reg, bool high8, unsigned size)
{
    if (high8)
        return (r->gpr[reg] >> 8) & 0xff;
    return r->gpr[reg] & mask(size);
}

/* x86 register write rules: 8- and 16-bit writes leave the other bits
 * alone, a 32-bit write clears bits 32..63.  (Outside 64-bit mode the upper
 * half is invisible to the guest; clearing it matches hardware.) */
static void reg_write(struct mmio_regs *r, unsigned reg, bool high8, unsigned size, uint64_t v)
{
    uint64_t *g = &r->gpr[reg];
    if (high8)
        *g = (*g & ~0xff00ull) | ((v & 0xff) << 8);
    else if (size == 4)
        *g = v & 0xffffffffull;
    else
        *g = (*g & ~mask(size)) | (v & mask(size));
}

#define FL_CF (1ull << 0)
#define FL_PF (1ull << 2)
#define FL_AF (1ull << 4)
#define FL_ZF (1ull << 6)
#define FL_SF (1ull << 7)
#define FL_DF (1ull << 10)
#define FL_OF (1ull << 11)

/* Flags of a logic result (CF=OF=0; AF is undefined and left clear) or of
 * a - b for cmp. */
static uint64_t alu_flags(uint64_t a, uint64_t b, uint64_t res, unsigned size, bool sub)
{
    uint64_t f = 0;
    uint64_t sign = 1ull << (8 * size - 1);
    res &= mask(size);
    if (res == 0)
        f |= FL_ZF;
    if (res & sign)
        f |= FL_SF;
    unsigned low = (unsigned)(res & 0xff);
    low ^= low >> 4;
    low ^= low >> 2;
    low ^= low >> 1;
    if (!(low & 1))
        f |= FL_PF;             /* even number of ones in the low byte */
    if (sub) {
        a &= mask(size);
        b &= mask(size);
        if (a < b)
            f |= FL_CF;
        if ((a ^ b) & (a ^ res) & sign)
            f |= FL_OF;
        if ((a ^ b ^ res) & 0x10)
            f |= FL_AF;
    }
    return f;
}

static void emulate_alu(const struct mmio_insn *in, struct mmio_regs *r, uint64_t *mem)
{
    unsigned size = in->size;
    uint64_t m = *mem & mask(size);
    uint64_t o = in->has_imm ? in->imm & mask(size) : reg_read(r, in->reg, in->high8, size);
    uint64_t a = in->mem_is_dest ? m : o, b = in->mem_is_dest ? o : m, res;

    switch (in->alu) {
    case MMIO_ALU_OR:  res = a | b; break;
    case MMIO_ALU_AND: case MMIO_ALU_TEST: res = a & b; break;
    case MMIO_ALU_XOR: res = a ^ b; break;
    default:           res = a - b; break;
    }
    res &= mask(size);
    r->rflags = (r->rflags & ~(FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)) |
                alu_flags(a, b, res, size, in->alu == MMIO_ALU_CMP);
    if (in->dir == MMIO_RMW)
        *mem = res;
    else if (in->alu != MMIO_ALU_CMP && in->alu != MMIO_ALU_TEST)
        reg_write(r, in->reg, in->high8, size, res);
}

static bool insn_sane(const struct mmio_insn *in)
{
    unsigned s = in->size, rs = in->reg_size, as = in->addr_size;
    bool pow2 = (s == 1 || s == 2 || s == 4 || s == 8) && (rs == 2 || rs == 4 || rs == 8 || rs == s);
    return pow2 && (as == 2 || as == 4 || as == 8) && in->len && in->len <= MMIO_MAX_LEN &&
           in->reg < 16 && (!in->high8 || in->reg < 4) && in->kind <= MMIO_ALU &&
           in->dir <= MMIO_RMW && in->alu <= MMIO_ALU_TEST;
}

int mmio_emulate(const struct mmio_insn *in, struct mmio_regs *r, uint64_t *mem)
{
    if (!in || !r || !mem || !insn_sane(in))
        return -MMIO_EBADARG;

    unsigned size = in->size;
    uint64_t m = *mem & mask(size), old;

    switch (in->kind) {
    case MMIO_MOV_LOAD:
        reg_write(r, in->reg, in->high8, size, m);
        break;
    case MMIO_MOV_STORE:
        *mem = reg_read(r, in->reg, in->high8, size);
        break;
    case MMIO_MOV_STORE_IMM:
        *mem = in->imm & mask(size);
        break;
    case MMIO_MOVZX:
        reg_write(r, in->reg, false, in->reg_size, m);
        break;
    case MMIO_MOVSX:
        reg_write(r, in->reg, false, in->reg_size, sign_extend(m, size));
        break;
    case MMIO_STOS: {
        *mem = r->gpr[MMIO_RAX] & mask(size);
        uint64_t step = (r->rflags & FL_DF) ? -(uint64_t)size : size;
        reg_write(r, MMIO_RDI, false, in->addr_size, r->gpr[MMIO_RDI] + step);
        break;
    }
    case MMIO_XCHG:
        old = reg_read(r, in->reg, in->high8, size);
        reg_write(r, in->reg, in->high8, size, m);
        *mem = old;
        break;
    case MMIO_ALU:
        emulate_alu(in, r, mem);
        break;
    }
    return 0;
}

const char *mmio_strerror(int err)
{
    switch (-err) {
    case 0:              return "success";
    case MMIO_ETRUNC:    return "instruction truncated";
    case MMIO_ETOOLONG:  return "instruction longer than 15 bytes";
    case MMIO_EINVAL:    return "invalid instruction encoding";
    case MMIO_EUNSUP:    return "unsupported instruction";
    case MMIO_ELOCK:     return "LOCK prefix not supported";
    case MMIO_EREP:      return "REP prefix not supported";
    case MMIO_ENOTMEM:   return "instruction has no memory operand";
    case MMIO_EBADARG:   return "bad argument";
    default:             return "unknown error";
    }
}

const char *mmio_reg_name(unsigned reg, bool high8, unsigned size)
{
    static const char names[4][16][5] = {
        { "al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil",
          "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b" },
        { "ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
          "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w" },
        { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
          "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d" },
        { "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
          "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15" },
    };
    static const char high[4][3] = { "ah", "ch", "dh", "bh" };
    unsigned w = size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : size == 8 ? 3 : 4;

    if (high8)
        return reg < 4 ? high[reg] : "?";
    if (reg >= 16 || w > 3)
        return "?";
    return names[w][reg];
}

/* Unit tests for the MMIO instruction decoder and emulator.  The encodings
 * in the tables were produced by GNU as (the comment is the source line);
 * the expectations were written from the instruction set, not from the
 * decoder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vmm/mmio_decode.h"

enum { R16 = MMIO_MODE_REAL16, P16 = MMIO_MODE_PROT16, P32 = MMIO_MODE_PROT32,
       L64 = MMIO_MODE_LONG64 };
enum { RD = MMIO_READ, WR = MMIO_WRITE, RMW = MMIO_RMW };
enum { LOAD = MMIO_MOV_LOAD, STORE = MMIO_MOV_STORE, IMM = MMIO_MOV_STORE_IMM,
       ZX = MMIO_MOVZX, SX = MMIO_MOVSX, STOS = MMIO_STOS, XCHG = MMIO_XCHG, ALU = MMIO_ALU };
enum { NOSEG = MMIO_SEG_NONE, ES = MMIO_SEG_ES, DS = MMIO_SEG_DS, FS = MMIO_SEG_FS,
       GS = MMIO_SEG_GS };

struct tcase {
    uint8_t mode;             /* P16 cases also run as R16 */
    const char *bytes;
    uint8_t len, size, dir, kind, reg, high8, reg_size, addr_size, seg, has_imm;
    uint64_t imm;
};

/* bytes, len, size, dir, kind, reg, high8, reg_size, addr_size, seg, has_imm, imm */
static const struct tcase cases[] = {
    /* 64-bit mode */
    { L64, "\x89\x03", 2, 4, WR, STORE, 0, 0, 4, 8, NOSEG, 0, 0 },                 /* mov %eax,(%rbx) */
    { L64, "\x88\x03", 2, 1, WR, STORE, 0, 0, 1, 8, NOSEG, 0, 0 },                 /* mov %al,(%rbx) */
    { L64, "\x88\x23", 2, 1, WR, STORE, 0, 1, 1, 8, NOSEG, 0, 0 },                 /* mov %ah,(%rbx) */
    { L64, "\x40\x88\x33", 3, 1, WR, STORE, 6, 0, 1, 8, NOSEG, 0, 0 },             /* mov %sil,(%rbx) */
    { L64, "\x40\x88\x23", 3, 1, WR, STORE, 4, 0, 1, 8, NOSEG, 0, 0 },             /* mov %spl,(%rbx) */
    { L64, "\x44\x88\x0b", 3, 1, WR, STORE, 9, 0, 1, 8, NOSEG, 0, 0 },             /* mov %r9b,(%rbx) */
    { L64, "\x88\x7d\x10", 3, 1, WR, STORE, 3, 1, 1, 8, NOSEG, 0, 0 },             /* mov %bh,0x10(%rbp) */
    { L64, "\x4c\x89\x25\x78\x56\x34\x12", 7, 8, WR, STORE, 12, 0, 8, 8, NOSEG, 0, 0 }, /* mov %r12,0x12345678(%rip) */
    { L64, "\x66\x44\x89\x04\x24", 5, 2, WR, STORE, 8, 0, 2, 8, NOSEG, 0, 0 },     /* mov %r8w,(%rsp) */
    { L64, "\x89\x8c\x94\x80\x00\x00\x00", 7, 4, WR, STORE, 1, 0, 4, 8, NOSEG, 0, 0 }, /* mov %ecx,0x80(%rsp,%rdx,4) */
    { L64, "\x41\x89\x55\x7f", 4, 4, WR, STORE, 2, 0, 4, 8, NOSEG, 0, 0 },         /* mov %edx,0x7f(%r13) */
    { L64, "\x41\x89\x45\x00", 4, 4, WR, STORE, 0, 0, 4, 8, NOSEG, 0, 0 },         /* mov %eax,(%r13) */
    { L64, "\x41\x89\x1c\x24", 4, 4, WR, STORE, 3, 0, 4, 8, NOSEG, 0, 0 },         /* mov %ebx,(%r12) */
    { L64, "\x89\x34\xfd\x00\x10\x00\x00", 7, 4, WR, STORE, 6, 0, 4, 8, NOSEG, 0, 0 }, /* mov %esi,0x1000(,%rdi,8) */
    { L64, "\x41\x89\x34\x25\x00\x10\x00\x00", 8, 4, WR, STORE, 6, 0, 4, 8, NOSEG, 0, 0 }, /* mov %esi,0x1000 (SIB, REX.B) */
    { L64, "\x67\x89\x78\x10", 4, 4, WR, STORE, 7, 0, 4, 4, NOSEG, 0, 0 },         /* mov %edi,0x10(%eax) */
    { L64, "\x64\x89\x43\x20", 4, 4, WR, STORE, 0, 0, 4, 8, FS, 0, 0 },            /* mov %eax,%fs:0x20(%rbx) */
    { L64, "\x65\x48\x8b\x00", 4, 8, RD, LOAD, 0, 0, 8, 8, GS, 0, 0 },             /* mov %gs:(%rax),%rax */
    { L64, "\x8b\x0f", 2, 4, RD, LOAD, 1, 0, 4, 8, NOSEG, 0, 0 },                  /* mov (%rdi),%ecx */
    { L64, "\x8a\x0f", 2, 1, RD, LOAD, 1, 0, 1, 8, NOSEG, 0, 0 },                  /* mov (%rdi),%cl */
    { L64, "\x8a\x2f", 2, 1, RD, LOAD, 1, 1, 1, 8, NOSEG, 0, 0 },                  /* mov (%rdi),%ch */
    { L64, "\x44\x8a\x3f", 3, 1, RD, LOAD, 15, 0, 1, 8, NOSEG, 0, 0 },             /* mov (%rdi),%r15b */
    { L64, "\x40\x8a\x3f", 3, 1, RD, LOAD, 7, 0, 1, 8, NOSEG, 0, 0 },              /* mov (%rdi),%dil */
    { L64, "\x44\x8b\x1d\x44\x33\x22\x11", 7, 4, RD, LOAD, 11, 0, 4, 8, NOSEG, 0, 0 }, /* mov 0x11223344(%rip),%r11d */
    { L64, "\x66\x44\x8b\x1f", 4, 2, RD, LOAD, 11, 0, 2, 8, NOSEG, 0, 0 },         /* mov (%rdi),%r11w */
    { L64, "\xc6\x07\x7f", 3, 1, WR, IMM, 0, 0, 1, 8, NOSEG, 1, 0x7f },            /* movb $0x7f,(%rdi) */
    { L64, "\x66\xc7\x07\x01\x80", 5, 2, WR, IMM, 0, 0, 2, 8, NOSEG, 1, 0xffffffffffff8001 }, /* movw $0x8001,(%rdi) */
    { L64, "\xc7\x44\x77\x40\x01\x00\x00\x80", 8, 4, WR, IMM, 0, 0, 4, 8, NOSEG, 1, 0xffffffff80000001 }, /* movl $0x80000001,0x40(%rdi,%rsi,2) */
    { L64, "\x48\xc7\x07\xfe\xff\xff\xff", 7, 8, WR, IMM, 0, 0, 8, 8, NOSEG, 1, (uint64_t)-2 }, /* movq $-2,(%rdi) */
    { L64, "\x48\xc7\x05\x78\x56\x34\x12\xff\xff\xff\x7f", 11, 8, WR, IMM, 0, 0, 8, 8, NOSEG, 1, 0x7fffffff }, /* movq $0x7fffffff,0x12345678(%rip) */
    { L64, "\xa0\x88\x77\x66\x55\x44\x33\x22\x11", 9, 1, RD, LOAD, 0, 0, 1, 8, NOSEG, 0, 0 }, /* movabs 0x1122334455667788,%al */
    { L64, "\xa1\x88\x77\x66\x55\x44\x33\x22\x11", 9, 4, RD, LOAD, 0, 0, 4, 8, NOSEG, 0, 0 }, /* movabs ...,%eax */
    { L64, "\x48\xa1\x88\x77\x66\x55\x44\x33\x22\x11", 10, 8, RD, LOAD, 0, 0, 8, 8, NOSEG, 0, 0 }, /* movabs ...,%rax */
    { L64, "\x49\xa1\x88\x77\x66\x55\x44\x33\x22\x11", 10, 8, RD, LOAD, 0, 0, 8, 8, NOSEG, 0, 0 }, /* REX.B: still %rax */
    { L64, "\xa2\x88\x77\x66\x55\x44\x33\x22\x11", 9, 1, WR, STORE, 0, 0, 1, 8, NOSEG, 0, 0 }, /* movabs %al,... */
    { L64, "\x66\xa3\x88\x77\x66\x55\x44\x33\x22\x11", 10, 2, WR, STORE, 0, 0, 2, 8, NOSEG, 0, 0 }, /* movabs %ax,... */
    { L64, "\x67\xa1\x44\x33\x22\x11", 6, 4, RD, LOAD, 0, 0, 4, 4, NOSEG, 0, 0 },   /* addr32 mov 0x11223344,%eax */
    { L64, "\x0f\xb6\x06", 3, 1, RD, ZX, 0, 0, 4, 8, NOSEG, 0, 0 },                /* movzbl (%rsi),%eax */
    { L64, "\x66\x0f\xb6\x06", 4, 1, RD, ZX, 0, 0, 2, 8, NOSEG, 0, 0 },            /* movzbw (%rsi),%ax */
    { L64, "\x4c\x0f\xb6\x16", 4, 1, RD, ZX, 10, 0, 8, 8, NOSEG, 0, 0 },           /* movzbq (%rsi),%r10 */
    { L64, "\x0f\xb7\x16", 3, 2, RD, ZX, 2, 0, 4, 8, NOSEG, 0, 0 },                /* movzwl (%rsi),%edx */
    { L64, "\x4c\x0f\xb7\x76\x08", 5, 2, RD, ZX, 14, 0, 8, 8, NOSEG, 0, 0 },       /* movzwq 0x8(%rsi),%r14 */
    { L64, "\x0f\xbe\x06", 3, 1, RD, SX, 0, 0, 4, 8, NOSEG, 0, 0 },                /* movsbl (%rsi),%eax */
    { L64, "\x48\x0f\xbe\x0e", 4, 1, RD, SX, 1, 0, 8, 8, NOSEG, 0, 0 },            /* movsbq (%rsi),%rcx */
    { L64, "\x0f\xbf\x2e", 3, 2, RD, SX, 5, 0, 4, 8, NOSEG, 0, 0 },                /* movswl (%rsi),%ebp */
    { L64, "\x4c\x0f\xbf\x06", 4, 2, RD, SX, 8, 0, 8, 8, NOSEG, 0, 0 },            /* movswq (%rsi),%r8 */
    { L64, "\x66\x0f\xbe\x1e", 4, 1, RD, SX, 3, 0, 2, 8, NOSEG, 0, 0 },            /* movsbw (%rsi),%bx */
    { L64, "\x0f\xb6\x26", 3, 1, RD, ZX, 4, 0, 4, 8, NOSEG, 0, 0 },                /* movzbl (%rsi),%esp: no high byte */
    { L64, "\xaa", 1, 1, WR, STOS, 0, 0, 1, 8, NOSEG, 0, 0 },                      /* stosb */
    { L64, "\xab", 1, 4, WR, STOS, 0, 0, 4, 8, NOSEG, 0, 0 },                      /* stosl */
    { L64, "\x48\xab", 2, 8, WR, STOS, 0, 0, 8, 8, NOSEG, 0, 0 },                  /* stosq */
    { L64, "\x67\x66\xab", 3, 2, WR, STOS, 0, 0, 2, 4, NOSEG, 0, 0 },              /* addr32 stosw */
    { L64, "\x87\x07", 2, 4, RMW, XCHG, 0, 0, 4, 8, NOSEG, 0, 0 },                 /* xchg %eax,(%rdi) */
    { L64, "\x44\x86\x0f", 3, 1, RMW, XCHG, 9, 0, 1, 8, NOSEG, 0, 0 },             /* xchg %r9b,(%rdi) */
    { L64, "\x86\x3f", 2, 1, RMW, XCHG, 3, 1, 1, 8, NOSEG, 0, 0 },                 /* xchg %bh,(%rdi) */
    { L64, "\x21\x07", 2, 4, RMW, ALU, 0, 0, 4, 8, NOSEG, 0, 0 },                  /* and %eax,(%rdi) */
    { L64, "\x0b\x0f", 2, 4, RD, ALU, 1, 0, 4, 8, NOSEG, 0, 0 },                   /* or (%rdi),%ecx */
    { L64, "\x44\x30\x07", 3, 1, RMW, ALU, 8, 0, 1, 8, NOSEG, 0, 0 },              /* xor %r8b,(%rdi) */
    { L64, "\x48\x3b\x17", 3, 8, RD, ALU, 2, 0, 8, 8, NOSEG, 0, 0 },               /* cmp (%rdi),%rdx */
    { L64, "\x38\x27", 2, 1, RD, ALU, 0, 1, 1, 8, NOSEG, 0, 0 },                   /* cmp %ah,(%rdi) */
    { L64, "\x85\x37", 2, 4, RD, ALU, 6, 0, 4, 8, NOSEG, 0, 0 },                   /* test %esi,(%rdi) */
    { L64, "\xf6\x07\x80", 3, 1, RD, ALU, 0, 0, 1, 8, NOSEG, 1, 0xffffffffffffff80 }, /* testb $0x80,(%rdi) */
    { L64, "\xf7\x07\x00\x00\x00\x80", 6, 4, RD, ALU, 0, 0, 4, 8, NOSEG, 1, 0xffffffff80000000 }, /* testl $0x80000000,(%rdi) */
    { L64, "\x83\x27\xf0", 3, 4, RMW, ALU, 0, 0, 4, 8, NOSEG, 1, (uint64_t)-16 },  /* andl $-16,(%rdi) */
    { L64, "\x81\x0f\x00\x01\x00\x00", 6, 4, RMW, ALU, 0, 0, 4, 8, NOSEG, 1, 0x100 }, /* orl $0x100,(%rdi) */
    { L64, "\x80\x37\x01", 3, 1, RMW, ALU, 0, 0, 1, 8, NOSEG, 1, 1 },              /* xorb $1,(%rdi) */
    { L64, "\x48\x83\x3f\xff", 4, 8, RD, ALU, 0, 0, 8, 8, NOSEG, 1, (uint64_t)-1 }, /* cmpq $-1,(%rdi) */
    { L64, "\x66\x81\x3f\x34\x12", 5, 2, RD, ALU, 0, 0, 2, 8, NOSEG, 1, 0x1234 },  /* cmpw $0x1234,(%rdi) */
    /* prefix order and precedence */
    { L64, "\x48\x66\x89\x03", 4, 2, WR, STORE, 0, 0, 2, 8, NOSEG, 0, 0 },         /* REX then 66: REX ignored */
    { L64, "\x66\x48\x89\x03", 4, 8, WR, STORE, 0, 0, 8, 8, NOSEG, 0, 0 },         /* REX.W beats 66 */
    { L64, "\x4c\x40\x89\x03", 4, 4, WR, STORE, 0, 0, 4, 8, NOSEG, 0, 0 },         /* two REX: the last counts */
    { L64, "\x44\x3e\x88\x23", 4, 1, WR, STORE, 0, 1, 1, 8, DS, 0, 0 },            /* REX then DS: ah again */
    { L64, "\x2e\x65\x89\x03", 4, 4, WR, STORE, 0, 0, 4, 8, GS, 0, 0 },            /* last segment wins */
    { L64, "\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x89\x03", 15, 2, WR, STORE, 0, 0, 2, 8, NOSEG, 0, 0 },
    /* 32-bit protected mode */
    { P32, "\x89\x03", 2, 4, WR, STORE, 0, 0, 4, 4, NOSEG, 0, 0 },                 /* mov %eax,(%ebx) */
    { P32, "\x88\x23", 2, 1, WR, STORE, 0, 1, 1, 4, NOSEG, 0, 0 },                 /* mov %ah,(%ebx) */
    { P32, "\x66\x89\x13", 3, 2, WR, STORE, 2, 0, 2, 4, NOSEG, 0, 0 },             /* mov %dx,(%ebx) */
    { P32, "\x8b\x45\x00", 3, 4, RD, LOAD, 0, 0, 4, 4, NOSEG, 0, 0 },              /* mov (%ebp),%eax */
    { P32, "\x8b\x4c\x24\x12", 4, 4, RD, LOAD, 1, 0, 4, 4, NOSEG, 0, 0 },          /* mov 0x12(%esp),%ecx */
    { P32, "\x8b\x94\x74\x78\x56\x34\x12", 7, 4, RD, LOAD, 2, 0, 4, 4, NOSEG, 0, 0 }, /* mov 0x12345678(%esp,%esi,2),%edx */
    { P32, "\x8b\x1d\x78\x56\x34\x12", 6, 4, RD, LOAD, 3, 0, 4, 4, NOSEG, 0, 0 },  /* mov 0x12345678,%ebx */
    { P32, "\x8b\x04\x9d\x00\x00\x00\x00", 7, 4, RD, LOAD, 0, 0, 4, 4, NOSEG, 0, 0 }, /* mov 0x0(,%ebx,4),%eax */
    { P32, "\x8a\x44\x05\x00", 4, 1, RD, LOAD, 0, 0, 1, 4, NOSEG, 0, 0 },          /* mov (%ebp,%eax,1),%al */
    { P32, "\x67\x8b\x40\x10", 4, 4, RD, LOAD, 0, 0, 4, 2, NOSEG, 0, 0 },          /* mov 0x10(%bx,%si),%eax */
    { P32, "\xc7\x40\x10\x78\x56\x34\x12", 7, 4, WR, IMM, 0, 0, 4, 4, NOSEG, 1, 0x12345678 }, /* movl $0x12345678,0x10(%eax) */
    { P32, "\x26\x66\xc7\x07\x34\x12", 6, 2, WR, IMM, 0, 0, 2, 4, ES, 1, 0x1234 },  /* movw $0x1234,%es:(%edi) */
    { P32, "\xa1\x44\x33\x22\x11", 5, 4, RD, LOAD, 0, 0, 4, 4, NOSEG, 0, 0 },      /* mov 0x11223344,%eax */
    { P32, "\xa2\x44\x33\x22\x11", 5, 1, WR, STORE, 0, 0, 1, 4, NOSEG, 0, 0 },     /* mov %al,0x11223344 */
    { P32, "\x67\x66\xa1\x22\x11", 5, 2, RD, LOAD, 0, 0, 2, 2, NOSEG, 0, 0 },      /* addr16 mov 0x1122,%ax */
    { P32, "\x0f\xb6\x08", 3, 1, RD, ZX, 1, 0, 4, 4, NOSEG, 0, 0 },                /* movzbl (%eax),%ecx */
    { P32, "\x0f\xbf\x10", 3, 2, RD, SX, 2, 0, 4, 4, NOSEG, 0, 0 },                /* movswl (%eax),%edx */
    { P32, "\x66\x0f\xb6\x08", 4, 1, RD, ZX, 1, 0, 2, 4, NOSEG, 0, 0 },            /* movzbw (%eax),%cx */
    { P32, "\xab", 1, 4, WR, STOS, 0, 0, 4, 4, NOSEG, 0, 0 },                      /* stosl */
    { P32, "\xc7\x05\x00\x00\xe0\xfe\x00\x00\x00\x00", 10, 4, WR, IMM, 0, 0, 4, 4, NOSEG, 1, 0 }, /* movl $0,0xfee00000 */
    /* 16-bit modes (each also run in real mode) */
    { P16, "\x89\x07", 2, 2, WR, STORE, 0, 0, 2, 2, NOSEG, 0, 0 },                 /* mov %ax,(%bx) */
    { P16, "\x89\x00", 2, 2, WR, STORE, 0, 0, 2, 2, NOSEG, 0, 0 },                 /* mov %ax,(%bx,%si) */
    { P16, "\x89\x03", 2, 2, WR, STORE, 0, 0, 2, 2, NOSEG, 0, 0 },                 /* mov %ax,(%bp,%di) */
    { P16, "\x89\x04", 2, 2, WR, STORE, 0, 0, 2, 2, NOSEG, 0, 0 },                 /* mov %ax,(%si) */
    { P16, "\x89\x46\x00", 3, 2, WR, STORE, 0, 0, 2, 2, NOSEG, 0, 0 },             /* mov %ax,(%bp) */
    { P16, "\x89\x06\x34\x12", 4, 2, WR, STORE, 0, 0, 2, 2, NOSEG, 0, 0 },         /* mov %ax,0x1234 (ModRM) */
    { P16, "\x89\x40\x12", 3, 2, WR, STORE, 0, 0, 2, 2, NOSEG, 0, 0 },             /* mov %ax,0x12(%bx,%si) */
    { P16, "\x89\x81\x34\x12", 4, 2, WR, STORE, 0, 0, 2, 2, NOSEG, 0, 0 },         /* mov %ax,0x1234(%bx,%di) */
    { P16, "\x89\x46\xfe", 3, 2, WR, STORE, 0, 0, 2, 2, NOSEG, 0, 0 },             /* mov %ax,-2(%bp) */
    { P16, "\x66\x89\x07", 3, 4, WR, STORE, 0, 0, 4, 2, NOSEG, 0, 0 },             /* mov %eax,(%bx) */
    { P16, "\x67\x8a\x01", 3, 1, RD, LOAD, 0, 0, 1, 4, NOSEG, 0, 0 },              /* mov (%ecx),%al */
    { P16, "\x67\x8a\xb4\xd8\x78\x56\x34\x12", 8, 1, RD, LOAD, 2, 1, 1, 4, NOSEG, 0, 0 }, /* mov 0x12345678(%eax,%ebx,8),%dh */
    { P16, "\xc6\x06\x34\x12\x12", 5, 1, WR, IMM, 0, 0, 1, 2, NOSEG, 1, 0x12 },    /* movb $0x12,0x1234 */
    { P16, "\xc7\x05\x34\x12", 4, 2, WR, IMM, 0, 0, 2, 2, NOSEG, 1, 0x1234 },      /* movw $0x1234,(%di) */
    { P16, "\x66\xc7\x05\x78\x56\x34\x12", 7, 4, WR, IMM, 0, 0, 4, 2, NOSEG, 1, 0x12345678 }, /* movl $0x12345678,(%di) */
    { P16, "\xa0\x34\x12", 3, 1, RD, LOAD, 0, 0, 1, 2, NOSEG, 0, 0 },              /* mov 0x1234,%al */
    { P16, "\xa3\x34\x12", 3, 2, WR, STORE, 0, 0, 2, 2, NOSEG, 0, 0 },             /* mov %ax,0x1234 */
    { P16, "\x67\x66\xa3\x78\x56\x34\x12", 7, 4, WR, STORE, 0, 0, 4, 4, NOSEG, 0, 0 }, /* addr32 mov %eax,0x12345678 */
    { P16, "\x0f\xb6\x04", 3, 1, RD, ZX, 0, 0, 2, 2, NOSEG, 0, 0 },                /* movzbw (%si),%ax */
    { P16, "\x66\x0f\xb6\x04", 4, 1, RD, ZX, 0, 0, 4, 2, NOSEG, 0, 0 },            /* movzbl (%si),%eax */
    { P16, "\x26\x0f\xbe\x15", 4, 1, RD, SX, 2, 0, 2, 2, ES, 0, 0 },               /* movsbw %es:(%di),%dx */
    { P16, "\xab", 1, 2, WR, STOS, 0, 0, 2, 2, NOSEG, 0, 0 },                      /* stosw */
    { P16, "\x86\x07", 2, 1, RMW, XCHG, 0, 0, 1, 2, NOSEG, 0, 0 },                 /* xchg %al,(%bx) */
};

static int decode_exact(const uint8_t *bytes, size_t n, int mode, struct mmio_insn *out)
{
    /* An exact-size heap copy: ASan reports any read past n. */
    uint8_t *buf = malloc(n ? n : 1);
    memcpy(buf, bytes, n);
    int rc = mmio_decode(n ? buf : NULL, n, (enum mmio_mode)mode, out);
    free(buf);
    return rc;
}

static void check_case(const struct tcase *t, int mode, size_t avail)
{
    struct mmio_insn in;
    int rc = decode_exact((const uint8_t *)t->bytes, avail, mode, &in);
    if (rc != 0)
        fail_msg("%s on case %02x.. (len %u) mode %d", mmio_strerror(rc),
                 (uint8_t)t->bytes[0], t->len, mode);
    assert_int_equal(in.len, t->len);
    assert_int_equal(in.size, t->size);
    assert_int_equal(in.dir, t->dir);
    assert_int_equal(in.kind, t->kind);
    assert_int_equal(in.reg, t->reg);
    assert_int_equal(in.high8, t->high8);
    assert_int_equal(in.reg_size, t->reg_size);
    assert_int_equal(in.addr_size, t->addr_size);
    assert_int_equal(in.seg, t->seg);
    assert_int_equal(in.has_imm, t->has_imm);
    assert_int_equal(in.imm, t->imm);
    assert_int_equal(in.mode, mode);
}

/* Every table case decodes with exactly its bytes, and with trailing bytes. */
static void test_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct tcase *t = &cases[i];
        uint8_t padded[32];
        memset(padded, 0xcc, sizeof padded);
        memcpy(padded, t->bytes, t->len);
        struct tcase p = *t;
        p.bytes = (const char *)padded;
        check_case(t, t->mode, t->len);
        check_case(&p, t->mode, sizeof padded);
        if (t->mode == P16)
            check_case(t, R16, t->len);
    }
}

/* Cut short at every byte: always "truncated", never a read past avail. */
static void test_truncated_everywhere(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct tcase *t = &cases[i];
        for (size_t n = 0; n < t->len; n++) {
            struct mmio_insn in;
            int rc = decode_exact((const uint8_t *)t->bytes, n, t->mode, &in);
            if (rc != -MMIO_ETRUNC)
                fail_msg("case %zu cut at %zu: %s", i, n, mmio_strerror(rc));
            assert_true(in.len <= n);
        }
    }
}

/* The ModRM/SIB/displacement length of every addressing form, from the
 * SDM's tables 2-1..2-3, for mov %eax-ish,mem (89 /r). */
static void test_addressing_lengths(void **state)
{
    (void)state;
    /* 16-bit: bytes after ModRM for [mod][rm]. */
    static const uint8_t disp16[3][8] = { { 0, 0, 0, 0, 0, 0, 2, 0 },
                                          { 1, 1, 1, 1, 1, 1, 1, 1 },
                                          { 2, 2, 2, 2, 2, 2, 2, 2 } };
    /* 32/64-bit without SIB ([rm]=4 is handled below). */
    static const uint8_t disp32[3][8] = { { 0, 0, 0, 0, 0, 4, 0, 0 },
                                          { 1, 1, 1, 1, 1, 1, 1, 1 },
                                          { 4, 4, 4, 4, 4, 4, 4, 4 } };
    uint8_t b[16];
    struct mmio_insn in;

    for (unsigned mod = 0; mod < 3; mod++) {
        for (unsigned rm = 0; rm < 8; rm++) {
            for (unsigned reg = 0; reg < 8; reg++) {
                memset(b, 0, sizeof b);
                b[0] = 0x89;
                b[1] = (uint8_t)(mod << 6 | reg << 3 | rm);
                assert_int_equal(mmio_decode(b, sizeof b, MMIO_MODE_REAL16, &in), 0);
                assert_int_equal(in.len, 2 + disp16[mod][rm]);
                assert_int_equal(in.reg, reg);
                for (int mode = P32; mode <= L64; mode++) {
                    if (rm != 4) {
                        assert_int_equal(mmio_decode(b, sizeof b, mode, &in), 0);
                        assert_int_equal(in.len, 2 + disp32[mod][rm]);
                        continue;
                    }
                    for (unsigned sib = 0; sib < 256; sib++) {
                        b[2] = (uint8_t)sib;
                        unsigned d = mod == 1 ? 1 : mod == 2 ? 4 : (sib & 7) == 5 ? 4 : 0;
                        assert_int_equal(mmio_decode(b, sizeof b, mode, &in), 0);
                        assert_int_equal(in.len, 3 + d);
                    }
                }
            }
        }
    }
    /* REX.B does not change the special cases (r13 as base, r12 via SIB). */
    memcpy(b, "\x41\x89\x05\x00\x00\x00\x00", 7);
    assert_int_equal(mmio_decode(b, 7, MMIO_MODE_LONG64, &in), 0);
    assert_int_equal(in.len, 7);
    memcpy(b, "\x41\x89\x04\x25\x00\x00\x00\x00", 8);
    assert_int_equal(mmio_decode(b, 8, MMIO_MODE_LONG64, &in), 0);
    assert_int_equal(in.len, 8);
}

struct ecase {
    int mode;
    const char *bytes;
    size_t n;
    int rc;
    uint8_t examined;         /* out->len after the error */
};

static void test_errors(void **state)
{
    (void)state;
    static const struct ecase e[] = {
        { L64, "\xf0\x89\x03", 3, -MMIO_ELOCK, 2 },               /* lock mov */
        { L64, "\xf0\x87\x07", 3, -MMIO_ELOCK, 2 },               /* lock xchg */
        { L64, "\xf3\xaa", 2, -MMIO_EREP, 2 },                    /* rep stosb */
        { L64, "\xf3\x48\xab", 3, -MMIO_EREP, 3 },                /* rep stosq */
        { P32, "\xf3\xa4", 2, -MMIO_EREP, 2 },                    /* rep movsb */
        { P32, "\xf2\x89\x03", 3, -MMIO_EREP, 2 },                /* repne mov */
        { L64, "\x0f\x0b", 2, -MMIO_EUNSUP, 2 },                  /* ud2 */
        { L64, "\x90", 1, -MMIO_EUNSUP, 1 },                      /* nop */
        { L64, "\x01\x03", 2, -MMIO_EUNSUP, 1 },                  /* add %eax,(%rbx) */
        { L64, "\x80\x07\x01", 3, -MMIO_EUNSUP, 2 },              /* addb $1,(%rdi) */
        { L64, "\xf7\x17", 2, -MMIO_EUNSUP, 2 },                  /* notl (%rdi) */
        { L64, "\xa4", 1, -MMIO_EUNSUP, 1 },                      /* movsb */
        { L64, "\x0f\xae\x38", 3, -MMIO_EUNSUP, 2 },              /* clflush (%rax) */
        { L64, "\xc5\xf8\x11\x07", 4, -MMIO_EUNSUP, 1 },          /* vmovups %xmm0,(%rdi) */
        { L64, "\xc6\x0f\x01", 3, -MMIO_EINVAL, 2 },              /* c6 /1 */
        { L64, "\x82\x07\x01", 3, -MMIO_EINVAL, 1 },              /* 82: #UD in 64-bit mode */
        { P32, "\x82\x07\x01", 3, -MMIO_EUNSUP, 1 },
        { L64, "\x89\xc3", 2, -MMIO_ENOTMEM, 2 },                 /* mov %eax,%ebx */
        { L64, "\x0f\xb6\xc0", 3, -MMIO_ENOTMEM, 3 },             /* movzbl %al,%eax */
        { L64, "\xc6\xf8\x00", 3, -MMIO_EUNSUP, 2 },              /* xabort $0 */
        { L64, "\xc7\xf8\x00\x00\x00\x00", 6, -MMIO_EUNSUP, 2 },  /* xbegin */
        { P32, "\x48\x89\x03", 3, -MMIO_EUNSUP, 1 },              /* dec %eax; REX only in 64-bit */
        { P32, "\x40", 1, -MMIO_EUNSUP, 1 },                      /* inc %eax */
        { R16, "\x4c\x89\x03", 3, -MMIO_EUNSUP, 1 },
        { L64, "\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x89\x03", 16, -MMIO_ETOOLONG, 15 },
        { L64, "\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66", 16, -MMIO_ETOOLONG, 15 },
        { L64, "\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66", 15, -MMIO_ETOOLONG, 15 },
        { L64, "\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66", 10, -MMIO_ETRUNC, 10 },
        /* 14 bytes of prefixes + C7 05: the disp32 alone makes it too long. */
        { L64, "\x2e\x2e\x2e\x2e\x2e\x2e\x2e\x2e\x2e\x48\xc7\x05", 12, -MMIO_ETOOLONG, 12 },
        { L64, "", 0, -MMIO_ETRUNC, 0 },
    };
    for (size_t i = 0; i < sizeof e / sizeof e[0]; i++) {
        struct mmio_insn in;
        int rc = decode_exact((const uint8_t *)e[i].bytes, e[i].n, e[i].mode, &in);
        if (rc != e[i].rc)
            fail_msg("error case %zu: got %d (%s), want %d", i, rc, mmio_strerror(rc), e[i].rc);
        assert_int_equal(in.len, e[i].examined);
    }

    /* The opcode is kept for the VMM's message. */
    struct mmio_insn in;
    assert_int_equal(mmio_decode((const uint8_t *)"\x66\x0f\x0b", 3, MMIO_MODE_LONG64, &in), -MMIO_EUNSUP);
    assert_int_equal(in.opcode[0], 0x0f);
    assert_int_equal(in.opcode[1], 0x0b);

    assert_int_equal(mmio_decode(NULL, 0, MMIO_MODE_LONG64, &in), -MMIO_ETRUNC);
    assert_int_equal(mmio_decode(NULL, 4, MMIO_MODE_LONG64, &in), -MMIO_EBADARG);
    assert_int_equal(mmio_decode((const uint8_t *)"\x89\x03", 2, (enum mmio_mode)9, &in), -MMIO_EBADARG);
    assert_int_equal(mmio_decode((const uint8_t *)"\x89\x03", 2, MMIO_MODE_LONG64, NULL), -MMIO_EBADARG);
}

static void test_strings(void **state)
{
    (void)state;
    for (int a = 0; a <= MMIO_EBADARG; a++)
        for (int b = 0; b < a; b++)
            assert_string_not_equal(mmio_strerror(-a), mmio_strerror(-b));
    assert_string_equal(mmio_strerror(-MMIO_ELOCK), "LOCK prefix not supported");
    assert_string_equal(mmio_strerror(-99), "unknown error");
    assert_string_equal(mmio_reg_name(0, true, 1), "ah");
    assert_string_equal(mmio_reg_name(3, true, 1), "bh");
    assert_string_equal(mmio_reg_name(4, false, 1), "spl");
    assert_string_equal(mmio_reg_name(9, false, 2), "r9w");
    assert_string_equal(mmio_reg_name(11, false, 4), "r11d");
    assert_string_equal(mmio_reg_name(0, false, 8), "rax");
    assert_string_equal(mmio_reg_name(16, false, 8), "?");
    assert_string_equal(mmio_reg_name(4, true, 1), "?");
    assert_string_equal(mmio_reg_name(0, false, 3), "?");
}

/* ---- emulation ---------------------------------------------------------- */

/* Decodes bytes in mode, then emulates with the given registers and device
 * value; returns the value to write (or the device value for reads). */
static uint64_t run(int mode, const char *bytes, size_t n, struct mmio_regs *r, uint64_t mem)
{
    struct mmio_insn in;
    int rc = mmio_decode((const uint8_t *)bytes, n, (enum mmio_mode)mode, &in);
    if (rc != 0)
        fail_msg("decode: %s", mmio_strerror(rc));
    assert_int_equal(mmio_emulate(&in, r, &mem), 0);
    return mem;
}

#define ALL1 0xffffffffffffffffull

static void test_emulate_loads(void **state)
{
    (void)state;
    struct mmio_regs r = { 0 };

    r.gpr[MMIO_RAX] = ALL1;                    /* 32-bit write zero-extends */
    run(L64, "\x8b\x07", 2, &r, 0xdead12345678ull);
    assert_int_equal(r.gpr[MMIO_RAX], 0x12345678);
    r.gpr[MMIO_RAX] = ALL1;                    /* 16-bit write merges */
    run(L64, "\x66\x8b\x07", 3, &r, 0x5678);
    assert_int_equal(r.gpr[MMIO_RAX], 0xffffffffffff5678ull);
    r.gpr[MMIO_RAX] = ALL1;                    /* 8-bit write merges */
    run(L64, "\x8a\x07", 2, &r, 0x1234);
    assert_int_equal(r.gpr[MMIO_RAX], 0xffffffffffffff34ull);
    r.gpr[MMIO_RAX] = 0x1111111111111111ull;   /* mov (%rdi),%ah */
    run(L64, "\x8a\x27", 2, &r, 0xab);
    assert_int_equal(r.gpr[MMIO_RAX], 0x111111111111ab11ull);
    r.gpr[MMIO_RSP] = 0x1111111111111111ull;   /* with REX: %spl, not %ah */
    r.gpr[MMIO_RAX] = 0;
    run(L64, "\x40\x8a\x27", 3, &r, 0xab);
    assert_int_equal(r.gpr[MMIO_RSP], 0x11111111111111abull);
    assert_int_equal(r.gpr[MMIO_RAX], 0);
    r.gpr[13] = 0;                             /* mov (%rdi),%r13 */
    run(L64, "\x4c\x8b\x2f", 3, &r, 0x8877665544332211ull);
    assert_int_equal(r.gpr[13], 0x8877665544332211ull);
    r.gpr[MMIO_RBX] = 0xaaaaaaaabbbbbbbbull;   /* 32-bit mode, mov (%eax),%bh */
    run(P32, "\x8a\x38", 2, &r, 0x77);
    assert_int_equal(r.gpr[MMIO_RBX], 0xaaaaaaaabbbb77bbull);
    r.gpr[MMIO_RAX] = ALL1;                    /* moffs: movabs 0x...,%al */
    run(L64, "\xa0\x00\x00\xe0\xfe\x00\x00\x00\x00", 9, &r, 0x42);
    assert_int_equal(r.gpr[MMIO_RAX], 0xffffffffffffff42ull);
}

static void test_emulate_extend(void **state)
{
    (void)state;
    struct mmio_regs r = { 0 };

    r.gpr[MMIO_RAX] = ALL1;                    /* movzbq */
    run(L64, "\x48\x0f\xb6\x07", 4, &r, 0x1ff);
    assert_int_equal(r.gpr[MMIO_RAX], 0xff);
    r.gpr[MMIO_RAX] = ALL1;                    /* movzbl: zero-extends to 64 */
    run(L64, "\x0f\xb6\x07", 3, &r, 0xff);
    assert_int_equal(r.gpr[MMIO_RAX], 0xff);
    r.gpr[MMIO_RAX] = ALL1;                    /* movzbw: merges 16 */
    run(L64, "\x66\x0f\xb6\x07", 4, &r, 0x80);
    assert_int_equal(r.gpr[MMIO_RAX], 0xffffffffffff0080ull);
    r.gpr[MMIO_RAX] = 0;                       /* movsbq */
    run(L64, "\x48\x0f\xbe\x07", 4, &r, 0x1234567880ull);
    assert_int_equal(r.gpr[MMIO_RAX], 0xffffffffffffff80ull);
    r.gpr[MMIO_RAX] = ALL1;                    /* movsbl */
    run(L64, "\x0f\xbe\x07", 3, &r, 0x80);
    assert_int_equal(r.gpr[MMIO_RAX], 0xffffff80ull);
    r.gpr[MMIO_RAX] = 0x1111111111111111ull;   /* movsbw */
    run(L64, "\x66\x0f\xbe\x07", 4, &r, 0x80);
    assert_int_equal(r.gpr[MMIO_RAX], 0x111111111111ff80ull);
    r.gpr[MMIO_RAX] = 0;                       /* movswl */
    run(L64, "\x0f\xbf\x07", 3, &r, 0x8000);
    assert_int_equal(r.gpr[MMIO_RAX], 0xffff8000ull);
    r.gpr[MMIO_RAX] = 0;                       /* movsbl of a positive byte */
    run(L64, "\x0f\xbe\x07", 3, &r, 0x7f);
    assert_int_equal(r.gpr[MMIO_RAX], 0x7f);
    r.gpr[9] = 0;                              /* movswq to %r9 */
    run(L64, "\x4c\x0f\xbf\x0f", 4, &r, 0xfffe);
    assert_int_equal(r.gpr[9], (uint64_t)-2);
}

static void test_emulate_stores(void **state)
{
    (void)state;
    struct mmio_regs r = { 0 };

    r.gpr[MMIO_RAX] = 0x1122334455667788ull;
    assert_int_equal(run(L64, "\x89\x07", 2, &r, ALL1), 0x55667788);
    assert_int_equal(run(L64, "\x48\x89\x07", 3, &r, 0), 0x1122334455667788ull);
    assert_int_equal(run(L64, "\x88\x27", 2, &r, 0), 0x77);          /* %ah */
    assert_int_equal(run(L64, "\x66\xa3\x00\x00\x00\x00\x00\x00\x00\x00", 10, &r, 0), 0x7788);
    r.gpr[12] = 0xcafe;
    assert_int_equal(run(L64, "\x45\x88\x27", 3, &r, 0), 0xfe);      /* %r12b */
    assert_int_equal(run(L64, "\x48\xc7\x07\xfe\xff\xff\xff", 7, &r, 0), (uint64_t)-2);
    assert_int_equal(run(L64, "\xc7\x07\xfe\xff\xff\xff", 6, &r, 0), 0xfffffffe);
    assert_int_equal(run(L64, "\x66\xc7\x07\x01\x80", 5, &r, 0), 0x8001);
    assert_int_equal(run(R16, "\xc6\x06\x34\x12\x99", 5, &r, 0), 0x99);
}

static void test_emulate_stos_xchg(void **state)
{
    (void)state;
    struct mmio_regs r = { 0 };

    r.gpr[MMIO_RAX] = 0xa1b2c3d4e5f60718ull;
    r.gpr[MMIO_RDI] = 0x1000;
    assert_int_equal(run(L64, "\xab", 1, &r, 0), 0xe5f60718);        /* stosl, DF=0 */
    assert_int_equal(r.gpr[MMIO_RDI], 0x1004);
    r.rflags = 1u << 10;                                             /* DF=1 */
    assert_int_equal(run(L64, "\x48\xab", 2, &r, 0), 0xa1b2c3d4e5f60718ull);
    assert_int_equal(r.gpr[MMIO_RDI], 0xffc);
    r.rflags = 0;
    r.gpr[MMIO_RDI] = 0x12345678fffffffeull;                         /* addr32: edi wraps, zero-extends */
    run(L64, "\x67\xab", 2, &r, 0);
    assert_int_equal(r.gpr[MMIO_RDI], 2);
    r.gpr[MMIO_RDI] = 0x5ffff;                                       /* 16-bit: di wraps, merges */
    assert_int_equal(run(R16, "\xaa", 1, &r, 0), 0x18);
    assert_int_equal(r.gpr[MMIO_RDI], 0x50000);

    r.gpr[MMIO_RAX] = 0xaaaaaaaabbbbbbbbull;                         /* xchg %eax,(%rdi) */
    assert_int_equal(run(L64, "\x87\x07", 2, &r, 0x11111111), 0xbbbbbbbb);
    assert_int_equal(r.gpr[MMIO_RAX], 0x11111111);
    r.gpr[MMIO_RBX] = 0x1234;                                        /* xchg %bh,(%rdi) */
    assert_int_equal(run(L64, "\x86\x3f", 2, &r, 0x56), 0x12);
    assert_int_equal(r.gpr[MMIO_RBX], 0x5634);
}

#define CF (1u << 0)
#define PF (1u << 2)
#define AF (1u << 4)
#define ZF (1u << 6)
#define SF (1u << 7)
#define OF (1u << 11)
#define ARITH (CF | PF | AF | ZF | SF | OF)

static void test_emulate_alu(void **state)
{
    (void)state;
    struct mmio_regs r = { 0 };

    r.rflags = ARITH | 2;                                            /* and %eax,(%rdi) */
    r.gpr[MMIO_RAX] = 0x0f;
    assert_int_equal(run(L64, "\x21\x07", 2, &r, 0xff), 0x0f);
    assert_int_equal(r.rflags, PF | 2);
    r.gpr[MMIO_RCX] = 0xffffffff00000001ull;                         /* or (%rdi),%ecx */
    run(L64, "\x0b\x0f", 2, &r, 0x10);
    assert_int_equal(r.gpr[MMIO_RCX], 0x11);
    assert_int_equal(r.rflags & ARITH, PF);                          /* two ones: even */
    r.gpr[MMIO_RDX] = 1;                                             /* cmp (%rdi),%rdx: rdx - mem */
    run(L64, "\x48\x3b\x17", 3, &r, 2);
    assert_int_equal(r.gpr[MMIO_RDX], 1);
    assert_int_equal(r.rflags & ARITH, CF | SF | PF | AF);
    r.gpr[MMIO_RAX] = 0x0100;                                        /* cmp %ah,(%rdi): mem - ah */
    run(L64, "\x38\x27", 2, &r, 0x80);
    assert_int_equal(r.rflags & ARITH, OF | AF);
    run(L64, "\x48\x83\x3f\xff", 4, &r, ALL1);                       /* cmpq $-1 equal */
    assert_int_equal(r.rflags & ARITH, ZF | PF);
    r.rflags = CF | OF;                                              /* testb $0x80 */
    assert_int_equal(run(L64, "\xf6\x07\x80", 3, &r, 0x80), 0x80);
    assert_int_equal(r.rflags & ARITH, SF);
    run(L64, "\xf6\x07\x80", 3, &r, 0x7f);
    assert_int_equal(r.rflags & ARITH, ZF | PF);
    assert_int_equal(run(L64, "\x81\x0f\x00\x01\x00\x00", 6, &r, 1), 0x101);
    assert_int_equal(run(L64, "\x83\x27\xf0", 3, &r, 0x12345678), 0x12345670);
    assert_int_equal(run(L64, "\x80\x37\x01", 3, &r, 0x3), 0x2);
    r.gpr[8] = 0xff;                                                 /* xor %r8b,(%rdi) */
    assert_int_equal(run(L64, "\x44\x30\x07", 3, &r, 0xf0), 0x0f);
    r.gpr[MMIO_RSI] = 0x8000;                                        /* test %esi,(%rdi) */
    run(L64, "\x85\x37", 2, &r, 0xffff);
    assert_int_equal(r.rflags & ARITH, PF);
    assert_int_equal(r.gpr[MMIO_RSI], 0x8000);
}

static void test_emulate_bad(void **state)
{
    (void)state;
    struct mmio_regs r = { 0 };
    struct mmio_insn in;
    uint64_t mem = 0;
    assert_int_equal(mmio_decode((const uint8_t *)"\x89\x07", 2, MMIO_MODE_LONG64, &in), 0);
    struct mmio_insn bad = in;
    bad.size = 3;
    assert_int_equal(mmio_emulate(&bad, &r, &mem), -MMIO_EBADARG);
    bad = in;
    bad.reg = 16;
    assert_int_equal(mmio_emulate(&bad, &r, &mem), -MMIO_EBADARG);
    bad = in;
    bad.high8 = true;
    bad.reg = 5;
    assert_int_equal(mmio_emulate(&bad, &r, &mem), -MMIO_EBADARG);
    bad = in;
    bad.kind = 42;
    assert_int_equal(mmio_emulate(&bad, &r, &mem), -MMIO_EBADARG);
    assert_int_equal(mmio_emulate(&in, NULL, &mem), -MMIO_EBADARG);
    assert_int_equal(mmio_emulate(&in, &r, NULL), -MMIO_EBADARG);
}

#define EMUL_TESTS \
    cmocka_unit_test(test_emulate_loads), cmocka_unit_test(test_emulate_extend), \
    cmocka_unit_test(test_emulate_stores), cmocka_unit_test(test_emulate_stos_xchg), \
    cmocka_unit_test(test_emulate_alu), cmocka_unit_test(test_emulate_bad),

/* Random bytes, biased towards the opcodes and prefixes the decoder knows:
 * never a crash, a read past avail (ASan), or a length over 15 or avail;
 * an instruction that decodes decodes the same with more bytes behind it. */
static void test_fuzz(void **state)
{
    (void)state;
    static const uint8_t interesting[] = {
        0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x40, 0x44, 0x48,
        0x4c, 0x4f, 0x88, 0x89, 0x8a, 0x8b, 0xc6, 0xc7, 0xa0, 0xa1, 0xa2, 0xa3, 0x0f, 0xb6,
        0xb7, 0xbe, 0xbf, 0xaa, 0xab, 0x86, 0x87, 0x80, 0x81, 0x83, 0xf6, 0xf7, 0x84, 0x85,
        0x05, 0x04, 0x25, 0x44, 0x84, 0xc0,
    };
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    for (int iter = 0; iter < 300000; iter++) {
        uint8_t b[20];
        for (size_t i = 0; i < sizeof b; i++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            uint8_t r = (uint8_t)(seed >> 56);
            b[i] = (seed >> 40) & 1 ? interesting[r % sizeof interesting] : r;
        }
        size_t avail = (seed >> 20) % 21;
        int mode = (int)((seed >> 30) & 3);
        struct mmio_insn in, full;
        int rc = decode_exact(b, avail, mode, &in);
        assert_true(in.len <= avail && in.len <= MMIO_MAX_LEN);
        if (rc < 0) {
            assert_true(rc >= -MMIO_EBADARG && rc != -MMIO_EBADARG);
            continue;
        }
        assert_int_equal(rc, 0);
        assert_true(in.len >= 1);
        assert_true(in.size == 1 || in.size == 2 || in.size == 4 || in.size == 8);
        assert_int_equal(mmio_decode(b, sizeof b, (enum mmio_mode)mode, &full), 0);
        assert_memory_equal(&in, &full, sizeof in);

        struct mmio_regs regs;
        memset(&regs, 0xa5, sizeof regs);
        uint64_t mem = 0x0123456789abcdefull;
        assert_int_equal(mmio_emulate(&in, &regs, &mem), 0);
        if (in.dir != MMIO_READ && in.size < 8)
            assert_int_equal(mem >> (8 * in.size), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_truncated_everywhere),
        cmocka_unit_test(test_addressing_lengths),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_strings),
        EMUL_TESTS
        cmocka_unit_test(test_fuzz),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

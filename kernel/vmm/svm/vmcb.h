/* The VMCB layout hv uses (AMD APM vol. 2, appendix B): byte offsets into
 * the 4 KiB page, accessed through vmcb_u*() so no struct padding can go
 * wrong.  Owner: vmm (SVM backend). */
#ifndef HV_VMM_SVM_VMCB_H
#define HV_VMM_SVM_VMCB_H

#include <stdint.h>

/* Control area */
#define VMCB_INTERCEPT_CR      0x000   /* u32: reads 0-15, writes 16-31 */
#define VMCB_INTERCEPT_EXC     0x008   /* u32: one bit per exception vector */
#define VMCB_INTERCEPT_MISC1   0x00C
#define VMCB_INTERCEPT_MISC2   0x010
#define VMCB_IOPM_BASE         0x040
#define VMCB_MSRPM_BASE        0x048
#define VMCB_TSC_OFFSET        0x050
#define VMCB_ASID              0x058   /* u32 */
#define VMCB_TLB_CONTROL       0x05C   /* u8 */
#define VMCB_INT_CTL           0x060
#define VMCB_INT_SHADOW        0x068
#define VMCB_EXITCODE          0x070
#define VMCB_EXITINFO1         0x078
#define VMCB_EXITINFO2         0x080
#define VMCB_EXITINTINFO       0x088
#define VMCB_NP_ENABLE         0x090
#define VMCB_EVENTINJ          0x0A8
#define VMCB_NCR3              0x0B0
#define VMCB_NRIP              0x0C8

/* State save area: segments are {u16 selector, u16 attrib, u32 limit, u64 base} */
#define VMCB_ES                0x400
#define VMCB_CS                0x410
#define VMCB_SS                0x420
#define VMCB_DS                0x430
#define VMCB_FS                0x440
#define VMCB_GS                0x450
#define VMCB_GDTR              0x460
#define VMCB_LDTR              0x470
#define VMCB_IDTR              0x480
#define VMCB_TR                0x490
#define VMCB_CPL               0x4CB   /* u8 */
#define VMCB_EFER              0x4D0
#define VMCB_CR4               0x548
#define VMCB_CR3               0x550
#define VMCB_CR0               0x558
#define VMCB_DR7               0x560
#define VMCB_DR6               0x568
#define VMCB_RFLAGS            0x570
#define VMCB_RIP               0x578
#define VMCB_RSP               0x5D8
#define VMCB_RAX               0x5F8
#define VMCB_STAR              0x600
#define VMCB_LSTAR             0x608
#define VMCB_CSTAR             0x610
#define VMCB_SFMASK            0x618
#define VMCB_KERNEL_GS_BASE    0x620
#define VMCB_SYSENTER_CS       0x628
#define VMCB_SYSENTER_ESP      0x630
#define VMCB_SYSENTER_EIP      0x638
#define VMCB_CR2               0x640
#define VMCB_G_PAT             0x668

#define SEG_SEL   0
#define SEG_ATTR  2
#define SEG_LIMIT 4
#define SEG_BASE  8

/* Intercept bits */
#define MISC1_INTR       (1u << 0)
#define MISC1_NMI        (1u << 1)
#define MISC1_VINTR      (1u << 4)
#define MISC1_CPUID      (1u << 18)
#define MISC1_INVD       (1u << 22)
#define MISC1_HLT        (1u << 24)
#define MISC1_IOIO       (1u << 27)
#define MISC1_MSR        (1u << 28)
#define MISC1_SHUTDOWN   (1u << 31)
#define MISC2_VMRUN      (1u << 0)
#define MISC2_VMMCALL    (1u << 1)
#define MISC2_VMLOAD     (1u << 2)
#define MISC2_VMSAVE     (1u << 3)
#define MISC2_STGI       (1u << 4)
#define MISC2_CLGI       (1u << 5)
#define MISC2_SKINIT     (1u << 6)
#define MISC2_MONITOR    (1u << 10)
#define MISC2_MWAIT      (1u << 11)

#define INT_CTL_V_IRQ          (1ull << 8)
#define INT_CTL_V_INTR_PRIO    (0xFull << 16)
#define INT_CTL_V_IGN_TPR      (1ull << 20)
#define INT_CTL_V_INTR_MASKING (1ull << 24)
#define INT_SHADOW_ACTIVE      (1ull << 0)

/* EVENTINJ / EXITINTINFO */
#define EVT_VALID        (1ull << 31)
#define EVT_ERR_VALID    (1ull << 11)
#define EVT_TYPE_INTR    (0ull << 8)
#define EVT_TYPE_EXC     (3ull << 8)

/* Exit codes */
#define SVM_EXIT_INTR      0x060
#define SVM_EXIT_NMI       0x061
#define SVM_EXIT_VINTR     0x064
#define SVM_EXIT_CPUID     0x072
#define SVM_EXIT_HLT       0x078
#define SVM_EXIT_IOIO      0x07B
#define SVM_EXIT_MSR       0x07C
#define SVM_EXIT_SHUTDOWN  0x07F
#define SVM_EXIT_VMMCALL   0x081
#define SVM_EXIT_NPF       0x400
#define SVM_EXIT_INVALID   (~0ull)

static inline uint8_t *vmcb_at(void *vmcb, unsigned off) { return (uint8_t *)vmcb + off; }
static inline uint64_t vmcb_u64(void *vmcb, unsigned off) { return *(volatile uint64_t *)vmcb_at(vmcb, off); }
static inline void vmcb_set64(void *vmcb, unsigned off, uint64_t v) { *(volatile uint64_t *)vmcb_at(vmcb, off) = v; }
static inline void vmcb_set32(void *vmcb, unsigned off, uint32_t v) { *(volatile uint32_t *)vmcb_at(vmcb, off) = v; }
static inline void vmcb_set16(void *vmcb, unsigned off, uint16_t v) { *(volatile uint16_t *)vmcb_at(vmcb, off) = v; }
static inline void vmcb_set8(void *vmcb, unsigned off, uint8_t v) { *(volatile uint8_t *)vmcb_at(vmcb, off) = v; }

#endif

/* VMCS field encodings, control bits, capability MSRs and exit reasons
 * hv uses (Intel SDM vol. 3, appendices A-C), and VMREAD/VMWRITE wrappers.
 * Owner: vmm (VMX backend). */
#ifndef HV_VMM_VMX_VMCS_H
#define HV_VMM_VMX_VMCS_H

#include <stdint.h>

/* Capability and control MSRs. */
#define MSR_FEATURE_CONTROL       0x03Au
#define FEATCTL_LOCK              (1ull << 0)
#define FEATCTL_VMX_OUTSIDE_SMX   (1ull << 2)
#define MSR_VMX_BASIC             0x480u
#define MSR_VMX_PINBASED          0x481u
#define MSR_VMX_PROCBASED         0x482u
#define MSR_VMX_EXIT              0x483u
#define MSR_VMX_ENTRY             0x484u
#define MSR_VMX_MISC              0x485u
#define MSR_VMX_CR0_FIXED0        0x486u
#define MSR_VMX_CR0_FIXED1        0x487u
#define MSR_VMX_CR4_FIXED0        0x488u
#define MSR_VMX_CR4_FIXED1        0x489u
#define MSR_VMX_PROCBASED2        0x48Bu
#define MSR_VMX_EPT_VPID_CAP      0x48Cu
#define MSR_VMX_TRUE_PINBASED     0x48Du
#define MSR_VMX_TRUE_PROCBASED    0x48Eu
#define MSR_VMX_TRUE_EXIT         0x48Fu
#define MSR_VMX_TRUE_ENTRY        0x490u
#define VMX_BASIC_TRUE_CTLS       (1ull << 55)

/* Pin-based controls. */
#define PIN_EXT_INT_EXIT          (1u << 0)
#define PIN_NMI_EXIT              (1u << 3)
#define PIN_PREEMPT_TIMER         (1u << 6)
/* Primary processor-based controls. */
#define PROC_INTR_WINDOW          (1u << 2)
#define PROC_HLT                  (1u << 7)
#define PROC_MWAIT                (1u << 10)
#define PROC_UNCOND_IO            (1u << 24)
#define PROC_IO_BITMAPS           (1u << 25)
#define PROC_MSR_BITMAPS          (1u << 28)
#define PROC_MONITOR              (1u << 29)
#define PROC_SECONDARY            (1u << 31)
/* Secondary processor-based controls. */
#define PROC2_EPT                 (1u << 1)
#define PROC2_VPID                (1u << 5)
#define PROC2_UNRESTRICTED        (1u << 7)
/* VM-exit controls. */
#define EXIT_HOST_64              (1u << 9)
#define EXIT_SAVE_PAT             (1u << 18)
#define EXIT_LOAD_PAT             (1u << 19)
#define EXIT_SAVE_EFER            (1u << 20)
#define EXIT_LOAD_EFER            (1u << 21)
/* VM-entry controls. */
#define ENTRY_IA32E_GUEST         (1u << 9)
#define ENTRY_LOAD_PAT            (1u << 14)
#define ENTRY_LOAD_EFER           (1u << 15)

/* IA32_VMX_EPT_VPID_CAP bits. */
#define EPTCAP_WALK4              (1ull << 6)
#define EPTCAP_WB                 (1ull << 14)
#define EPTCAP_2M                 (1ull << 16)
#define EPTCAP_INVEPT             (1ull << 20)
#define EPTCAP_INVEPT_SINGLE      (1ull << 25)
#define EPTCAP_INVEPT_ALL         (1ull << 26)
#define VPIDCAP_INVVPID           (1ull << 32)
#define VPIDCAP_INVVPID_SINGLE    (1ull << 41)
#define VPIDCAP_INVVPID_ALL       (1ull << 42)

/* 16-bit fields. */
#define VMCS_VPID                 0x0000u
#define VMCS_GUEST_ES_SEL         0x0800u     /* ES CS SS DS FS GS LDTR TR, step 2 */
#define VMCS_HOST_ES_SEL          0x0C00u
#define VMCS_HOST_CS_SEL          0x0C02u
#define VMCS_HOST_SS_SEL          0x0C04u
#define VMCS_HOST_DS_SEL          0x0C06u
#define VMCS_HOST_FS_SEL          0x0C08u
#define VMCS_HOST_GS_SEL          0x0C0Au
#define VMCS_HOST_TR_SEL          0x0C0Cu
/* 64-bit fields. */
#define VMCS_IO_BITMAP_A          0x2000u
#define VMCS_IO_BITMAP_B          0x2002u
#define VMCS_MSR_BITMAP           0x2004u
#define VMCS_EPTP                 0x201Au
#define VMCS_GUEST_PHYS_ADDR      0x2400u
#define VMCS_LINK_POINTER         0x2800u
#define VMCS_GUEST_PAT            0x2804u
#define VMCS_GUEST_EFER           0x2806u
#define VMCS_HOST_PAT             0x2C00u
#define VMCS_HOST_EFER            0x2C02u
/* 32-bit fields. */
#define VMCS_PIN_CTLS             0x4000u
#define VMCS_PROC_CTLS            0x4002u
#define VMCS_EXCEPTION_BITMAP     0x4004u
#define VMCS_CR3_TARGET_COUNT     0x400Au
#define VMCS_EXIT_CTLS            0x400Cu
#define VMCS_EXIT_MSR_STORE_COUNT 0x400Eu
#define VMCS_EXIT_MSR_LOAD_COUNT  0x4010u
#define VMCS_ENTRY_CTLS           0x4012u
#define VMCS_ENTRY_MSR_LOAD_COUNT 0x4014u
#define VMCS_ENTRY_INTR_INFO      0x4016u
#define VMCS_ENTRY_EXC_ERROR      0x4018u
#define VMCS_ENTRY_INSTR_LEN      0x401Au
#define VMCS_PROC2_CTLS           0x401Eu
#define VMCS_INSTR_ERROR          0x4400u
#define VMCS_EXIT_REASON          0x4402u
#define VMCS_EXIT_INTR_INFO       0x4404u
#define VMCS_IDT_VECTORING_INFO   0x4408u
#define VMCS_IDT_VECTORING_ERROR  0x440Au
#define VMCS_EXIT_INSTR_LEN       0x440Cu
#define VMCS_GUEST_ES_LIMIT       0x4800u     /* ES .. TR, step 2; then GDTR, IDTR */
#define VMCS_GUEST_GDTR_LIMIT     0x4810u
#define VMCS_GUEST_IDTR_LIMIT     0x4812u
#define VMCS_GUEST_ES_AR          0x4814u     /* ES .. TR, step 2 */
#define VMCS_GUEST_INTERRUPTIBILITY 0x4824u
#define VMCS_GUEST_ACTIVITY       0x4826u
#define VMCS_GUEST_SYSENTER_CS    0x482Au
#define VMCS_PREEMPT_TIMER        0x482Eu
#define VMCS_HOST_SYSENTER_CS     0x4C00u
/* Natural-width fields. */
#define VMCS_CR0_MASK             0x6000u
#define VMCS_CR4_MASK             0x6002u
#define VMCS_CR0_SHADOW           0x6004u
#define VMCS_CR4_SHADOW           0x6006u
#define VMCS_EXIT_QUALIFICATION   0x6400u
#define VMCS_GUEST_CR0            0x6800u
#define VMCS_GUEST_CR3            0x6802u
#define VMCS_GUEST_CR4            0x6804u
#define VMCS_GUEST_ES_BASE        0x6806u     /* ES .. TR, step 2; then GDTR, IDTR */
#define VMCS_GUEST_GDTR_BASE      0x6816u
#define VMCS_GUEST_IDTR_BASE      0x6818u
#define VMCS_GUEST_DR7            0x681Au
#define VMCS_GUEST_RSP            0x681Cu
#define VMCS_GUEST_RIP            0x681Eu
#define VMCS_GUEST_RFLAGS         0x6820u
#define VMCS_GUEST_SYSENTER_ESP   0x6824u
#define VMCS_GUEST_SYSENTER_EIP   0x6826u
#define VMCS_HOST_CR0             0x6C00u
#define VMCS_HOST_CR3             0x6C02u
#define VMCS_HOST_CR4             0x6C04u
#define VMCS_HOST_FS_BASE         0x6C06u
#define VMCS_HOST_GS_BASE         0x6C08u
#define VMCS_HOST_TR_BASE         0x6C0Au
#define VMCS_HOST_GDTR_BASE       0x6C0Cu
#define VMCS_HOST_IDTR_BASE       0x6C0Eu
#define VMCS_HOST_SYSENTER_ESP    0x6C10u
#define VMCS_HOST_SYSENTER_EIP    0x6C12u
#define VMCS_HOST_RIP             0x6C16u

/* Segment order of the guest-state groups above. */
enum { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_LDTR, SEG_TR };

/* Interruption information (entry injection, exit, IDT vectoring). */
#define INTR_INFO_VALID           (1u << 31)
#define INTR_INFO_ERR_VALID       (1u << 11)
#define INTR_TYPE_EXT             (0u << 8)
#define INTR_TYPE_NMI             (2u << 8)
#define INTR_TYPE_HW_EXC          (3u << 8)
#define INTR_TYPE_MASK            (7u << 8)

/* Basic exit reasons (bits 15:0 of the exit-reason field). */
#define EXIT_REASON_EXCEPTION_NMI 0
#define EXIT_REASON_EXT_INT       1
#define EXIT_REASON_TRIPLE_FAULT  2
#define EXIT_REASON_INTR_WINDOW   7
#define EXIT_REASON_CPUID         10
#define EXIT_REASON_HLT           12
#define EXIT_REASON_VMCALL        18
#define EXIT_REASON_CR_ACCESS     28
#define EXIT_REASON_IO            30
#define EXIT_REASON_RDMSR         31
#define EXIT_REASON_WRMSR         32
#define EXIT_REASON_BAD_GUEST     33
#define EXIT_REASON_MSR_LOADING   34
#define EXIT_REASON_MCE_ENTRY     41
#define EXIT_REASON_EPT_VIOLATION 48
#define EXIT_REASON_EPT_MISCONFIG 49
#define EXIT_REASON_PREEMPT_TIMER 52
#define EXIT_REASON_ENTRY_FAILED  (1u << 31)

static inline uint64_t vmread(uint32_t field)
{
    uint64_t v;
    __asm__ volatile("vmread %1, %0" : "=r"(v) : "r"((uint64_t)field) : "cc");
    return v;
}

static inline void vmwrite(uint32_t field, uint64_t value)
{
    __asm__ volatile("vmwrite %1, %0" : : "r"((uint64_t)field), "r"(value) : "cc");
}

#endif

/* What the CPU can do for hv: mainly whether it can run VMs (SVM+NPT or
 * VMX+EPT+unrestricted guest) and whether the BIOS left that enabled.
 * Model-specific registers are read only when CPUID says they exist. */
#include "arch/x86_64/cpufeat.h"
#include "arch/x86_64/cpu.h"
#include "lib/kprintf.h"
#include "lib/string.h"

#define MSR_FEATURE_CONTROL        0x03A
#define FEATCTL_LOCKED             (1ull << 0)
#define FEATCTL_VMX_OUTSIDE_SMX    (1ull << 2)
#define MSR_VMX_PROCBASED_CTLS     0x482
#define MSR_VMX_PROCBASED_CTLS2    0x48B
#define PROCBASED_SECONDARY        (1ull << 63)   /* allowed-1 half, bit 31 */
#define PROCBASED2_EPT             (1ull << 33)   /* allowed-1 half, bit 1 */
#define PROCBASED2_UNRESTRICTED    (1ull << 39)   /* allowed-1 half, bit 7 */
#define MSR_VM_CR                  0xC0010114
#define VM_CR_SVMDIS               (1ull << 4)

static struct cpu_features feat;    /* filled once by the BSP */

static void read_brand(void)
{
    uint32_t a, b, c, d;
    cpuid(0x80000000u, 0, &a, &b, &c, &d);
    if (a < 0x80000004u) {
        strlcpy(feat.brand, "unknown x86-64 cpu", sizeof(feat.brand));
        return;
    }
    uint32_t w[12];
    for (uint32_t leaf = 0; leaf < 3; leaf++)
        cpuid(0x80000002u + leaf, 0, &w[leaf * 4], &w[leaf * 4 + 1], &w[leaf * 4 + 2], &w[leaf * 4 + 3]);
    memcpy(feat.brand, w, 48);
    feat.brand[48] = 0;
    size_t skip = 0;            /* Intel pads the brand string on the left */
    while (feat.brand[skip] == ' ')
        skip++;
    memmove(feat.brand, feat.brand + skip, sizeof(feat.brand) - skip);
    size_t n = strlen(feat.brand);
    while (n > 0 && feat.brand[n - 1] == ' ')
        feat.brand[--n] = 0;
}

static void detect_svm(uint32_t max_ext)
{
    uint32_t a, b, c, d;
    cpuid(0x80000001u, 0, &a, &b, &c, &d);
    feat.svm = c & (1u << 2);
    if (!feat.svm)
        return;
    if (max_ext >= 0x8000000Au) {
        cpuid(0x8000000Au, 0, &a, &b, &c, &d);
        feat.npt = d & 1u;
    }
    feat.svm_disabled = rdmsr(MSR_VM_CR) & VM_CR_SVMDIS;
}

static void detect_vmx(uint32_t ecx1)
{
    feat.vmx = ecx1 & (1u << 5);
    if (!feat.vmx)
        return;
    uint64_t fc = rdmsr(MSR_FEATURE_CONTROL);
    /* Unlocked is fine: hv can set and lock it itself before VMXON. */
    feat.vmx_disabled = (fc & FEATCTL_LOCKED) && !(fc & FEATCTL_VMX_OUTSIDE_SMX);
    if (!(rdmsr(MSR_VMX_PROCBASED_CTLS) & PROCBASED_SECONDARY))
        return;                 /* no secondary controls: no EPT */
    uint64_t ctls2 = rdmsr(MSR_VMX_PROCBASED_CTLS2);
    feat.ept = ctls2 & PROCBASED2_EPT;
    feat.unrestricted_guest = ctls2 & PROCBASED2_UNRESTRICTED;
}

void cpufeat_detect(void)
{
    uint32_t a, b, c, d;
    memset(&feat, 0, sizeof(feat));
    cpuid(0, 0, &a, &b, &c, &d);
    memcpy(feat.vendor, &b, 4);
    memcpy(feat.vendor + 4, &d, 4);
    memcpy(feat.vendor + 8, &c, 4);
    read_brand();

    cpuid(1, 0, &a, &b, &c, &d);
    uint32_t ecx1 = c;
    feat.x2apic = ecx1 & (1u << 21);
    cpuid(0x80000000u, 0, &a, &b, &c, &d);
    uint32_t max_ext = a;
    if (max_ext >= 0x80000007u) {
        cpuid(0x80000007u, 0, &a, &b, &c, &d);
        feat.invariant_tsc = d & (1u << 8);
    }
    if (max_ext >= 0x80000001u)
        detect_svm(max_ext);
    detect_vmx(ecx1);

    kprintf("hv: cpu: %s; svm=%s npt=%s vmx=%s ept=%s\n", feat.brand, feat.svm ? "yes" : "no",
            feat.npt ? "yes" : "no", feat.vmx ? "yes" : "no", feat.ept ? "yes" : "no");
    if (feat.svm_disabled)
        kprintf("hv: cpu: warning: SVM is disabled by the BIOS (VM_CR.SVMDIS)\n");
    if (feat.vmx_disabled)
        kprintf("hv: cpu: warning: VMX is disabled by the BIOS (IA32_FEATURE_CONTROL locked)\n");
    if (feat.vmx && !feat.vmx_disabled && feat.ept && !feat.unrestricted_guest)
        kprintf("hv: cpu: warning: VMX without unrestricted guest, not usable by hv\n");
}

const struct cpu_features *cpufeat_get(void)
{
    return &feat;
}

const char *cpufeat_virt_backend(void)
{
    if (feat.svm && feat.npt && !feat.svm_disabled)
        return "svm";
    if (feat.vmx && feat.ept && feat.unrestricted_guest && !feat.vmx_disabled)
        return "vmx";
    return NULL;
}

/* Starting the application processors.  The BSP starts them one at a time
 * (INIT, SIPI, SIPI) through the trampoline in ap_boot.S; each AP sets up its
 * own GDT/TSS, IDT, LAPIC and tick, marks itself online and idles.  A CPU
 * that does not come up is reported, put back to sleep with INIT, and its
 * slot and stack are reused. */
#include "arch/x86_64/smp.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/lapic_regs.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/trap.h"
#include "dev/acpi.h"
#include "dev/timer.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "mm/pmm.h"
#include "mm/vm.h"

#define AP_BOOT_PA     0x8000ull   /* must match ap_boot.S; SIPI vector = page number */
#define AP_PML4_PA     0x9000ull   /* temporary page tables, right after it */
#define AP_PDPT_PA     0xA000ull
#define AP_PD_PA       0xB000ull
#define AP_STACK_PAGES 4
#define AP_START_TIMEOUT_MS 2000  /* generous: CI hosts run many TCG guests at once */

#define PTE_P   0x1ull
#define PTE_W   0x2ull
#define PTE_PS  0x80ull
#define MSR_EFER 0xC0000080u
#define EFER_SCE (1u << 0)
#define EFER_LME (1u << 8)
#define EFER_NXE (1u << 11)

/* Layout of ap_boot_data in ap_boot.S. */
struct ap_boot_data {
    uint32_t pml4;
    uint32_t efer;
    uint64_t stack;
    uint64_t entry;
    uint64_t arg;
    volatile uint32_t alive;
    uint32_t pad;
};

extern const uint8_t ap_boot_start[], ap_boot_end[], ap_boot_data[];

/* The BSP's control registers, which every AP copies (set before any SIPI). */
static uint64_t bsp_cr0, bsp_cr4, kernel_cr3;

static inline uint64_t read_cr0(void) { uint64_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr4(void) { uint64_t v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr0(uint64_t v) { __asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory"); }
static inline void write_cr4(uint64_t v) { __asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory"); }

static struct ap_boot_data *boot_data(void)
{
    return phys_to_virt(AP_BOOT_PA + (uint64_t)(ap_boot_data - ap_boot_start));
}

_Noreturn void ap_main(struct percpu *pc);

_Noreturn void ap_main(struct percpu *pc)
{
    /* Still on the trampoline's page tables and with caches off (INIT sets CD). */
    write_cr4(bsp_cr4);
    write_cr3(kernel_cr3);
    write_cr0(bsp_cr0);
    percpu_set_gs(pc);
    gdt_init_cpu(pc);
    percpu_set_gs(pc);          /* reloading segment registers may clear GS base */
    idt_load();
    lapic_init();
    pc->apic_id = lapic_id();
    timer_init_ap();
    __atomic_store_n(&pc->online, true, __ATOMIC_RELEASE);
    for (;;) {
        cpu_sti();
        cpu_hlt();
    }
}

static void halt_ipi(struct trap_frame *tf)
{
    (void)tf;
    __atomic_store_n(&this_cpu()->online, false, __ATOMIC_RELEASE);
    lapic_eoi();
    cpu_halt_forever();
}

/* The trampoline, and page tables mapping it 1:1 next to the kernel's half. */
static void install_trampoline(void)
{
    size_t size = (size_t)(ap_boot_end - ap_boot_start);
    memcpy(phys_to_virt(AP_BOOT_PA), ap_boot_start, size);

    uint64_t *pml4 = phys_to_virt(AP_PML4_PA), *pdpt = phys_to_virt(AP_PDPT_PA), *pd = phys_to_virt(AP_PD_PA);
    memset(pml4, 0, PAGE_SIZE);
    memset(pdpt, 0, PAGE_SIZE);
    memset(pd, 0, PAGE_SIZE);
    pd[0] = 0 | PTE_P | PTE_W | PTE_PS;
    pdpt[0] = AP_PD_PA | PTE_P | PTE_W;
    pml4[0] = AP_PDPT_PA | PTE_P | PTE_W;

    bsp_cr0 = read_cr0();
    bsp_cr4 = read_cr4();
    kernel_cr3 = read_cr3();
    struct ap_boot_data *d = boot_data();
    d->pml4 = (uint32_t)AP_PML4_PA;
    d->efer = (uint32_t)(rdmsr(MSR_EFER) & (EFER_SCE | EFER_NXE)) | EFER_LME;
    d->entry = (uint64_t)(uintptr_t)ap_main;
}

/* The kernel's upper half may have grown since the last AP (heap, MMIO). */
static void refresh_upper_half(void)
{
    const uint64_t *kpml4 = phys_to_virt(kernel_cr3 & ~0xFFFull);
    uint64_t *pml4 = phys_to_virt(AP_PML4_PA);
    memcpy(&pml4[256], &kpml4[256], 256 * sizeof(uint64_t));
}

static bool wait_online(struct percpu *pc, uint64_t ms)
{
    uint64_t end = timer_now_ns() + ms * 1000000ull;
    while (!__atomic_load_n(&pc->online, __ATOMIC_ACQUIRE)) {
        if (timer_now_ns() >= end)
            return false;
        cpu_pause();
    }
    return true;
}

static bool start_ap(struct percpu *pc)
{
    struct ap_boot_data *d = boot_data();
    uint64_t stack = pmm_alloc_pages(AP_STACK_PAGES);
    if (!stack) {
        kprintf("hv: smp: warning: no memory for the stack of cpu %u\n", pc->apic_id);
        return false;
    }
    pc->kstack_top = (uint64_t)(uintptr_t)phys_to_virt(stack) + AP_STACK_PAGES * PAGE_SIZE;
    refresh_upper_half();
    d->stack = pc->kstack_top;
    d->arg = (uint64_t)(uintptr_t)pc;
    d->alive = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);

    uint32_t sipi = LAPIC_DM_STARTUP | (uint32_t)(AP_BOOT_PA >> 12);
    lapic_send_icr(pc->apic_id, LAPIC_DM_INIT | LAPIC_ICR_LEVEL | LAPIC_ICR_ASSERT);
    timer_delay_us(10000);
    lapic_send_icr(pc->apic_id, sipi);
    timer_delay_us(200);
    if (!d->alive) {
        lapic_send_icr(pc->apic_id, sipi);      /* the second SIPI, per the MP protocol */
        timer_delay_us(200);
    }
    if (wait_online(pc, AP_START_TIMEOUT_MS))
        return true;

    kprintf("hv: smp: cpu %u did not start%s\n", pc->apic_id,
            d->alive ? " (it ran the trampoline but never came online)" : "");
    /* Park it again so it cannot wake up later on a reused stack or slot. */
    lapic_send_icr(pc->apic_id, LAPIC_DM_INIT | LAPIC_ICR_LEVEL | LAPIC_ICR_ASSERT);
    timer_delay_us(10000);
    pmm_free_pages(stack, AP_STACK_PAGES);
    return false;
}

void smp_init(void)
{
    const struct acpi_info *a = acpi_get();
    uint32_t self = lapic_id();
    this_cpu()->apic_id = self;
    trap_set_handler(VEC_IPI_HALT, halt_ipi);

    bool installed = false;
    for (unsigned i = 0; i < a->cpu_count; i++) {
        uint32_t id = a->cpu_apic_ids[i];
        if (id == self)
            continue;
        if (id > 254 && !lapic_x2apic_mode()) {
            kprintf("hv: smp: warning: cpu %u needs x2APIC mode, not started\n", id);
            continue;
        }
        struct percpu *pc = percpu_alloc(id);
        if (!pc) {
            kprintf("hv: smp: warning: more than %u cpus, the rest stay off\n", HV_MAX_CPUS);
            break;
        }
        if (!installed) {
            install_trampoline();
            installed = true;
        }
        if (!start_ap(pc))
            percpu_free_last(pc);
    }
    kprintf("hv: smp: %u of %u cpus online\n", cpu_count(), a->cpu_count ? a->cpu_count : 1);
}

void smp_halt_others(void)
{
    if (!lapic_ready() || cpu_count() <= 1)
        return;
    lapic_send_ipi_all_others(VEC_IPI_HALT);
    /* Give them a moment to stop before the caller powers off or resets. */
    for (int i = 0; i < 10000 && cpu_count() > 1; i++)
        inb(0x80);
}

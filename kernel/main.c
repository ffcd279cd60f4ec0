/*
 * kmain: the kernel's C entry on the bootstrap CPU.  entry.S gets us here in
 * long mode on the boot page tables (0-4 GiB direct-mapped) with the boot
 * info's physical address.  Order matters and is explained at each step.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpufeat.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/trap.h"
#include "dev/acpi.h"
#include "dev/console.h"
#include "dev/kbd.h"
#include "dev/timer.h"
#include "hv/bootinfo.h"
#include "lib/hvcfg.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "mgmt/auth.h"
#include "mm/heap.h"
#include "dev/blk.h"
#include "fs/bootcfg.h"
#include "fs/datastore.h"
#include "gui/gui.h"
#include "dev/pci.h"
#include "mm/pmm.h"
#include "mm/vm.h"
#include "net/net.h"
#include "shell/shell.h"
#include "vmm/vmm.h"

#define MSR_GS_BASE 0xC0000101u
#define CONFIG_MAX 16384

extern char __kernel_phys_start[], __kernel_phys_end[];
extern char boot_stack[];
#define BOOT_STACK_SIZE 16384       /* entry.S */

_Noreturn void kmain(uint32_t bootinfo_pa);

static struct hv_bootinfo bi;       /* our copy: BL's memory below 1 MiB is not ours */
static char config_text[CONFIG_MAX];
static size_t config_len;
static struct hv_config config;

/* this_cpu() reads %gs:0; until percpu_init_bsp() it finds this stand-in,
 * so the console lock and panic() work from the first line. */
static struct percpu boot_percpu;

static void copy_boot_info(uint32_t pa)
{
    const struct hv_bootinfo *src = phys_to_virt(pa);
    size_t n = src->size < sizeof(bi) ? src->size : sizeof(bi);
    memcpy(&bi, src, n);
    if (bi.config_len && bi.config_addr) {
        config_len = bi.config_len < CONFIG_MAX ? bi.config_len : CONFIG_MAX;
        if (bi.config_addr + config_len <= (4ull << 30))
            memcpy(config_text, phys_to_virt(bi.config_addr), config_len);
        else
            config_len = 0;
    }
}

static void check_boot_info(uint32_t pa)
{
    if (bi.magic != HV_BOOTINFO_MAGIC)
        panic("the boot info at 0x%x has a bad magic %08x", pa, bi.magic);
    if (bi.version != HV_BOOTINFO_VERSION || bi.size != sizeof(bi))
        kprintf("hv: warning: boot info version %u size %u, expected version %u size %zu\n",
                bi.version, bi.size, HV_BOOTINFO_VERSION, sizeof(bi));
    if (bi.e820_count > HV_E820_MAX) {
        kprintf("hv: warning: boot info claims %u E820 entries, using the first %u\n",
                bi.e820_count, HV_E820_MAX);
        bi.e820_count = HV_E820_MAX;
    }
    if (bi.boot_mode >= HV_MODE_COUNT) {
        kprintf("hv: warning: unknown boot mode %u, using hypervisor\n", bi.boot_mode);
        bi.boot_mode = HV_MODE_HYPERVISOR;
    }
}

static void config_warning(void *ctx, unsigned line, const char *msg)
{
    (void)ctx;
    kprintf("hv: warning: HV.CFG line %u: %s\n", line, msg);
}

static void read_config(void)
{
    if (bi.config_len > CONFIG_MAX)
        kprintf("hv: warning: HV.CFG is %u bytes, only the first %u are read\n",
                bi.config_len, CONFIG_MAX);
    hvcfg_parse(config_text, config_len, &config, config_warning, NULL);
    char header[96];
    ksnprintf(header, sizeof(header), "hv %s   %s   %s mode", HV_VERSION, config.hostname,
              hvcfg_mode_name(bi.boot_mode));
    console_set_header(header);
}

static void memory_summary(void)
{
    uint64_t image = (uint64_t)(uintptr_t)(__kernel_phys_end - __kernel_phys_start);
    uint64_t used = image + vm_table_bytes() + heap_reserved_bytes() + pmm_bitmap_bytes();
    kprintf("hv: memory: %lu MiB usable, kernel uses %lu KiB (image %lu, page tables %lu, "
            "heap %lu, frame bitmap %lu KiB), %lu MiB free\n",
            pmm_usable_bytes() >> 20, used >> 10, image >> 10, vm_table_bytes() >> 10,
            (uint64_t)heap_reserved_bytes() >> 10, pmm_bitmap_bytes() >> 10,
            pmm_free_bytes() >> 20);
}

static void announce_mode(void)
{
    switch (bi.boot_mode) {
    case HV_MODE_HYPERVISOR: {
        const char *be = cpufeat_virt_backend();
        if (be)
            kprintf("hv: hypervisor mode: virtualization backend %s\n", be);
        else
            kprintf("hv: warning: no hardware virtualization (SVM+NPT or VMX+EPT) on this CPU; "
                    "VMs will be refused\n");
        break;
    }
    case HV_MODE_OS:
        kprintf("hv: os mode: VM management off\n");
        break;
    case HV_MODE_INSTALLER:
        kprintf("hv: installer mode: starting the graphical installer\n");
        break;
    default:
        kprintf("hv: recovery mode\n");
        break;
    }
}

_Noreturn void kmain(uint32_t bootinfo_pa)
{
    boot_percpu.self = &boot_percpu;
    boot_percpu.kstack_top = (uint64_t)(uintptr_t)boot_stack + BOOT_STACK_SIZE;
    wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)&boot_percpu);

    /* Before anything allocates: the boot info may sit in memory the pmm
     * is about to hand out. */
    copy_boot_info(bootinfo_pa);
    kprintf("\nhv: kernel %s, boot info at 0x%x\n", HV_VERSION, bootinfo_pa);
    check_boot_info(bootinfo_pa);

    /* Our own GDT/TSS (IST stacks) before the IDT refers to them. */
    gdt_init_cpu(NULL);
    idt_init();
    idt_load();

    pmm_init(&bi);
    vm_init();
    heap_init();
    console_init(&bi);
    read_config();

    if (acpi_init(bi.rsdp) < 0)
        kprintf("hv: warning: ACPI tables unusable; one CPU, legacy devices only\n");
    acpi_power_button_init();
    struct percpu *bsp_stand_in = this_cpu();
    percpu_init_bsp();
    this_cpu()->kstack_top = bsp_stand_in->kstack_top;
    gdt_init_cpu(this_cpu());
    cpufeat_detect();
    lapic_init();
    ioapic_init();
    timer_init();
    cpu_sti();
    kbd_init();
    kbd_set_layout(config.keyboard);
    /* The admin password guards the API and the local console alike, so
     * it is read whether or not there is a network card. */
    auth_init(config.admin_password);
    smp_init();
    pci_init();
    blk_probe_all();
    net_init(&config, hvcfg_mode_name(bi.boot_mode));
    datastore_init(&bi);
    if (bi.boot_mode == HV_MODE_HYPERVISOR)
        vmm_init();
    gui_init(&bi, &config);
    bootcfg_init(&bi);

    memory_summary();
    char ip[16];
    net_wait_address(3000, ip, sizeof(ip));     /* DHCP: at most 3 s, then "none" */
    kprintf("hv: ready mode=%s cpus=%u memory=%luMiB ip=%s\n", hvcfg_mode_name(bi.boot_mode),
            cpu_count(), pmm_usable_bytes() >> 20, ip);
    announce_mode();
    if (bi.boot_mode == HV_MODE_HYPERVISOR)
        vmm_autostart();
    if (bi.boot_mode == HV_MODE_INSTALLER)
        gui_installer_run();    /* returns for the recovery shell */
    else if (bi.boot_mode == HV_MODE_HYPERVISOR && config.desktop == HVCFG_DESKTOP_ON &&
             gui_desktop_run() == 0)
        ;                       /* the user unlocked it and chose the shell */
    else if (bi.boot_mode == HV_MODE_HYPERVISOR && config.desktop != HVCFG_DESKTOP_UNSET)
        shell_login(config.hostname);   /* headless, or no screen for the desktop */
    shell_run();
}

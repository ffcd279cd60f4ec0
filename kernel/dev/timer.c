/* Time.  The LAPIC timer gives every CPU its periodic tick; its rate is not
 * architectural, so it is measured once against a clock of known rate (the
 * HPET, else PIT channel 2), together with the TSC.  timer_now_ns() reads the
 * HPET when there is one, the TSC otherwise. */
#include "dev/timer.h"
#include "dev/timer_hw.h"
#include "dev/acpi.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/lapic_regs.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/trap.h"
#include "lib/kprintf.h"

#define CAL_US     10000u      /* one calibration round */
#define CAL_ROUNDS 3
#define LAPIC_DIV  16u

/* Written once by timer_init on the BSP before any AP starts. */
static bool use_hpet;
static const char *cal_source = "none";
static uint32_t lapic_tick_count;   /* initial count for a TIMER_HZ period */
static uint64_t clock_base;         /* HPET counter or TSC at timer_init */
static uint64_t clock_mult;         /* ns = (clock - base) * mult >> 32 */
static bool ready;
static void (*volatile bsp_hook)(void);

static void timer_irq(struct trap_frame *tf)
{
    (void)tf;
    struct percpu *me = this_cpu();
    me->ticks++;
    lapic_eoi();
    void (*fn)(void) = bsp_hook;
    if (fn && me->index == 0)
        fn();
}

void timer_set_bsp_hook(void (*fn)(void))
{
    bsp_hook = fn;
}

/* One round: LAPIC ticks (divided) and TSC cycles in `us` microseconds by the reference. */
static void measure(uint32_t us, uint64_t *lapic_ticks, uint64_t *tsc_cycles)
{
    lapic_write(LAPIC_TIMER_DIV, LAPIC_DIV_16);
    lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
    uint64_t elapsed_fs = (uint64_t)us * 1000000000ull;
    if (use_hpet) {
        uint64_t want = elapsed_fs / hpet_period_fs();
        uint64_t h0 = hpet_counter();
        lapic_write(LAPIC_TIMER_INIT, 0xFFFFFFFFu);
        uint64_t t0 = rdtsc();
        while (hpet_counter() - h0 < want)
            cpu_pause();
        uint32_t cur = lapic_read(LAPIC_TIMER_CUR);
        uint64_t t1 = rdtsc();
        uint64_t h1 = hpet_counter();
        /* Scale to exactly `us` using the true elapsed HPET time. */
        uint64_t got_fs = (h1 - h0) * hpet_period_fs();
        *lapic_ticks = (uint64_t)(0xFFFFFFFFu - cur) * (elapsed_fs / 1000000) / (got_fs / 1000000);
        *tsc_cycles = (t1 - t0) * (elapsed_fs / 1000000) / (got_fs / 1000000);
    } else {
        pit_oneshot_start(us);
        lapic_write(LAPIC_TIMER_INIT, 0xFFFFFFFFu);
        uint64_t t0 = rdtsc();
        while (!pit_oneshot_done())
            cpu_pause();
        uint32_t cur = lapic_read(LAPIC_TIMER_CUR);
        *tsc_cycles = rdtsc() - t0;
        *lapic_ticks = 0xFFFFFFFFu - cur;
    }
    lapic_write(LAPIC_TIMER_INIT, 0);
}

static uint64_t median3(uint64_t a, uint64_t b, uint64_t c)
{
    if ((a <= b && b <= c) || (c <= b && b <= a))
        return b;
    if ((b <= a && a <= c) || (c <= a && a <= b))
        return a;
    return c;
}

static void start_tick(void)
{
    lapic_write(LAPIC_TIMER_DIV, LAPIC_DIV_16);
    lapic_write(LAPIC_LVT_TIMER, LAPIC_TIMER_PERIODIC | VEC_LAPIC_TIMER);
    lapic_write(LAPIC_TIMER_INIT, lapic_tick_count);
}

void timer_init(void)
{
    if (!lapic_ready())
        panic("timer_init before lapic_init");
    uint64_t flags = cpu_save_flags();
    cpu_cli();
    use_hpet = hpet_init(acpi_get()->hpet_addr);
    cal_source = use_hpet ? "hpet" : "pit";

    uint64_t lt[CAL_ROUNDS], tc[CAL_ROUNDS];
    for (int i = 0; i < CAL_ROUNDS; i++)
        measure(CAL_US, &lt[i], &tc[i]);
    uint64_t lapic_hz = median3(lt[0], lt[1], lt[2]) * (1000000u / CAL_US);
    uint64_t tsc_hz = median3(tc[0], tc[1], tc[2]) * (1000000u / CAL_US);
    if (lapic_hz < TIMER_HZ * 16u) {
        kprintf("hv: timer: warning: lapic timer measured at %llu Hz, assuming 1 GHz bus\n",
                (unsigned long long)lapic_hz * LAPIC_DIV);
        lapic_hz = 1000000000ull / LAPIC_DIV;
    }
    if (tsc_hz < 1000000)
        tsc_hz = 1000000000ull;         /* nonsense measured; keep the clock monotonic anyway */
    lapic_tick_count = (uint32_t)(lapic_hz / TIMER_HZ);

    if (use_hpet) {
        clock_mult = (hpet_period_fs() << 32) / 1000000u;
        clock_base = hpet_counter();
    } else {
        clock_mult = (1000000000ull << 32) / tsc_hz;
        clock_base = rdtsc();
    }
    ready = true;
    kprintf("hv: timer: lapic calibrated against %s: %llu kHz (tsc %llu kHz)\n", cal_source,
            (unsigned long long)(lapic_hz * LAPIC_DIV / 1000), (unsigned long long)(tsc_hz / 1000));

    trap_set_handler(VEC_LAPIC_TIMER, timer_irq);
    start_tick();
    cpu_restore_flags(flags);
}

void timer_init_ap(void)
{
    if (ready)
        start_tick();
}

uint64_t timer_now_ns(void)
{
    if (!ready)
        return 0;
    uint64_t now = use_hpet ? hpet_counter() : rdtsc();
    return (uint64_t)(((unsigned __int128)(now - clock_base) * clock_mult) >> 32);
}

void timer_delay_us(uint64_t us)
{
    if (!ready) {
        for (uint64_t i = 0; i < us; i++)
            inb(0x80);          /* about 1 us each */
        return;
    }
    uint64_t end = timer_now_ns() + us * 1000;
    while (timer_now_ns() < end)
        cpu_pause();
}

void timer_sleep_ms(uint64_t ms)
{
    if (!ready || !(cpu_save_flags() & (1u << 9))) {
        timer_delay_us(ms * 1000);      /* no interrupts to wake us: spin */
        return;
    }
    uint64_t end = timer_now_ns() + ms * 1000000;
    while (timer_now_ns() < end)
        cpu_hlt();
}

const char *timer_source(void)
{
    return cal_source;
}

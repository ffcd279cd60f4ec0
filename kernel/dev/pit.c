/* PIT channel 2 as a stopwatch: its gate and output are visible in port
 * 0x61, so no interrupt is involved (the 8259s stay masked). */
#include "dev/timer_hw.h"
#include "arch/x86_64/cpu.h"

#define PIT_HZ      1193182u
#define PIT_CH2     0x42
#define PIT_CMD     0x43
#define PORT_B      0x61
#define PORTB_GATE2 0x01
#define PORTB_SPKR  0x02
#define PORTB_OUT2  0x20

void pit_oneshot_start(uint32_t us)
{
    uint32_t count = (uint32_t)((uint64_t)PIT_HZ * us / 1000000u);
    if (count > 0xFFFF)
        count = 0xFFFF;
    uint8_t b = inb(PORT_B) & (uint8_t)~(PORTB_GATE2 | PORTB_SPKR);
    outb(PORT_B, b);                      /* gate low: channel 2 holds */
    outb(PIT_CMD, 0xB0);                  /* channel 2, lo/hi byte, mode 0, binary */
    outb(PIT_CH2, (uint8_t)count);
    outb(PIT_CH2, (uint8_t)(count >> 8));
    outb(PORT_B, b | PORTB_GATE2);        /* gate high: count down, OUT2 rises at 0 */
}

bool pit_oneshot_done(void)
{
    return inb(PORT_B) & PORTB_OUT2;
}

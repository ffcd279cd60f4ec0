/*
 * COM1 by polling.  No IRQ: output waits for the transmitter, input is
 * polled by console_getc().  A missing UART reads back 0xFF from every
 * register; then we stay silent.  A transmitter that stays busy (a virtual
 * UART whose other end does not read) costs each byte a bounded wait, and a
 * much shorter one once it has timed out a few times in a row, so the
 * screen console keeps going; the first byte that goes out restores it.
 */
#include "dev/serial.h"
#include "arch/x86_64/cpu.h"
#include <stdbool.h>

#define COM1 0x3F8
#define REG_DATA 0
#define REG_IER  1
#define REG_FCR  2
#define REG_LCR  3
#define REG_MCR  4
#define REG_LSR  5
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY  0x20
/* How long to wait for the transmitter before a byte is dropped, in TSC
 * cycles (the TSC is not calibrated yet when the console starts; at 1-4 GHz
 * this is 0.1-0.5 s).  Counting polls instead made the wait depend on how
 * costly a port read is: microseconds under KVM, nanoseconds under TCG,
 * where a briefly busy reader on the host side then lost bytes. */
#define TX_WAIT_CYCLES  400000000ull
#define TX_WAIT_STUCK   1000000ull  /* the same once the UART seems stuck */
#define STUCK_AFTER    3          /* dropped bytes in a row that mean stuck */

static bool present;
static unsigned dropped;          /* bytes dropped in a row */

void serial_init(void)
{
    outb(COM1 + REG_IER, 0x00);   /* no interrupts */
    outb(COM1 + REG_LCR, 0x80);   /* DLAB: divisor follows */
    outb(COM1 + REG_DATA, 1);     /* 115200 baud */
    outb(COM1 + REG_IER, 0);
    outb(COM1 + REG_LCR, 0x03);   /* 8N1 */
    outb(COM1 + REG_FCR, 0xC7);   /* FIFOs on, cleared, 14-byte trigger */
    outb(COM1 + REG_MCR, 0x03);   /* DTR, RTS */
    present = inb(COM1 + REG_LSR) != 0xFF;
}

static void put_raw(char c)
{
    uint64_t limit = dropped >= STUCK_AFTER ? TX_WAIT_STUCK : TX_WAIT_CYCLES;
    uint64_t start = rdtsc();
    do {
        if (inb(COM1 + REG_LSR) & LSR_THR_EMPTY) {
            outb(COM1 + REG_DATA, (uint8_t)c);
            dropped = 0;
            return;
        }
        cpu_pause();
    } while (rdtsc() - start < limit);
    dropped++;
}

void serial_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n && present; i++) {
        if (s[i] == '\n')
            put_raw('\r');
        put_raw(s[i]);
    }
}

int serial_trygetc(void)
{
    if (!present || !(inb(COM1 + REG_LSR) & LSR_DATA_READY))
        return -1;
    return inb(COM1 + REG_DATA);
}

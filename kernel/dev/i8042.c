/* 8042 port handshakes (i8042.h). */
#include "dev/i8042.h"
#include "arch/x86_64/cpu.h"

#define TIMEOUT 100000              /* status polls: far beyond any working controller */

bool i8042_wait_in_empty(void)
{
    for (int i = 0; i < TIMEOUT; i++)
        if (!(inb(I8042_STATUS) & I8042_IN_FULL))
            return true;
    return false;
}

bool i8042_wait_out_full(void)
{
    for (int i = 0; i < TIMEOUT; i++)
        if (inb(I8042_STATUS) & I8042_OUT_FULL)
            return true;
    return false;
}

bool i8042_cmd(uint8_t cmd)
{
    if (!i8042_wait_in_empty())
        return false;
    outb(I8042_CMD, cmd);
    return true;
}

int i8042_read(void)
{
    return i8042_wait_out_full() ? inb(I8042_DATA) : -1;
}

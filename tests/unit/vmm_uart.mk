# The emulated 16550A UART (kernel/vmm/dev/uart16550.c), wired to the PIC.
UNIT_TESTS += vmm_uart
vmm_uart_SRCS := tests/unit/test_vmm_uart.c kernel/vmm/dev/uart16550.c \
                 kernel/vmm/dev/pic.c kernel/vmm/iobus.c

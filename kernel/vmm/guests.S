/* The built-in test guests, flat 16-bit binaries assembled by
 * tests/guests/build.mk from tests/guests/NAME.asm and loaded at 0x7C00.
 * That fragment puts their directory on the assembler's search path and
 * defines HV_GUESTS_BUILT; without it the guests are empty and vmm_init
 * says so instead of the build failing. */
.macro guest name
    .balign 16
    .globl guest_\name, guest_\name\()_end
guest_\name:
#ifdef HV_GUESTS_BUILT
    .incbin "\name\().bin"
#endif
guest_\name\()_end:
.endm

    .section .rodata
    guest hello
    guest hostile
    guest triple
    guest spin
    guest timer
    guest cmos
    guest kbc
    guest mmio
    guest tick
    guest bioscall
    guest msrs
    guest badcall
    guest flood
    guest exitbench
    guest vblk
    guest keys

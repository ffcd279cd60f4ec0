/* BIOS services through BM's real-mode call gate (docs/boot.md). */
#ifndef HV_BL_BIOS_H
#define HV_BL_BIOS_H

#include <stdint.h>

#include "hv/bm_handoff.h"

/* Why the last bios_read failed. */
struct bios_disk_error {
    uint32_t lba;           /* first LBA of the failed request */
    uint8_t status;         /* AH from INT 13h */
};

void bios_init(uint32_t gate, uint32_t drive);
int bios_have_gate(void);
/* INT intno with *r in and out; r must lie below 1 MiB (BL's stack does). */
void bios_int(uint32_t intno, struct hv_rm_regs *r);
/* Reads count sectors at lba into dst (any address) via the low bounce
 * buffer.  0, or -1 with *err filled after one retry. */
int bios_read(uint32_t lba, uint32_t count, void *dst, struct bios_disk_error *err);
/* INT 10h AX=0003h: 80x25 colour text, screen cleared. */
void bios_text_mode(void);

#endif

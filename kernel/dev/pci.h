/* PCI: configuration space (ECAM when ACPI has an MCFG table, else the
 * legacy 0xCF8/0xCFC mechanism), one scan at boot, a device list with sized
 * BARs. Segment 0 only. Owner: storage (kernel/dev). */
#ifndef HV_DEV_PCI_H
#define HV_DEV_PCI_H

#include <stdint.h>
#include <stdbool.h>

#define PCI_MAX_DEVICES 128

#define PCI_CMD_IO      (1u << 0)
#define PCI_CMD_MEMORY  (1u << 1)
#define PCI_CMD_MASTER  (1u << 2)
#define PCI_CMD_INTX_OFF (1u << 10)

#define PCI_CAP_MSI     0x05
#define PCI_CAP_VENDOR  0x09
#define PCI_CAP_PCIE    0x10
#define PCI_CAP_MSIX    0x11

struct pci_bar {
    uint64_t base;          /* physical address or I/O port; 0 = unassigned */
    uint64_t size;          /* bytes; 0 = BAR absent */
    bool     io;            /* I/O space rather than memory */
    bool     is64;          /* takes this and the next BAR slot */
    bool     prefetch;
};

struct pci_dev {
    uint8_t  bus, dev, fn;
    uint16_t vendor, device;
    uint8_t  class_code, subclass, prog_if, revision;
    uint8_t  header_type;   /* 0 device, 1 bridge (bit 7 masked off) */
    uint8_t  irq_line, irq_pin;
    struct pci_bar bar[6];
};

/* Scan every bus reachable from bus 0; prints "hv: pci: <n> devices". */
void pci_init(void);
unsigned pci_count(void);
struct pci_dev *pci_get(unsigned i);          /* NULL past the end */
/* The next device after *from (NULL: the first) with this class/subclass;
 * prog_if < 0 matches any. */
struct pci_dev *pci_find_class(struct pci_dev *from, int class_code, int subclass, int prog_if);
/* "ecam" or "legacy": how configuration space is reached. */
const char *pci_access_method(void);

uint32_t pci_read32(const struct pci_dev *d, uint16_t off);
uint16_t pci_read16(const struct pci_dev *d, uint16_t off);
uint8_t  pci_read8(const struct pci_dev *d, uint16_t off);
void     pci_write32(const struct pci_dev *d, uint16_t off, uint32_t v);
void     pci_write16(const struct pci_dev *d, uint16_t off, uint16_t v);

/* Sets the given PCI_CMD_* bits in the command register. */
void pci_enable(const struct pci_dev *d, uint16_t cmd_bits);
/* Offset of the first capability with this id, 0 when none. Loops and
 * pointers into the header are cut off. */
uint8_t pci_find_cap(const struct pci_dev *d, uint8_t cap_id);
uint8_t pci_next_cap(const struct pci_dev *d, uint8_t prev, uint8_t cap_id);
/* An uncached mapping of a memory BAR (whole size); NULL if it is I/O,
 * absent or unassigned. */
void *pci_map_bar(const struct pci_dev *d, int bar);

/* A short description of a class code ("SATA controller", ...). */
const char *pci_class_name(uint8_t class_code, uint8_t subclass, uint8_t prog_if);

#endif

/*
 * acpi_tables.c - the ACPI tables of bt86's board, and the few bytes of AML
 * its DSDT needs, from a generator of a dozen lines instead of iasl.
 *
 * The DSDT holds what an OS cannot find without it (ACPI 6.5, 19.6 has the
 * ASL these bytes encode):
 *
 *   Scope (\_SB) {
 *     Device (KBD_) { Name (_HID, EisaId ("PNP0303"))       // the i8042 keyboard
 *                     Name (_CRS, ResourceTemplate () { IO (Decode16, 0x60, 0x60, 1, 1)
 *                                                       IO (Decode16, 0x64, 0x64, 1, 1)
 *                                                       IRQNoFlags () {1} }) }
 *     Device (MOU_) { Name (_HID, EisaId ("PNP0F13"))       // its PS/2 mouse
 *                     Name (_CRS, ResourceTemplate () { IRQNoFlags () {12} }) }
 *     Device (RTC_) { Name (_HID, EisaId ("PNP0B00"))
 *                     Name (_CRS, ResourceTemplate () { IO (Decode16, 0x70, 0x70, 0x10, 2)
 *                                                       IRQNoFlags () {8} }) }
 *     Device (COM1) { Name (_HID, EisaId ("PNP0501")) Name (_UID, 1)
 *                     Name (_CRS, ResourceTemplate () { IO (Decode16, 0x3f8, 0x3f8, 0, 8)
 *                                                       IRQNoFlags () {4} }) }
 *     Device (COM2) { ... _UID 2, 0x2f8, IRQ 3 }
 *     Device (PCI0) { Name (_HID, EisaId ("PNP0A03")) Name (_UID, 0)
 *                     Name (_CRS, ResourceTemplate () {
 *                       WordBusNumber (ResourceProducer, MinFixed, MaxFixed, PosDecode,
 *                                      0, 0, 0xff, 0, 0x100)
 *                       IO (Decode16, 0xcf8, 0xcf8, 1, 8)
 *                       WordIO (ResourceProducer, MinFixed, MaxFixed, PosDecode, EntireRange,
 *                               0, 0, 0xcf7, 0, 0xcf8)
 *                       WordIO (..., 0, 0xd00, 0xffff, 0, 0xf300)
 *                       DWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed,
 *                                    Cacheable, ReadWrite, 0, 0xa0000, 0xbffff, 0, 0x20000)
 *                       DWordMemory (..., NonCacheable, ..., 0xc0000000, 0xfebfffff, ...) })
 *                     Name (_PRT, Package () { Package () { 0x0001FFFF, 0, LNKA, 0 } ... })
 *                     Device (ISA_) { ... the PIIX3's PIRQ route registers ... } }
 *     Field (...) Method (IQCR, 1) Device (LNKA) ... Device (LNKD)  // see aml_links
 *   }
 *   Name (_S5, Package (4) { 0, 0, 0, 0 })                // SLP_TYP 0 is soft-off
 *
 * Linux needs the devices: with ACPI on, its i8042 and RTC drivers find
 * their chips through PNP IDs and probe no fixed ports, and it scans a PCI
 * bus only below a root bridge the DSDT names (PCI0), and places BARs
 * only in the windows its _CRS gives: the ports but the configuration
 * registers, the VGA window, and the hole from 3 GiB (the most RAM -m
 * allows) to the I/O APIC.  A PCI device's INTx reaches it through the _PRT
 * and the PCI interrupt link devices, which say level and active high.  The resources are
 * QEMU's, so a guest sees the same board on both.
 */
#include "machine/acpi_tables.h"

#include "hw/acpi_pm.h"
#include "hw/hpet.h"

#include <string.h>

/* ------------------------------------------------------------ AML */

struct aml {
    uint8_t b[3072];
    size_t n;
    int overflow;
};

static void aml_put(struct aml *a, const void *p, size_t n)
{
    if (a->overflow || a->n + n > sizeof(a->b)) {
        a->overflow = 1;
        return;
    }
    memcpy(a->b + a->n, p, n);
    a->n += n;
}

static void aml_byte(struct aml *a, uint8_t v)
{
    aml_put(a, &v, 1);
}

/* op, then PkgLength (which counts itself, ACPI 20.2.4), then body. */
static void aml_pkg(struct aml *a, const uint8_t *op, size_t opn, const struct aml *body)
{
    size_t len = body->n;
    aml_put(a, op, opn);
    if (len + 1 < 0x40) {
        aml_byte(a, (uint8_t)(len + 1));
    } else if (len + 2 < 0x1000) {
        len += 2;
        aml_byte(a, (uint8_t)(0x40 | (len & 0xf)));
        aml_byte(a, (uint8_t)(len >> 4));
    } else {
        len += 3;
        aml_byte(a, (uint8_t)(0x80 | (len & 0xf)));
        aml_byte(a, (uint8_t)(len >> 4));
        aml_byte(a, (uint8_t)(len >> 12));
    }
    aml_put(a, body->b, body->n);
    a->overflow |= body->overflow;
}

/* Name (seg, EisaId (id)): three letters of five bits, then four hex digits. */
static void aml_name_eisaid(struct aml *a, const char *seg, const char *id)
{
    unsigned c1 = id[0] - '@', c2 = id[1] - '@', c3 = id[2] - '@';
    uint8_t v[6] = { 0x08, 0, 0, 0, 0, 0x0c }; /* NameOp ... DWordPrefix */
    memcpy(v + 1, seg, 4);
    aml_put(a, v, 6);
    aml_byte(a, (uint8_t)(c1 << 2 | c2 >> 3));
    aml_byte(a, (uint8_t)((c2 & 7) << 5 | c3));
    for (int i = 3; i < 7; i += 2) {
        unsigned hi = id[i] <= '9' ? id[i] - '0' : id[i] - 'A' + 10;
        unsigned lo = id[i + 1] <= '9' ? id[i + 1] - '0' : id[i + 1] - 'A' + 10;
        aml_byte(a, (uint8_t)(hi << 4 | lo));
    }
}

static void aml_name_byte(struct aml *a, const char *seg, uint8_t v)
{
    uint8_t b[7] = { 0x08, 0, 0, 0, 0, 0x0a, v }; /* NameOp seg BytePrefix v */
    memcpy(b + 1, seg, 4);
    aml_put(a, b, 7);
}

/* Name (_CRS, ResourceTemplate () { res... EndTag }). */
static void aml_name_crs(struct aml *a, const uint8_t *res, size_t n)
{
    struct aml buf = { .n = 0 };
    uint8_t end[2] = { 0x79, 0x00 }; /* End tag; checksum 0: "treat as valid" */
    aml_byte(&buf, 0x0a);            /* BufferSize: BytePrefix */
    aml_byte(&buf, (uint8_t)(n + 2));
    aml_put(&buf, res, n);
    aml_put(&buf, end, 2);
    static const uint8_t name[5] = { 0x08, '_', 'C', 'R', 'S' };
    static const uint8_t bufop = 0x11;
    aml_put(a, name, 5);
    aml_pkg(a, &bufop, 1, &buf);
}

/* An ISA device: Device (seg) { _HID, [_UID,] _CRS: I/O ports, one IRQ }. */
static void aml_isa_device(struct aml *a, const char *seg, const char *hid, int uid,
                           uint16_t port1, uint8_t align1, uint8_t len1, uint16_t port2,
                           unsigned irq)
{
    struct aml dev = { .n = 0 };
    uint8_t res[32];
    size_t n = 0;
    uint16_t ports[2] = { port1, port2 };
    aml_put(&dev, seg, 4);
    aml_name_eisaid(&dev, "_HID", hid);
    if (uid)
        aml_name_byte(&dev, "_UID", (uint8_t)uid);
    for (int i = 0; i < 2; i++) {
        if (!ports[i])
            continue;
        /* IO (Decode16, min, max, align, len) */
        uint8_t io[8] = { 0x47, 0x01, (uint8_t)ports[i], (uint8_t)(ports[i] >> 8),
                          (uint8_t)ports[i], (uint8_t)(ports[i] >> 8), align1, len1 };
        memcpy(res + n, io, 8);
        n += 8;
    }
    /* IRQNoFlags () {irq} */
    res[n++] = 0x22;
    res[n++] = (uint8_t)(1u << irq);
    res[n++] = (uint8_t)((1u << irq) >> 8);
    aml_name_crs(&dev, res, n);
    static const uint8_t devop[2] = { 0x5b, 0x82 };
    aml_pkg(a, devop, 2, &dev);
}

static void aml_pkg_bytes(struct aml *a, const uint8_t *op, size_t opn, const uint8_t *p, size_t n)
{
    struct aml body = { .n = 0 };
    aml_put(&body, p, n);
    aml_pkg(a, op, opn, &body);
}

/* Name (_PRT, Package () { Package () { 0xSSSSFFFF, pin, LNKx, 0 }... }) for
 * slots 1-31, INTA-INTD: the PIIX3 wires pin p of slot s to PIRQ (s - 1 + p) & 3
 * (hw/piix3.c), and PIRQ n is link device LNKA + n. */
static void aml_prt(struct aml *a)
{
    struct aml list = { .n = 0 };
    static const uint8_t pkgop = 0x12;
    aml_byte(&list, 31 * 4);
    for (unsigned slot = 1; slot < 32; slot++)
        for (unsigned pin = 0; pin < 4; pin++) {
            struct aml e = { .n = 0 };
            uint8_t head[6] = { 4, 0x0c, 0xff, 0xff, (uint8_t)slot, 0 };
            aml_put(&e, head, 6);
            if (pin < 2) {
                aml_byte(&e, (uint8_t)pin); /* ZeroOp, OneOp */
            } else {
                aml_byte(&e, 0x0a);
                aml_byte(&e, (uint8_t)pin);
            }
            uint8_t lnk[5] = { 'L', 'N', 'K', (uint8_t)('A' + ((slot - 1 + pin) & 3)), 0 };
            aml_put(&e, lnk, 5); /* the link, then source index Zero */
            aml_pkg(&list, &pkgop, 1, &e);
        }
    static const uint8_t name[5] = { 0x08, '_', 'P', 'R', 'T' };
    aml_put(a, name, 5);
    aml_pkg(a, &pkgop, 1, &list);
}

/* Method (seg, flags) { body }. */
static void aml_method(struct aml *a, const char *seg, uint8_t flags, const uint8_t *body, size_t n)
{
    struct aml m = { .n = 0 };
    static const uint8_t methodop = 0x14;
    aml_put(&m, seg, 4);
    aml_byte(&m, flags);
    aml_put(&m, body, n);
    aml_pkg(a, &methodop, 1, &m);
}

/*
 * The PCI interrupt links, as QEMU's piix DSDT has them; the IRQ a link
 * takes is the PIIX3 route register's (ACPI 6.5, 6.2.13 and 19.6.64):
 *
 *   Field (PCI0.ISA_.P40C, ByteAcc, NoLock, Preserve) { PRQA, 8, PRQB, 8, PRQC, 8, PRQD, 8 }
 *   Method (IQCR, 1, Serialized) {
 *     Name (PRR0, ResourceTemplate () { Interrupt (ResourceConsumer, Level, ActiveHigh, Shared) {0} })
 *     CreateDWordField (PRR0, 5, PRRI)
 *     If (LLess (Arg0, 0x80)) { Store (And (Arg0, 0x0F), PRRI) }
 *     Return (PRR0) }
 *   Device (LNKA) {                                      // and LNKB-LNKD, _UID 2-4, PRQB-PRQD
 *     Name (_HID, EisaId ("PNP0C0F")) Name (_UID, 1)
 *     Name (_PRS, ResourceTemplate () { Interrupt (ResourceConsumer, Level, ActiveHigh, Shared) {5, 10, 11} })
 *     Method (_STA) { If (And (PRQA, 0x80)) { Return (0x09) } Return (0x0B) }
 *     Method (_DIS) { Or (PRQA, 0x80, PRQA) }
 *     Method (_CRS) { Return (IQCR (PRQA)) }
 *     Method (_SRS, 1, Serialized) { CreateDWordField (Arg0, 5, PRRI) Store (PRRI, PRQA) } }
 *
 * Level and active high, as the MADT says of IRQs 5, 10 and 11: the board
 * drives a PIRQ's IRQ 1 while a device asserts its pin.  Without links,
 * Linux would give a PCI device the interrupt line register's IRQ with the
 * PCI default, level and active low, and the I/O APIC would see it
 * asserted forever.  The routes are read, not fixed, because Linux may move
 * a link to another IRQ of _PRS through _SRS, and SeaBIOS, not bt86,
 * programs them on a firmware boot.
 */
static void aml_links(struct aml *a)
{
    static const uint8_t field[] = { 0x2f, 3, 'P', 'C', 'I', '0', 'I', 'S', 'A', '_', 'P', '4', '0', 'C',
                                     0x01, 'P', 'R', 'Q', 'A', 8, 'P', 'R', 'Q', 'B', 8,
                                     'P', 'R', 'Q', 'C', 8, 'P', 'R', 'Q', 'D', 8 };
    static const uint8_t fieldop[2] = { 0x5b, 0x81 };
    aml_pkg_bytes(a, fieldop, 2, field, sizeof(field));

    static const uint8_t iqcr[] = {
        0x08, 'P', 'R', 'R', '0', 0x11, 0x0e, 0x0a, 0x0b, /* Name (PRR0, Buffer (11) { */
        0x89, 0x06, 0x00, 0x09, 0x01, 0, 0, 0, 0, 0x79, 0x00, /* Interrupt {0}, EndTag }) */
        0x8a, 'P', 'R', 'R', '0', 0x0a, 0x05, 'P', 'R', 'R', 'I', /* CreateDWordField */
        0xa0, 0x0f, 0x95, 0x68, 0x0a, 0x80,                       /* If (LLess (Arg0, 0x80)) */
        0x70, 0x7b, 0x68, 0x0a, 0x0f, 0x00, 'P', 'R', 'R', 'I',   /* Store (And (Arg0, 15), PRRI) */
        0xa4, 'P', 'R', 'R', '0',                                 /* Return (PRR0) */
    };
    aml_method(a, "IQCR", 0x09, iqcr, sizeof(iqcr)); /* 1 argument, Serialized */

    for (int i = 0; i < 4; i++) {
        struct aml dev = { .n = 0 };
        uint8_t seg[4] = { 'L', 'N', 'K', (uint8_t)('A' + i) };
        uint8_t prq[4] = { 'P', 'R', 'Q', (uint8_t)('A' + i) };
        aml_put(&dev, seg, 4);
        aml_name_eisaid(&dev, "_HID", "PNP0C0F");
        aml_name_byte(&dev, "_UID", (uint8_t)(i + 1));
        static const uint8_t prs[] = { 0x08, '_', 'P', 'R', 'S', 0x11, 0x16, 0x0a, 0x13,
                                       0x89, 0x0e, 0x00, 0x09, 0x03, 5, 0, 0, 0, 10, 0, 0, 0,
                                       11, 0, 0, 0, 0x79, 0x00 };
        aml_put(&dev, prs, sizeof(prs));
        uint8_t sta[] = { 0xa0, 0x0c, 0x7b, prq[0], prq[1], prq[2], prq[3], 0x0a, 0x80, 0x00,
                          0xa4, 0x0a, 0x09, 0xa4, 0x0a, 0x0b };
        aml_method(&dev, "_STA", 0, sta, sizeof(sta));
        uint8_t dis[] = { 0x7d, prq[0], prq[1], prq[2], prq[3], 0x0a, 0x80,
                          prq[0], prq[1], prq[2], prq[3] };
        aml_method(&dev, "_DIS", 0, dis, sizeof(dis));
        uint8_t crs[] = { 0xa4, 'I', 'Q', 'C', 'R', prq[0], prq[1], prq[2], prq[3] };
        aml_method(&dev, "_CRS", 0, crs, sizeof(crs));
        uint8_t srs[] = { 0x8a, 0x68, 0x0a, 0x05, 'P', 'R', 'R', 'I',
                          0x70, 'P', 'R', 'R', 'I', prq[0], prq[1], prq[2], prq[3] };
        aml_method(&dev, "_SRS", 0x09, srs, sizeof(srs));
        static const uint8_t devop[2] = { 0x5b, 0x82 };
        aml_pkg(a, devop, 2, &dev);
    }
}

static void build_dsdt_body(struct aml *a)
{
    struct aml sb = { .n = 0 };
    aml_put(&sb, "\\_SB_", 5);
    aml_isa_device(&sb, "KBD_", "PNP0303", 0, 0x60, 1, 1, 0x64, 1);
    aml_isa_device(&sb, "MOU_", "PNP0F13", 0, 0, 0, 0, 0, 12);
    aml_isa_device(&sb, "RTC_", "PNP0B00", 0, 0x70, 0x10, 2, 0, 8);
    aml_isa_device(&sb, "COM1", "PNP0501", 1, 0x3f8, 0, 8, 0, 4);
    aml_isa_device(&sb, "COM2", "PNP0501", 2, 0x2f8, 0, 8, 0, 3);
    struct aml pci = { .n = 0 };
    aml_put(&pci, "PCI0", 4);
    aml_name_eisaid(&pci, "_HID", "PNP0A03");
    aml_name_byte(&pci, "_UID", 0);
    static const uint8_t pci_crs[] = {
        /* WordBusNumber: type 2, producer, MinFixed | MaxFixed; gran, min, max, tra, len */
        0x88, 0x0d, 0x00, 0x02, 0x0c, 0x00, 0, 0, 0x00, 0x00, 0xff, 0x00, 0, 0, 0x00, 0x01,
        /* IO (Decode16, 0xcf8, 0xcf8, 1, 8): the configuration registers */
        0x47, 0x01, 0xf8, 0x0c, 0xf8, 0x0c, 0x01, 0x08,
        /* WordIO 0x0000-0x0cf7, EntireRange */
        0x88, 0x0d, 0x00, 0x01, 0x0c, 0x03, 0, 0, 0x00, 0x00, 0xf7, 0x0c, 0, 0, 0xf8, 0x0c,
        /* WordIO 0x0d00-0xffff */
        0x88, 0x0d, 0x00, 0x01, 0x0c, 0x03, 0, 0, 0x00, 0x0d, 0xff, 0xff, 0, 0, 0x00, 0xf3,
        /* DWordMemory 0xa0000-0xbffff, cacheable, read-write */
        0x87, 0x17, 0x00, 0x00, 0x0c, 0x03, 0, 0, 0, 0, 0x00, 0x00, 0x0a, 0x00,
        0xff, 0xff, 0x0b, 0x00, 0, 0, 0, 0, 0x00, 0x00, 0x02, 0x00,
        /* DWordMemory 0xc0000000-0xfebfffff, non-cacheable, read-write */
        0x87, 0x17, 0x00, 0x00, 0x0c, 0x01, 0, 0, 0, 0, 0x00, 0x00, 0x00, 0xc0,
        0xff, 0xff, 0xbf, 0xfe, 0, 0, 0, 0, 0x00, 0x00, 0xc0, 0x3e,
    };
    aml_name_crs(&pci, pci_crs, sizeof(pci_crs));
    aml_prt(&pci);
    /* Device (ISA_) { Name (_ADR, 0x00010000)
     *                 OperationRegion (P40C, PCI_Config, 0x60, 4) }: the PIIX3's PIRQ routes */
    static const uint8_t isa[] = { 'I', 'S', 'A', '_', 0x08, '_', 'A', 'D', 'R', 0x0c, 0x00, 0x00,
                                   0x01, 0x00, 0x5b, 0x80, 'P', '4', '0', 'C', 0x02, 0x0a, 0x60,
                                   0x0a, 0x04 };
    static const uint8_t devop[2] = { 0x5b, 0x82 };
    aml_pkg_bytes(&pci, devop, 2, isa, sizeof(isa));
    aml_pkg(&sb, devop, 2, &pci);
    aml_links(&sb);
    static const uint8_t scopeop = 0x10;
    aml_pkg(a, &scopeop, 1, &sb);

    /* Name (_S5, Package (4) { Zero, Zero, Zero, Zero }) */
    struct aml pkg = { .n = 0 };
    static const uint8_t s5[5] = { 0x08, '_', 'S', '5', '_' };
    static const uint8_t pkgop = 0x12;
    static const uint8_t elems[5] = { 4, 0, 0, 0, 0 };
    aml_put(&pkg, elems, 5);
    aml_put(a, s5, 5);
    aml_pkg(a, &pkgop, 1, &pkg);
}

size_t acpi_dsdt_aml(uint8_t *buf, size_t size)
{
    struct aml a = { .n = 0 };
    build_dsdt_body(&a);
    if (a.overflow || a.n > size)
        return 0;
    memcpy(buf, a.b, a.n);
    return a.n;
}

/* ------------------------------------------------------------ tables */

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)v);
    put16(p + 2, (uint16_t)(v >> 16));
}

static uint8_t checksum(const uint8_t *p, size_t n)
{
    uint8_t s = 0;
    while (n--)
        s += *p++;
    return (uint8_t)-s;
}

#define HDR 36

/* The common header (ACPI 5.2.6); the checksum is set by finish(). */
static void header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
    memcpy(t, sig, 4);
    put32(t + 4, len);
    t[8] = rev;
    memcpy(t + 10, "BT86  ", 6);
    memcpy(t + 16, "BT86PC  ", 8);
    put32(t + 24, 1);
    memcpy(t + 28, "BT86", 4);
    put32(t + 32, 1);
}

static void finish(uint8_t *t, uint32_t len)
{
    t[9] = 0;
    t[9] = checksum(t, len);
}

static uint32_t align(uint32_t v, uint32_t a)
{
    return (v + a - 1) & ~(a - 1);
}

#define FADT_LEN 116
#define FACS_LEN 64
#define HPET_LEN 56

size_t acpi_tables_build(uint8_t *buf, uint32_t base, int ncpus)
{
    if (ncpus < 1)
        ncpus = 1;
    memset(buf, 0, ACPI_TABLES_SIZE);
    uint8_t aml[3072];
    size_t aml_len = acpi_dsdt_aml(aml, sizeof(aml));
    uint32_t madt_len = HDR + 8 + 8 * (uint32_t)ncpus + 12 + 5 * 10 + 6;
    uint32_t rsdp = 0, facs = 0x40, dsdt = facs + FACS_LEN;
    uint32_t dsdt_len = HDR + (uint32_t)aml_len;
    uint32_t rsdt = align(dsdt + dsdt_len, 16), rsdt_len = HDR + 3 * 4;
    uint32_t fadt = align(rsdt + rsdt_len, 16);
    uint32_t madt = align(fadt + FADT_LEN, 16);
    uint32_t hpet = align(madt + madt_len, 16);
    uint32_t end = hpet + HPET_LEN;
    if (!aml_len || end > ACPI_TABLES_SIZE)
        return 0;

    /* FACS (5.2.10): no header checksum; the OS owns the rest. */
    memcpy(buf + facs, "FACS", 4);
    put32(buf + facs + 4, FACS_LEN);

    header(buf + dsdt, "DSDT", dsdt_len, 1);
    memcpy(buf + dsdt + HDR, aml, aml_len);
    finish(buf + dsdt, dsdt_len);

    /* FADT revision 1 (5.2.9, the ACPI 1.0 layout), QEMU's piix4 values. */
    uint8_t *f = buf + fadt;
    header(f, "FACP", FADT_LEN, 1);
    put32(f + 36, base + facs);
    put32(f + 40, base + dsdt);
    f[44] = 1; /* INT_MODEL in ACPI 1.0: APIC */
    put16(f + 46, ACPI_SCI_IRQ);
    put32(f + 48, ACPI_SMI_CMD);
    f[52] = ACPI_ENABLE_CMD;
    f[53] = ACPI_DISABLE_CMD;
    put32(f + 56, ACPI_PM1_EVT);
    put32(f + 64, ACPI_PM1_CNT);
    put32(f + 76, ACPI_PM_TMR);
    put32(f + 80, ACPI_GPE0_BLK);
    f[88] = 4;              /* PM1_EVT_LEN */
    f[89] = 2;              /* PM1_CNT_LEN */
    f[91] = 4;              /* PM_TMR_LEN */
    f[92] = ACPI_GPE0_LEN;
    put16(f + 96, 0x0fff);  /* P_LVL2_LAT: no C2 */
    put16(f + 98, 0x0fff);  /* P_LVL3_LAT: no C3 */
    f[108] = 0x32;          /* CENTURY: the RTC's CMOS index */
    /* WBINVD, PROC_C1, SLP_BUTTON (none: a control method one would be), RTC_S4,
     * USE_PLATFORM_CLOCK; PWR_BUTTON clear: the fixed power button exists. */
    put32(f + 112, 1u << 0 | 1u << 2 | 1u << 5 | 1u << 7 | 1u << 15);
    finish(f, FADT_LEN);

    /* MADT (5.2.12): the local APICs, the I/O APIC, QEMU's overrides. */
    uint8_t *m = buf + madt, *e = m + HDR + 8;
    header(m, "APIC", madt_len, 1);
    put32(m + HDR, 0xfee00000u);
    put32(m + HDR + 4, 1); /* PCAT_COMPAT: there are 8259s too */
    for (int i = 0; i < ncpus; i++, e += 8) {
        e[0] = 0;
        e[1] = 8;
        e[2] = (uint8_t)i; /* ACPI processor UID */
        e[3] = (uint8_t)i; /* APIC ID */
        put32(e + 4, 1);   /* enabled */
    }
    e[0] = 1;
    e[1] = 12;
    e[2] = 0; /* I/O APIC ID, as QEMU */
    put32(e + 4, 0xfec00000u);
    put32(e + 8, 0); /* GSI base */
    e += 12;
    static const struct {
        uint8_t irq, gsi;
        uint16_t flags;
    } iso[5] = { { 0, 2, 0 }, { 5, 5, 0xd }, { 9, 9, 0xd }, { 10, 10, 0xd }, { 11, 11, 0xd } };
    for (int i = 0; i < 5; i++, e += 10) {
        e[0] = 2;
        e[1] = 10;
        e[2] = 0; /* ISA */
        e[3] = iso[i].irq;
        put32(e + 4, iso[i].gsi);
        put16(e + 8, iso[i].flags); /* 0xd: active high, level */
    }
    e[0] = 4; /* local APIC NMI: every processor, LINT1 */
    e[1] = 6;
    e[2] = 0xff;
    put16(e + 3, 0);
    e[5] = 1;
    finish(m, madt_len);

    /* HPET description table (IA-PC HPET 1.0a, 3.2.4). */
    uint8_t *h = buf + hpet;
    header(h, "HPET", HPET_LEN, 1);
    put32(h + 36, 0x8086a201u); /* the capabilities' low dword */
    h[40] = 0;                  /* GAS: system memory, the rest 0 as QEMU */
    put32(h + 44, HPET_BASE);
    finish(h, HPET_LEN);

    uint8_t *r = buf + rsdt;
    header(r, "RSDT", rsdt_len, 1);
    put32(r + HDR, base + fadt);
    put32(r + HDR + 4, base + madt);
    put32(r + HDR + 8, base + hpet);
    finish(r, rsdt_len);

    /* RSDP revision 0 (5.2.5): 20 bytes, its own checksum. */
    uint8_t *p = buf + rsdp;
    memcpy(p, "RSD PTR ", 8);
    memcpy(p + 9, "BT86  ", 6);
    p[15] = 0;
    put32(p + 16, base + rsdt);
    p[8] = checksum(p, 20);
    return end;
}

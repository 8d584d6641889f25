/*
 * test_acpi_tables.c - the tables machine/acpi_tables.c builds, read the
 * way an OS reads them (ACPI 6.5 chapter 5): the RSDP's signature, boundary
 * and checksum, the RSDT's pointers, every table's checksum, the FADT's
 * pointers to the FACS (64-byte aligned) and DSDT, the MADT's entries for 1
 * and 4 CPUs, and the DSDT's AML read back by a small decoder of its own:
 * each PkgLength must end exactly where the next object starts, and the
 * _PRT must route each slot's pins to the links the PIIX3's swizzle names.
 *
 * With an argument, also writes the DSDT to that file, for iasl
 * (tests/acpi-iasl.test.sh).  Exits 0 when every check passes.
 */
#include "machine/acpi_tables.h"
#include "tests/unit/check.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint8_t seg[ACPI_TABLES_SIZE];

static uint32_t le32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static int sum(const uint8_t *p, uint32_t n)
{
    uint8_t s = 0;
    while (n--)
        s += *p++;
    return s;
}

/* The table at guest address a, or NULL when it is not inside the segment. */
static const uint8_t *at(uint32_t a, uint32_t len)
{
    if (a < ACPI_TABLES_BASE || a - ACPI_TABLES_BASE + len > ACPI_TABLES_SIZE)
        return NULL;
    return seg + (a - ACPI_TABLES_BASE);
}

static const uint8_t *table(const char *sig)
{
    const uint8_t *rsdt = at(le32(seg + 16), 36);
    for (uint32_t i = 36; rsdt && i < le32(rsdt + 4); i += 4) {
        const uint8_t *t = at(le32(rsdt + i), 36);
        if (t && !memcmp(t, sig, 4))
            return t;
    }
    return NULL;
}

/* PkgLength at p: its value (counting its own bytes), and its size in *n. */
static uint32_t pkglen(const uint8_t *p, int *n)
{
    int extra = p[0] >> 6;
    uint32_t v = extra ? p[0] & 0xf : p[0] & 0x3f;
    for (int i = 0; i < extra; i++)
        v |= (uint32_t)p[1 + i] << (4 + 8 * i);
    *n = 1 + extra;
    return v;
}

static int ndevices;

/* Walk a TermList of the objects the generator emits; 0 if the structure holds. */
static int walk(const uint8_t *p, const uint8_t *end)
{
    while (p < end) {
        int n;
        if (p[0] == 0x10) { /* ScopeOp PkgLength NameString TermList */
            uint32_t len = pkglen(p + 1, &n);
            const uint8_t *body = p + 1 + n, *next = p + 1 + len;
            if (next > end || memcmp(body, "\\_SB_", 5) || walk(body + 5, next))
                return -1;
            p = next;
        } else if (p[0] == 0x5b && p[1] == 0x82) { /* DeviceOp PkgLength NameSeg TermList */
            uint32_t len = pkglen(p + 2, &n);
            const uint8_t *next = p + 2 + len;
            if (next > end || walk(p + 2 + n + 4, next))
                return -1;
            ndevices++;
            p = next;
        } else if (p[0] == 0x14) { /* MethodOp PkgLength NameSeg flags TermList */
            uint32_t len = pkglen(p + 1, &n);
            if (p + 1 + len > end)
                return -1;
            p += 1 + len;
        } else if (p[0] == 0x5b && p[1] == 0x81) { /* FieldOp PkgLength ... */
            uint32_t len = pkglen(p + 2, &n);
            if (p + 2 + len > end)
                return -1;
            p += 2 + len;
        } else if (p[0] == 0x5b && p[1] == 0x80) { /* OpRegionOp NameSeg space ByteConst x2 */
            if (p[7] != 0x0a || p[9] != 0x0a)
                return -1;
            p += 11;
        } else if (p[0] == 0x08) { /* NameOp NameSeg DataObject */
            p += 5;
            if (p[0] == 0x0c)
                p += 5; /* DWordConst */
            else if (p[0] == 0x0a)
                p += 2; /* ByteConst */
            else if (p[0] == 0x11 || p[0] == 0x12) /* Buffer, Package */
                p += 1 + pkglen(p + 1, &n);
            else
                return -1;
        } else {
            return -1;
        }
    }
    return p == end ? 0 : -1;
}

/* The _PRT: every slot 1-31 and pin INTA-INTD, on the link of the PIRQ the
 * PIIX3 wires it to, (slot - 1 + pin) & 3 (hw/piix3.c). */
static void check_prt(const uint8_t *aml, uint32_t len)
{
    const uint8_t *p = NULL;
    for (uint32_t i = 0; i + 6 < len; i++)
        if (aml[i] == 0x08 && !memcmp(aml + i + 1, "_PRT", 4) && aml[i + 5] == 0x12) {
            p = aml + i + 6;
            break;
        }
    CHECK(p != NULL);
    if (!p)
        return;
    int n, entries = 0, right = 0;
    uint32_t plen = pkglen(p, &n);
    const uint8_t *e = p + n, *end = p + plen;
    CHECK_EQ(*e++, 31 * 4);
    while (e < end && e[0] == 0x12) {
        uint32_t elen = pkglen(e + 1, &n);
        const uint8_t *q = e + 1 + n;
        uint32_t addr = q[1] == 0x0c ? le32(q + 2) : 0;
        const uint8_t *r = q + 6;
        int pin = r[0] == 0x0a ? r[1] : r[0];
        r += r[0] == 0x0a ? 2 : 1;
        unsigned slot = addr >> 16;
        entries++;
        right += q[0] == 4 && (addr & 0xffff) == 0xffff && slot == (unsigned)(entries - 1) / 4 + 1 &&
                 pin == (entries - 1) % 4 && !memcmp(r, "LNK", 3) &&
                 r[3] == 'A' + ((slot - 1 + pin) & 3) && r[4] == 0;
        e += 1 + elen;
    }
    CHECK_EQ(entries, 31 * 4);
    CHECK_EQ(right, 31 * 4);
    CHECK(e == end);
}

static void check_build(int ncpus)
{
    size_t used = acpi_tables_build(seg, ACPI_TABLES_BASE, ncpus);
    CHECK(used > 0 && used <= ACPI_TABLES_SIZE);
    CHECK(!memcmp(seg, "RSD PTR ", 8)); /* at the segment's start: 16-byte aligned */
    CHECK_EQ(sum(seg, 20), 0);
    CHECK_EQ(seg[15], 0); /* revision 0: ACPI 1.0, RSDT only */
    const uint8_t *rsdt = at(le32(seg + 16), 36);
    CHECK(rsdt && !memcmp(rsdt, "RSDT", 4));
    if (!rsdt)
        return;
    CHECK_EQ(le32(rsdt + 4), 36 + 3 * 4);
    CHECK_EQ(sum(rsdt, le32(rsdt + 4)), 0);
    static const char *const sigs[] = { "FACP", "APIC", "HPET" };
    for (int i = 0; i < 3; i++) {
        const uint8_t *t = table(sigs[i]);
        CHECK(t != NULL);
        if (t)
            CHECK_EQ(sum(t, le32(t + 4)), 0);
    }
    const uint8_t *f = table("FACP");
    if (!f)
        return;
    CHECK_EQ(le32(f + 4), 116);
    const uint8_t *facs = at(le32(f + 36), 64), *dsdt = at(le32(f + 40), 36);
    CHECK(facs && !memcmp(facs, "FACS", 4) && le32(facs + 4) == 64);
    CHECK_EQ(le32(f + 36) & 63, 0);
    CHECK(dsdt && !memcmp(dsdt, "DSDT", 4));
    CHECK_EQ(le32(f + 56), 0x600); /* PM1a_EVT_BLK */
    CHECK_EQ(le32(f + 64), 0x604); /* PM1a_CNT_BLK */
    CHECK_EQ(le32(f + 76), 0x608); /* PM_TMR_BLK */
    CHECK_EQ(f[46], 9);            /* SCI_INT */
    if (dsdt) {
        CHECK_EQ(sum(dsdt, le32(dsdt + 4)), 0);
        ndevices = 0;
        CHECK_EQ(walk(dsdt + 36, dsdt + le32(dsdt + 4)), 0);
        CHECK_EQ(ndevices, 11); /* KBD_ MOU_ RTC_ COM1 COM2 PCI0 ISA_ LNKA-LNKD */
        check_prt(dsdt + 36, le32(dsdt + 4) - 36);
    }

    const uint8_t *m = table("APIC");
    if (!m)
        return;
    int lapics = 0, ioapics = 0, isos = 0, nmis = 0;
    uint32_t len = le32(m + 4), off = 44;
    CHECK_EQ(le32(m + 36), 0xfee00000u);
    while (off + 2 <= len && m[off + 1]) {
        const uint8_t *e = m + off;
        if (e[0] == 0) {
            CHECK_EQ(e[3], lapics); /* APIC IDs 0..n-1 */
            lapics++;
        }
        ioapics += e[0] == 1;
        isos += e[0] == 2;
        nmis += e[0] == 4;
        if (e[0] == 2 && e[3] == 0)
            CHECK_EQ(le32(e + 4), 2); /* IRQ 0 on GSI 2 */
        off += e[1];
    }
    CHECK_EQ(off, len); /* the entries fill the table exactly */
    CHECK_EQ(lapics, ncpus);
    CHECK_EQ(ioapics, 1);
    CHECK_EQ(isos, 5);
    CHECK_EQ(nmis, 1);
}

int main(int argc, char **argv)
{
    check_build(4);
    check_build(1);
    if (argc > 1) {
        const uint8_t *f = table("FACP");
        const uint8_t *dsdt = f ? at(le32(f + 40), 36) : NULL;
        FILE *out = fopen(argv[1], "wb");
        if (!dsdt || !out || fwrite(dsdt, le32(dsdt + 4), 1, out) != 1 || fclose(out)) {
            fprintf(stderr, "test_acpi_tables: cannot write %s\n", argv[1]);
            return 1;
        }
    }
    return check_done("test_acpi_tables");
}

/*
 * test_pci_host.c - configuration mechanism #1 on an empty bus, probed the
 * way Linux's pci_check_type1() and pci_conf1_read() do: CONFIG_ADDRESS
 * reads back its 32-bit writes (reserved bits zero), byte accesses pass it
 * by, and every configuration read says "no device".
 */
#include "hw/pci_host.h"
#include "softmmu/ioport.h"
#include "softmmu/memory.h"
#include "tests/unit/check.h"

#include <stdio.h>

static struct ioports io; /* the devices' port space */
static struct mem_map mem;

int main(void)
{
    ioport_init(&io);
    mem_init(&mem, NULL);
    struct pci_host *h = pci_host_create(&io, &mem);

    CHECK_EQ(ioport_read(&io, 0xcf8, 4), 0);
    /* pci_check_type1: a byte to 0xCFB, then the enable bit reads back. */
    ioport_write(&io, 0xcfb, 0x01, 1);
    CHECK_EQ(ioport_read(&io, 0xcf8, 4), 0);
    ioport_write(&io, 0xcf8, 0x80000000u, 4);
    CHECK_EQ(ioport_read(&io, 0xcf8, 4), 0x80000000u);
    CHECK_EQ(ioport_read(&io, 0xcfb, 1), 0xff);
    /* Reserved bits 30-24 and 1-0 read 0. */
    ioport_write(&io, 0xcf8, 0xffffffffu, 4);
    CHECK_EQ(ioport_read(&io, 0xcf8, 4), 0x80fffffcu);
    /* Bus 0, device 0..31, vendor/device ID: no device anywhere. */
    for (unsigned dev = 0; dev < 32; dev++) {
        ioport_write(&io, 0xcf8, 0x80000000u | dev << 11, 4);
        CHECK_EQ(ioport_read(&io, 0xcfc, 4), 0xffffffffu);
    }
    ioport_write(&io, 0xcf8, 0x80000008u, 4);
    CHECK_EQ(ioport_read(&io, 0xcfe, 2), 0xffff); /* class code, as a word */
    CHECK_EQ(ioport_read(&io, 0xcfd, 1), 0xff);
    ioport_write(&io, 0xcfc, 0x12345678u, 4);     /* ignored */
    CHECK_EQ(ioport_read(&io, 0xcfc, 4), 0xffffffffu);

    FILE *f = tmpfile();
    ioport_write(&io, 0xcf8, 0x80001234u, 4);
    CHECK_EQ(pci_host_save(h, f), 0);
    pci_host_reset(h);
    CHECK_EQ(ioport_read(&io, 0xcf8, 4), 0);
    rewind(f);
    CHECK_EQ(pci_host_load(h, f), 0);
    CHECK_EQ(ioport_read(&io, 0xcf8, 4), 0x80001234u);
    fclose(f);
    return check_done("test_pci_host");
}

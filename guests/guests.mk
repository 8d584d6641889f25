# guests.mk - build the freestanding test guests (multiboot v1 ELF kernels).
#
# Included by the top-level Makefile. Inputs: SRCDIR (source root), CC, and
# optionally GUEST_CC, GUEST_CFLAGS, GUEST_LDFLAGS, GUEST_LIBS (config.mk).
# Outputs go under guests/ relative to the current directory; every guest
# ELF is appended to GUEST_TARGETS.
#
# A guest NAME lives in $(SRCDIR)/guests/NAME/ and is built from NAME.c
# (plus the runtime in guests/lib/) into guests/NAME/NAME.elf. A guest made
# of several files lists its extra objects as prerequisites of its .elf:
#	guests/foo/foo.elf: guests/foo/more.o

# The toolchain: configure's config.mk may set these; the flags below that
# every guest needs are added to them.
GUEST_CC ?= $(CC)
GUEST_CFLAGS ?=
GUEST_LDFLAGS ?=
GUEST_LIBS ?= -lgcc

GUEST_BASE_CFLAGS := -m32 -march=i686 -O2 -ffreestanding -fno-pic \
	-fno-stack-protector -fno-builtin -nostdlib -static -Wall -Wextra \
	-I$(SRCDIR)/guests/lib
GUEST_BASE_LDFLAGS := -Wl,-T,$(SRCDIR)/guests/lib/guest.ld -Wl,--build-id=none

GUEST_NAMES := hello exitcode integer strings isahash smc nofault_idt mbinfo sys_pmode sys_ring3 sys_paging sys_realmode
GUEST_NAMES += timer sys_smc_tasks hwbp strio
# demo: the default guest of make run, in several files
GUEST_NAMES += demo vm86 rtc vgatext kbd com2 a20 x87 x87native repbsf escape databp sys_pae x87irq13 pitrate uartfifo rtcrate
# gdbtarget: debugged by tests/gdb.test.sh, so with debug info and no optimization
GUEST_NAMES += gdbtarget
GUEST_NAMES += icount apic apicerr smp
# a code-cache flush while another CPU waits in a call (a predicted return)
GUEST_NAMES += smpflush
guests/smp/smp.elf guests/smpflush/smpflush.elf: guests/lib/smp_boot.o
# return prediction: CALL/RET pairs whose return a stale prediction would get wrong
GUEST_NAMES += retpred
# a #PF in a loop's first accesses: the previous round's compare's flags
GUEST_NAMES += loopfault
# side exits: a rotated loop's back edge into its own block (tests/logs.test.sh reads its shape)
GUEST_NAMES += sideexit
# the paravirtual interfaces (docs/paravirt.md): VMCALL without them, bt86's ABI, kvmclock
GUEST_NAMES += vmcall_ud pv kvmclock
# the board QEMU guests expect: fw_cfg, ACPI tables and PM block, S5 (acpi); the HPET (hpet)
GUEST_NAMES += acpi hpet resetcf9
# QEMU's pc-testdev, which kvm-unit-tests drives
GUEST_NAMES += testdev
# guests with a disk image (below): the PCI bus and its IDE disks, an ATAPI CD-ROM
DISK_GUESTS := pciide atapi virtio
# the e1000 NIC on the user network (-netdev user)
GUEST_NAMES += e1000
GUEST_NAMES += $(DISK_GUESTS)
# virtio-rng: its bytes are the host's entropy (no disk)
GUEST_NAMES += virtiorng
# virtio-net on the user network (-netdev user)
GUEST_NAMES += virtionet
guests/gdbtarget/gdbtarget.o: GUEST_EXTRA_CFLAGS := -g -O0
DEMO_PARTS := cpu isr mm console input bench pvops timer fork disk ide virtio_blk
guests/demo/demo.elf: $(foreach p,$(filter-out demo,$(DEMO_PARTS)),guests/demo/$(p).o)

# Firmware guests: guests/NAME/NAME.asm, assembled by nasm into a ROM image
# guests/NAME/NAME.bin that runs with -bios (its directory holds a file
# "firmware"; tests/guest-test.sh).  Without nasm (configure) they are not built.
ROM_GUESTS := romboot
ifneq ($(NASM),)
GUEST_TARGETS += $(foreach g,$(ROM_GUESTS),guests/$(g)/$(g).bin)
endif
# bootsect: a boot sector and the two sectors it reads, as a 64 KiB raw disk
# image for SeaBIOS to boot (tests/bootsect.test.sh; the test makes the ISO).
ifneq ($(NASM),)
GUEST_TARGETS += guests/bootsect/disk.img
endif
# pxeboot: a network bootstrap program that iPXE fetches over slirp's TFTP
# and SeaBIOS's -boot n starts (tests/pxe-boot.test.sh).
ifneq ($(NASM),)
GUEST_TARGETS += guests/pxeboot/pxeboot.0
endif
guests/pxeboot/pxeboot.0: $(SRCDIR)/guests/pxeboot/pxeboot.asm
	@mkdir -p $(@D)
	$(NASM) -f bin -o $@ $<
guests/bootsect/disk.img: $(SRCDIR)/guests/bootsect/bootsect.asm
	@mkdir -p $(@D)
	$(NASM) -f bin -o $@ $<
guests/%.bin: $(SRCDIR)/guests/%.asm
	@mkdir -p $(@D)
	$(NASM) -f bin -o $@ $<

GUEST_LIB_OBJS := $(addprefix guests/lib/, \
	start.o serial.o printf.o string.o exit.o multiboot.o)

GUEST_TARGETS += $(foreach g,$(GUEST_NAMES),guests/$(g)/$(g).elf)

# demo-pv.elf: the same source with -DDEMO_PV (guests/demo/pvops.h), objects in pv/
DEMO_PV_OBJS := $(foreach p,demo $(DEMO_PARTS),guests/demo/pv/$(p).o)
GUEST_TARGETS += guests/demo/demo-pv.elf
guests/demo/pv/%.o: $(SRCDIR)/guests/demo/%.c
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_BASE_CFLAGS) -DDEMO_PV -MMD -MP -c -o $@ $<
guests/demo/pv/%.o: $(SRCDIR)/guests/demo/%.S
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_BASE_CFLAGS) -DDEMO_PV -MMD -MP -c -o $@ $<
guests/demo/demo-pv.elf: $(DEMO_PV_OBJS) $(GUEST_LIB_OBJS) $(SRCDIR)/guests/lib/guest.ld
	$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_BASE_CFLAGS) $(GUEST_LDFLAGS) \
		$(GUEST_BASE_LDFLAGS) -o $@ $(filter %.o,$^) $(GUEST_LIBS)
.SECONDARY: $(DEMO_PV_OBJS)

# Keep each guest's main object: it is only reached through a pattern chain.
.SECONDARY: $(foreach g,$(GUEST_NAMES),guests/$(g)/$(g).o)

# isahash: the workload lives in core.o, shared with a native twin: the same
# object linked as a static 32-bit Linux program (no libc), whose output is
# compared with the guest's (tests/isahash-native.test.sh). Only on x86 hosts.
guests/isahash/isahash.elf: guests/isahash/core.o
.SECONDARY: guests/isahash/core.o guests/isahash/native.o

# x87native: the same twin arrangement for the x87 behaviour QEMU cannot
# vouch for (tests/x87-native.test.sh); its core formats with printf.o.
guests/x87native/x87native.elf: guests/x87native/core.o
.SECONDARY: guests/x87native/core.o guests/x87native/native.o guests/lib/native_twin.o

ifneq ($(filter x86_64 i386 i486 i586 i686,$(HOST_ARCH)),)
GUEST_TARGETS += guests/x87native/x87native-native
guests/x87native/x87native-native: guests/x87native/native.o guests/x87native/core.o \
		guests/lib/native_twin.o guests/lib/string.o guests/lib/printf.o
	$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_BASE_CFLAGS) -no-pie \
		-Wl,--build-id=none -o $@ $^ $(GUEST_LIBS)
GUEST_TARGETS += guests/isahash/isahash-native
guests/isahash/isahash-native: guests/isahash/native.o guests/isahash/core.o \
		guests/lib/native_twin.o guests/lib/string.o
	$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_BASE_CFLAGS) -no-pie \
		-Wl,--build-id=none -o $@ $^ $(GUEST_LIBS)
endif

# gcc -O2 would turn the byte loops of memcpy/memset into calls to themselves.
$(GUEST_LIB_OBJS): GUEST_EXTRA_CFLAGS := -fno-tree-loop-distribute-patterns

guests/%.o: $(SRCDIR)/guests/%.c
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_BASE_CFLAGS) $(GUEST_EXTRA_CFLAGS) \
		-MMD -MP -c -o $@ $<

guests/%.o: $(SRCDIR)/guests/%.S
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_BASE_CFLAGS) -MMD -MP -c -o $@ $<

guests/%.elf: guests/%.o $(GUEST_LIB_OBJS) $(SRCDIR)/guests/lib/guest.ld
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_BASE_CFLAGS) $(GUEST_LDFLAGS) \
		$(GUEST_BASE_LDFLAGS) -o $@ \
		$(filter %.o,$^) $(GUEST_LIBS)

.PHONY: guests clean-guests
guests: $(GUEST_TARGETS)

clean-guests:
	rm -f $(GUEST_TARGETS) guests/*/*.o guests/*/*.d guests/demo/pv/*.o guests/demo/pv/*.d

-include $(wildcard guests/*/*.d guests/demo/pv/*.d)

# mbinfo's multiboot modules (-initrd, see guests/mbinfo/options) are read
# from the build directory, so that their paths print the same everywhere.
MBINFO_MODULES := guests/mbinfo/module1.txt guests/mbinfo/module2.txt
# In an in-tree build they are already there, and are sources: no rule (it
# would be circular), and not targets, or make clean would delete them.
ifneq ($(abspath $(SRCDIR)),$(abspath .))
GUEST_TARGETS += $(MBINFO_MODULES)
$(MBINFO_MODULES): guests/mbinfo/%: $(SRCDIR)/guests/mbinfo/%
	@mkdir -p $(@D)
	@cmp -s $< $@ 2>/dev/null || cp $< $@
endif

# Guests with a disk: guests/NAME/mkdisk.sh OUT writes the image into the
# build directory at build time (never a committed blob); the guest's
# options file names it (with -snapshot, so that runs leave it as built).
GUEST_TARGETS += $(foreach g,$(DISK_GUESTS),guests/$(g)/disk.img)
guests/%/disk.img: $(SRCDIR)/guests/%/mkdisk.sh
	@mkdir -p $(@D)
	sh $< $@

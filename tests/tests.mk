# tests.mk - build the unit tests (tests/unit/test_NAME from test_NAME.c).
#
# Included by the top-level Makefile. Inputs: SRCDIR, CC, CFLAGS, LDFLAGS, LIBS,
# EMU_OBJS_NO_MAIN. Binaries go under tests/unit/ relative to the current
# directory and are appended to TEST_TARGETS; tests/run-tests.sh runs every
# tests/unit/test_* it finds.
#
# Adding a test NAME is one line: "UNIT_TESTS += NAME". It links against all
# the emulator's objects but main ($(EMU_OBJS_NO_MAIN)), unless it names its
# own short list with a second line, before the rules below:
#	TEST_OBJS_NAME := hw/foo.o softmmu/ioport.o

UNIT_TESTS :=

UNIT_TESTS += uart decode ir ir_range tbcache codecache randcode paging
UNIT_TESTS += insn_table helper_effects two_machines
TEST_OBJS_uart := hw/uart16550.o base/chardev.o softmmu/ioport.o
UNIT_TESTS += pic pit
TEST_OBJS_pic := hw/pic8259.o softmmu/ioport.o
UNIT_TESTS += rtc
TEST_OBJS_rtc := hw/rtc_mc146818.o softmmu/ioport.o
UNIT_TESTS += i8042
TEST_OBJS_i8042 := hw/i8042.o hw/ps2kbd.o hw/ps2mouse.o hw/keymap.o softmmu/ioport.o
UNIT_TESTS += vga loader_bzimage
UNIT_TESTS += clock
TEST_OBJS_clock := base/timer.o
UNIT_TESTS += pci_host pci ide
# the e1000 and virtio-net against a fake network backend
UNIT_TESTS += e1000 virtio_net
UNIT_TESTS += hpet acpi_pm acpi_tables fw_cfg
TEST_OBJS_fw_cfg := hw/fw_cfg.o softmmu/ioport.o softmmu/memory.o
TEST_OBJS_acpi_tables := machine/acpi_tables.o
TEST_OBJS_hpet := hw/hpet.o
TEST_OBJS_acpi_pm := hw/acpi_pm.o softmmu/ioport.o
TEST_OBJS_vga := $(filter hw/vga%.o,$(EMU_OBJS)) softmmu/ioport.o softmmu/memory.o
UNIT_TESTS += lapic ioapic
UNIT_TESTS += virtio_queue
TEST_OBJS_virtio_queue := hw/virtio_queue.o softmmu/memory.o
TEST_OBJS_lapic := hw/lapic.o base/timer.o base/log.o
UNIT_TESTS += lapic_bus
TEST_OBJS_lapic_bus := hw/lapic.o base/timer.o base/log.o
TEST_OBJS_ioapic := hw/ioapic.o
UNIT_TESTS += f80
TEST_OBJS_f80 := $(filter base/f80%.o,$(EMU_OBJS))
# The native backend's emitter exists only where the host is x86-64.
ifeq ($(HOST_X86_64),y)
UNIT_TESTS += x86_64_emit backend_x86_64
TEST_OBJS_x86_64_emit := translator/backend_x86_64_emit.o
endif
# tests/screentext FILE.ppm: the text on a screendump of an 80x25 text screen.
TEST_TARGETS += tests/screentext
tests/screentext: $(SRCDIR)/tests/screentext.c hw/vgafont/vgafont.o
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^

# ---------------------------------------------------------------- rules

unit_test_objs = $(if $(TEST_OBJS_$(1)),$(TEST_OBJS_$(1)),$(EMU_OBJS_NO_MAIN))

UNIT_TEST_BINS := $(foreach t,$(UNIT_TESTS),tests/unit/test_$(t))
TEST_TARGETS += $(UNIT_TEST_BINS)

tests/unit/test_%.o: $(SRCDIR)/tests/unit/test_%.c config.h config.mk
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

define unit_test_rule
tests/unit/test_$(1): tests/unit/test_$(1).o $(call unit_test_objs,$(1))
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS) -o $$@ $$^ $$(LIBS)
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_test_rule,$(t))))

.PHONY: unit-tests
unit-tests: $(UNIT_TEST_BINS)

-include $(UNIT_TEST_BINS:=.d)

# ---------------------------------------------------------------- differential tests
# tests/diff/: instruction forms run on random states on the host CPU
# (native32, a 32-bit program) and through bt86 (diff_bt86), compared.
# "make check" runs a quick subset through tests/diff.test.sh; "make
# check-diff" the full suite (DIFF_CASES cases per form).  Only on x86 hosts;
# without a working "cc -m32" native32 is a stub that makes them skip.

DIFF_CASES ?= 5000
DIFF_BIN := tests/diff/diff_bt86
DIFF_NATIVE := tests/diff/native32
DIFF_OBJS := tests/diff/diff_bt86.o tests/diff/diff_gen.o tests/diff/forms.o

ifneq ($(filter x86_64 i386 i486 i586 i686,$(HOST_ARCH)),)
TEST_TARGETS += $(DIFF_BIN) $(DIFF_NATIVE)
endif
CLEAN_FILES += $(DIFF_NATIVE).log

$(DIFF_OBJS): tests/diff/%.o: $(SRCDIR)/tests/diff/%.c config.h config.mk
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -I$(SRCDIR) -MMD -MP -c -o $@ $<

$(DIFF_BIN): $(DIFF_OBJS) $(EMU_OBJS_NO_MAIN)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# Static when the 32-bit libc.a is there; a stub that says why otherwise.
# 32-bit <asm/...> comes through gcc-multilib's /usr/include/asm, which Debian
# removes when a cross gcc is installed (make check-cross): the x86-64 headers
# it points to serve -m32 as well, so name them directly then.
NATIVE32_ASM := $(if $(wildcard /usr/include/asm),,$(addprefix -idirafter ,$(wildcard /usr/include/x86_64-linux-gnu)))
$(DIFF_NATIVE): $(SRCDIR)/tests/diff/native32.c $(SRCDIR)/tests/diff/diff.h
	@mkdir -p $(@D)
	@echo "$(CC) -m32 -O1 -o $@ $<"
	@if $(CC) -m32 -O1 -std=gnu11 -Wall -static -I$(SRCDIR) $(NATIVE32_ASM) -o $@ $< 2> $@.log || \
	    $(CC) -m32 -O1 -std=gnu11 -Wall -I$(SRCDIR) $(NATIVE32_ASM) -o $@ $< 2>> $@.log; then \
		cat $@.log; rm -f $@.log; \
	else \
		printf '#!/bin/sh\necho "cannot build 32-bit code with $(CC) -m32 (see $@.log)"\nexit 77\n' > $@; \
		chmod +x $@; \
		echo "$@: $(CC) -m32 failed; the differential tests will be skipped (see $@.log)"; \
	fi

.PHONY: check-diff
check-diff: $(DIFF_BIN) $(DIFF_NATIVE)
	./$(DIFF_BIN) -n $(DIFF_CASES) -q

-include $(DIFF_OBJS:.o=.d)

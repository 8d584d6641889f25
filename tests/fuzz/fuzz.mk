# fuzz.mk - the fuzz targets tests/fuzz/fuzz_NAME.c.  Included by the
# top-level Makefile after tests.mk.
#
# In an ordinary build each target is linked with replay.c (a main() that
# feeds it files): make check replays the seeds and past crashes through
# it.  In a build configured with --enable-fuzz (clang), the same target is
# linked with libFuzzer instead; "make fuzz-NAME" makes such a build in
# build-fuzz/ and runs it (tests/fuzz/fuzz.sh).

FUZZ_TARGETS := code ports loader hypercall ide virtio e1000
FUZZ_BINS := $(foreach t,$(FUZZ_TARGETS),tests/fuzz/fuzz_$(t))
FUZZ_OBJS := $(FUZZ_BINS:=.o) tests/fuzz/fuzz_machine.o tests/fuzz/replay.o

ifeq ($(CONFIG_FUZZ),y)
FUZZ_LINK := -fsanitize=fuzzer
FUZZ_MAIN :=
# What runs guest code is compiled without comparison tracing (edges are
# still counted): half of fuzz_code's time went to tracing compares whose
# operands are Capstone ids, pointers and flag masks, never input bytes that
# libFuzzer could learn from.  The loader and the devices keep it: there the
# compared values come from the input (magic numbers, register values).
FUZZ_NO_CMP := $(call objects_of,$(TRANSLATOR_SRCS)) machine/cpu_exec.o monitor/helpers.o \
	monitor/helpers_alu.o monitor/helpers_string.o softmmu/tlb.o softmmu/memory.o softmmu/paging.o
$(FUZZ_NO_CMP): CFLAGS += -fno-sanitize-coverage=trace-cmp
else
FUZZ_LINK :=
FUZZ_MAIN := tests/fuzz/replay.o
endif

TEST_TARGETS += $(FUZZ_BINS)

$(FUZZ_OBJS): tests/fuzz/%.o: $(SRCDIR)/tests/fuzz/%.c config.h config.mk
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(FUZZ_BINS): tests/fuzz/fuzz_%: tests/fuzz/fuzz_%.o tests/fuzz/fuzz_machine.o $(FUZZ_MAIN) $(EMU_OBJS_NO_MAIN)
	$(CC) $(LDFLAGS) $(FUZZ_LINK) -o $@ $^ $(LIBS)

.PHONY: fuzz-all $(FUZZ_TARGETS:%=fuzz-%)
$(FUZZ_TARGETS:%=fuzz-%): fuzz-%:
	$(call run_script,$(SRCDIR)/tests/fuzz/fuzz.sh) $*

fuzz-all:
	$(call run_script,$(SRCDIR)/tests/fuzz/fuzz.sh) $(FUZZ_TARGETS)

-include $(FUZZ_OBJS:.o=.d)

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

UNIT_TESTS += uart decode ir tbcache randcode
TEST_OBJS_uart := hw/uart16550.o ui/chardev.o softmmu/ioport.o

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

# bench.mk - build the benchmarks: each bench/progs/NAME.c as a multiboot
# guest (guests/lib runtime), as an i686 native twin made of the guest's own
# object (bench/twin32.c; x86 hosts only) and as a plain x86-64/host program
# built with glibc; the system nanobenchmark guest bench/sys/sysbench.elf and
# its native twins; the report helper bench/benchtool. Included by the top-level Makefile after
# guests/guests.mk (whose GUEST_* variables and runtime objects it uses).
# Everything lands in BENCH_TARGETS, built by `make` (the checksum test in
# `make check` needs them) and run by `make bench`.

BENCH_INT_PROGS := crc32 sha256 matmul qsort list bytecode strsearch lz
# Built for the guest with the x87 only (-mfpmath=387, no SSE): see shim.h.
BENCH_FP_PROGS := nbody mandel fft
BENCH_PROGS := $(BENCH_INT_PROGS) $(BENCH_FP_PROGS)

# "plain host gcc -O2"; -fno-math-errno so that sqrt is the instruction on
# both sides (the guest has no libm to call).
BENCH_NATIVE_CFLAGS := -O2 -fno-math-errno -Wall -Wextra
BENCH_GUEST_CFLAGS := -DBENCH_GUEST -fno-math-errno -mfpmath=387 -mno-sse

BENCH_TARGETS := $(foreach p,$(BENCH_PROGS),bench/progs/$(p).elf bench/progs/$(p)-native) \
	bench/sys/sysbench.elf bench/sys/sysnative bench/benchtool

# The fair native baseline: bench/progs/NAME.o, byte for byte the code the
# guest runs (same compiler, same flags, same string and printf objects),
# linked as a static i386 Linux program; the runner calls it "native-i686".
# sysnative's i686 build is the same C as its x86-64 twin, compiled -m32
# (static, so that no 32-bit loader is needed at run time).
ifneq ($(filter x86_64 i386 i486 i586 i686,$(HOST_ARCH)),)
BENCH_TARGETS += $(foreach p,$(BENCH_PROGS),bench/progs/$(p)-i686) bench/sys/sysnative-i686

bench/progs/%-i686: bench/progs/%.o bench/twin32.o guests/lib/printf.o guests/lib/string.o
	$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_BASE_CFLAGS) -no-pie -Wl,--build-id=none \
		-o $@ $^ $(GUEST_LIBS)

bench/sys/sysnative-i686: $(SRCDIR)/bench/sys/sysnative.c
	@mkdir -p $(@D)
	$(GUEST_CC) -m32 -static $(BENCH_NATIVE_CFLAGS) -o $@ $<
endif

bench/%.o: $(SRCDIR)/bench/%.c $(SRCDIR)/bench/progs/shim.h \
		$(SRCDIR)/guests/sys_common/sys.h
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_BASE_CFLAGS) $(BENCH_GUEST_CFLAGS) -c -o $@ $<

bench/%.elf: bench/%.o $(GUEST_LIB_OBJS) $(SRCDIR)/guests/lib/guest.ld
	$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_BASE_CFLAGS) $(GUEST_LDFLAGS) \
		$(GUEST_BASE_LDFLAGS) -o $@ $(filter %.o,$^) $(GUEST_LIBS)

bench/progs/%-native: $(SRCDIR)/bench/progs/%.c $(SRCDIR)/bench/progs/shim.h
	@mkdir -p $(@D)
	$(CC) $(BENCH_NATIVE_CFLAGS) -o $@ $<

bench/sys/sysnative: $(SRCDIR)/bench/sys/sysnative.c
	@mkdir -p $(@D)
	$(CC) $(BENCH_NATIVE_CFLAGS) -o $@ $<

bench/benchtool: $(SRCDIR)/bench/benchtool.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< -lm

.SECONDARY: $(foreach p,$(BENCH_PROGS),bench/progs/$(p).o) bench/sys/sysbench.o bench/twin32.o

CLEAN_FILES += $(BENCH_TARGETS) bench/*.o bench/progs/*.o bench/sys/*.o

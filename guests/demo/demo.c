/*
 * demo - the small OS that `make run` boots in bt86: a tour of what a PC
 * emulator has to get right, and a way to time the costly parts.
 *
 * It sets up what a real kernel does (cpu.c: GDT with ring 0 and ring 3
 * segments, TSS, IDT, 8259 PICs at 0x20/0x28, PIT at 100 Hz; mm.c: paging),
 * draws a status bar and a console on the VGA text screen, mirrored on COM1
 * (console.c), and reads a command line from the PS/2 keyboard or COM1
 * (input.c). When idle it halts (HLT), so an emulator can sleep.
 *
 * Commands:
 *   help              this list
 *   bench [scale]     CPU work: integer mixing, a prime sieve, CRC-32
 *   pf [n]            n demand page faults, map one page and unmap the last
 *                     (n = 100000)
 *   syscalls [n]      n INT 0x80 and n SYSENTER calls from ring 3 (200000)
 *   fork [n]          n address-space copies with copy-on-write (2000)
 *   timer [n] [us]    n sleeps of us microseconds on the timer (2000, 100)
 *   disk [n]          write n x 4 KiB to the disk, read them back (256)
 *   cpuid             vendor, family/model, feature flags, TSC rate
 *   uptime            time since boot
 *   clear             clear the console
 *   fault [pf|gp|ud|de]   raise an exception: the report, then a halt
 *   reboot            reset through the i8042 (0xfe)
 *   exit, halt, poweroff   leave the emulator (isa-debug-exit port 0xf4)
 * The three last are the workloads that compare full virtualization with
 * paravirtualization: the same source built as demo-pv.elf (-DDEMO_PV)
 * uses bt86's hypercalls and virtio-blk instead (pvops.h says how).
 *
 * Timed commands print PIT ticks (10 ms each), TSC-based times and the cost
 * per operation; the status bar shows what the last command cost.
 * Line editing: backspace, ^U kills the line, ^C drops it, ^L clears.
 *
 * Headless use: the multiboot command line may hold "run=CMD;CMD;..." (the
 * rest of the line after "run="), run at boot as if typed, e.g.
 *   bt86 -kernel demo.elf -nographic -device isa-debug-exit \
 *        -append "run=bench;pf;syscalls;exit"
 */
#include "demo.h"

#define LINE_MAX	80

static const char prompt[] = "bt86> ";

static void cmd_help(void)
{
	static const char text[] =
		"  help            this list\n"
		"  bench [scale]   CPU benchmark: integer mixing, prime sieve, CRC-32\n"
		"  pf [n]          page-fault storm: n demand faults (default 100000)\n"
		"  syscalls [n]    ring 3 system calls: n INT 0x80, n SYSENTER (200000)\n"
		"  fork [n]        n address-space copies, copy-on-write faults (2000)\n"
		"  timer [n] [us]  n short sleeps of us microseconds (2000, 100)\n"
		"  disk [n]        write n x 4 KiB to the disk, read back, checksum (256)\n"
		"  cpuid           processor vendor, model and features\n"
		"  uptime          time since boot\n"
		"  clear           clear the screen\n"
		"  fault [pf|gp|ud|de]  raise an unhandled exception (halts)\n"
		"  reboot          reset the machine through the keyboard controller\n"
		"  exit | halt | poweroff   leave the emulator\n";

	console_write(text, sizeof(text) - 1);
}

static void cmd_uptime(void)
{
	uint32_t t = ticks, s = t / HZ;

	kprintf("  up %u:%02u:%02u.%02u (%u ticks of %u ms)\n", s / 3600, s / 60 % 60,
		s % 60, t % HZ, t, 1000 / HZ);
}

static void cmd_exit(void)
{
	kprintf("  bye\n");
	/* isa-debug-exit: the emulator exits with status (0 << 1) | 1. Port
	 * 0xf4 is what the tests use, 0x501 the device's default. */
	outb(DEBUG_EXIT_PORT, 0);
	outb(0x501, 0);
	kprintf("  no isa-debug-exit device: halted\n");
	halt_forever();
}

/* What an unhandled exception looks like (cpu.c's die()). */
static void cmd_fault(const char *what)
{
	if (!strcmp(what, "gp"))
		__asm__ volatile("movl %0, %%ds" : : "r"(0x30));	/* past the GDT */
	else if (!strcmp(what, "ud"))
		__asm__ volatile("ud2");
	else if (!strcmp(what, "de"))
		__asm__ volatile("divl %%ecx" : : "a"(1), "d"(0), "c"(0));
	else
		__asm__ volatile("movl $1, 0x10" : : : "memory");	/* page 0 is unmapped */
}

static uint32_t parse_uint(const char *s, uint32_t dflt)
{
	uint32_t v = 0;

	if (*s < '0' || *s > '9')
		return dflt;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (uint32_t)(*s++ - '0');
	return v ? v : dflt;
}

/* Run one command line; the cost goes to the status bar. */
static void run_command(char *line)
{
	char *arg;
	uint32_t t0 = ticks;

	while (*line == ' ')
		line++;
	if (!*line)
		return;
	for (arg = line; *arg && *arg != ' '; arg++)
		;
	if (*arg)
		*arg++ = 0;
	for (char *p = line; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p += 'a' - 'A';
	while (*arg == ' ')
		arg++;

	if (!strcmp(line, "help") || !strcmp(line, "?"))
		cmd_help();
	else if (!strcmp(line, "bench"))
		cmd_bench(parse_uint(arg, 1));
	else if (!strcmp(line, "pf"))
		cmd_pf(parse_uint(arg, 100000));
	else if (!strcmp(line, "syscalls"))
		cmd_syscalls(parse_uint(arg, 200000));
	else if (!strcmp(line, "fork"))
		cmd_fork(parse_uint(arg, 2000));
	else if (!strcmp(line, "timer")) {
		const char *us = arg;

		while (*us && *us != ' ')
			us++;
		while (*us == ' ')
			us++;
		cmd_timer(parse_uint(arg, 2000), parse_uint(us, 100));
	} else if (!strcmp(line, "disk"))
		cmd_disk(parse_uint(arg, 256));
	else if (!strcmp(line, "cpuid"))
		cmd_cpuid();
	else if (!strcmp(line, "uptime"))
		cmd_uptime();
	else if (!strcmp(line, "clear"))
		console_clear();
	else if (!strcmp(line, "fault"))
		cmd_fault(arg);
	else if (!strcmp(line, "reboot")) {
		kprintf("  rebooting\n");
		i8042_reset();
	} else if (!strcmp(line, "exit") || !strcmp(line, "halt") ||
		   !strcmp(line, "poweroff") || !strcmp(line, "quit"))
		cmd_exit();
	else {
		kprintf("  %s: unknown command (try help)\n", line);
		return;
	}
	status_set_cost(line, (ticks - t0) * (1000 / HZ));
	status_draw();
}

static void show_prompt(void)
{
	console_color(0x0a);
	kprintf("%s", prompt);
	console_color(0x07);
}

/* The commands of "run=" on the multiboot command line, ';' apart. */
static void run_boot_commands(const char *cmdline)
{
	const char *p = cmdline;
	char line[LINE_MAX];

	while ((p = strchr(p, 'r')) && (strncmp(p, "run=", 4) ||
					 (p != cmdline && p[-1] != ' ')))
		p++;
	if (!p)
		return;
	p += 4;
	while (*p) {
		size_t n = 0;

		while (*p && *p != ';') {
			if (n < sizeof(line) - 1)
				line[n++] = *p;
			p++;
		}
		line[n] = 0;
		if (*p)
			p++;
		show_prompt();
		kprintf("%s\n", line);
		run_command(line);
	}
}

#ifdef DEMO_PV
/* Is word (as "key=value") one of the blank-separated words of s? */
static int strstr_word(const char *s, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = s; *p; p++)
		if ((p == s || p[-1] == ' ') && !strncmp(p, word, n) && (p[n] == ' ' || !p[n]))
			return 1;
	return 0;
}
#endif

static void banner(const char *cmdline)
{
	uint32_t f = cpu_features();

	console_color(0x0f);
#ifdef DEMO_PV
	kprintf("bt86 demo OS, paravirtual build\n");
#else
	kprintf("bt86 demo OS\n");
#endif
	console_color(0x07);
	kprintf("  paging: 4K pages to 4M%s, demand-paged at 0x%08x\n",
		f & CPUID_PSE ? ", 4M pages (PSE) to 64M" : "", DEMAND_BASE);
	if (pv_on)
		kprintf("  bt86 hypercalls: vif, MMU batches%s, timer %u Hz, TSC %u.%03u MHz, "
			"SYSENTER %s\n", pv_pte_direct ? " (TLB only)" : "", HZ, tsc_khz / 1000, tsc_khz % 1000,
			f & CPUID_SEP ? "yes" : "no");
	else
		kprintf("  PIC at 0x20/0x28, PIT at %u Hz, TSC %u.%03u MHz, SYSENTER %s\n",
			HZ, tsc_khz / 1000, tsc_khz % 1000, f & CPUID_SEP ? "yes" : "no");
#ifdef DEMO_PV
	if (!pv_on)
		kprintf("  no bt86 hypercalls (CPUID 0x40000000; bt86 -cpu bt86,pv=on has them):\n"
			"  CLI/STI, PIT, MOV CR3 as the full build; the disk is still virtio\n");
#endif
	if (*cmdline)
		kprintf("  command line: %s\n", cmdline);
	kprintf("Type help for the commands.\n");
}

int main(const char *cmdline)
{
	static char boot_cmdline[256];
	char line[LINE_MAX];
	size_t n = 0;

	/* Keep the command line: it lives wherever the loader put it, and
	 * page 0 goes away with paging. */
	for (size_t i = 0; i < sizeof(boot_cmdline) - 1 && cmdline[i]; i++)
		boot_cmdline[i] = cmdline[i];

	cpu_init();
	pv_init();
#ifdef DEMO_PV
	if (strstr_word(boot_cmdline, "pvmmu=direct"))
		pv_pte_direct = 1;
#endif
	mm_init();
	console_init();
	timer_init();
	input_init();
	banner(boot_cmdline);
	disk_init();
	run_boot_commands(boot_cmdline);

	show_prompt();
	for (;;) {
		int c;

		irq_disable();
		c = input_get();
		if (c < 0) {
			if (pv_on)
				console_sync_cursor();
			irq_enable_and_halt();
			continue;
		}
		irq_enable();

		if (c == '\n') {
			console_putc('\n');
			line[n] = 0;
			n = 0;
			run_command(line);
			show_prompt();
		} else if (c == '\b') {
			if (n > 0) {
				n--;
				console_putc('\b');
			}
		} else if (c == 'U' - 64) {	/* ^U: kill the line */
			while (n > 0) {
				n--;
				console_putc('\b');
			}
		} else if (c == 'C' - 64) {	/* ^C: drop the line */
			kprintf("^C\n");
			n = 0;
			show_prompt();
		} else if (c == 'L' - 64) {	/* ^L: clear, keep the line */
			console_clear();
			show_prompt();
			console_write(line, n);
		} else if (c >= ' ' && c < 0x7f && n < sizeof(line) - 1) {
			line[n++] = (char)c;
			console_putc((char)c);
		}
		status_draw();
	}
}

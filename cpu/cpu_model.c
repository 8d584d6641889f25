/*
 * cpu_model.c - the -cpu option: QEMU's i686-class model names and
 * +feature/-feature for the CPUID bits bt86 can turn off.
 *
 * The models' family/model/stepping and feature lists are those that
 * qemu-system-i386 7.2 reports for them (QMP query-cpu-model-expansion).
 * bt86 shows a model's features that it implements; the rest (MMX, SSE,
 * MTRRs...) it cannot give, and says so once, as QEMU's TCG does
 * for features it lacks.  With ",enforce" that is an error instead.
 */
#include "cpu/cpu_model.h"

#include <stdarg.h>
#include <string.h>

#define BT86_SIGNATURE 0x633 /* family 6 model 3 stepping 3: a Pentium II */

struct cpu_model cpu_model = { "bt86", BT86_SIGNATURE, CPUID_BT86_EDX, CPUID_BT86_EXT_EDX, 0, 0 };

struct feature {
    const char *name;
    int ext; /* in CPUID.80000001h:EDX */
    uint32_t bit;
};

static const struct feature features[] = {
    { "fpu", 0, CPUID_FPU }, { "pse", 0, CPUID_PSE },   { "tsc", 0, CPUID_TSC },
    { "msr", 0, CPUID_MSR }, { "pae", 0, CPUID_PAE },   { "cx8", 0, CPUID_CX8 },
    { "sep", 0, CPUID_SEP }, { "pge", 0, CPUID_PGE },   { "cmov", 0, CPUID_CMOV },
    { "fxsr", 0, CPUID_FXSR }, { "nx", 1, CPUID_EXT_NX }, { "xd", 1, CPUID_EXT_NX },
    { "mce", 0, CPUID_MCE }, { "mca", 0, CPUID_MCA }, { "apic", 0, CPUID_APIC },
};

/* Features QEMU knows for 32-bit x86 that bt86 does not implement:
 * "-sse" is then already true, "+sse" is an error. */
static const char *const lacking[] = {
    "vme", "de", "mtrr", "pat", "pse36", "pn", "clflush", "ds", "acpi",
    "mmx", "sse", "sse2", "ss", "ht", "tm", "pbe", "pni", "sse3", "pclmulqdq", "dtes64",
    "monitor", "ds-cpl", "vmx", "smx", "est", "tm2", "ssse3", "fma", "cx16", "xtpr", "pdcm",
    "pcid", "dca", "sse4.1", "sse4.2", "x2apic", "movbe", "popcnt", "tsc-deadline", "aes",
    "xsave", "avx", "f16c", "rdrand", "hypervisor", "syscall", "mmxext", "fxsr-opt", "pdpe1gb",
    "rdtscp", "lm", "3dnowext", "3dnow", "lahf-lm", "svm", "abm", "sse4a", "fsgsbase", "bmi1",
    "avx2", "smep", "bmi2", "erms", "invpcid", "smap", "umip", "arat",
};

struct model {
    const char *name;
    uint32_t signature;
    uint32_t edx, ext_edx;
    const char *lacks; /* the model's features bt86 does not have */
    const char *about;
};

#define ALL_BUT_NX (CPUID_BT86_EDX)
static const struct model models[] = {
    { "bt86", BT86_SIGNATURE, CPUID_BT86_EDX, CPUID_EXT_NX, "",
      "bt86's own (default): every feature it has" },
    { "max", BT86_SIGNATURE, CPUID_BT86_EDX, CPUID_EXT_NX, "",
      "every feature bt86 has (the same as bt86)" },
    { "base", 0, 0, 0, "", "no optional feature at all, family 0" },
    { "486", 0x480, CPUID_FPU | CPUID_PSE, 0, "", "family 4 model 8" },
    { "pentium", 0x543,
      CPUID_FPU | CPUID_PSE | CPUID_TSC | CPUID_MSR | CPUID_MCE | CPUID_CX8 | CPUID_APIC, 0,
      "de mmx", "family 5 model 4 stepping 3" },
    { "pentium2", 0x652, ALL_BUT_NX, 0, "de mtrr pat pse36 mmx",
      "family 6 model 5 stepping 2" },
    { "pentium3", 0x673, ALL_BUT_NX, 0, "de mtrr pat pse36 mmx sse",
      "family 6 model 7 stepping 3" },
    { "qemu32", 0x663, ALL_BUT_NX & ~CPUID_MCA, 0, "de pat mmx sse sse2 pni",
      "family 6 model 6 stepping 3 (QEMU's default)" },
    { "qemu64", 0x60fb1, ALL_BUT_NX & ~CPUID_MCA, CPUID_EXT_NX,
      "de pat mmx sse sse2 pni cx16 popcnt syscall lm lahf-lm abm sse4a",
      "family 15 model 107 stepping 1 (QEMU's 64-bit default; without long mode)" },
    { "kvm64", 0xf61, ALL_BUT_NX, CPUID_EXT_NX,
      "de mtrr pat pse36 clflush mmx sse sse2 pni cx16 syscall lm",
      "family 15 model 6 stepping 1 (without long mode)" },
    { "kvm32", 0xf61, ALL_BUT_NX, 0, "de mtrr pat pse36 clflush mmx sse sse2 pni",
      "family 15 model 6 stepping 1" },
    { "coreduo", 0x6e8, ALL_BUT_NX, CPUID_EXT_NX,
      "de mtrr pat clflush acpi mmx sse sse2 ss pni monitor",
      "family 6 model 14 stepping 8" },
    { "n270", 0x106c2, ALL_BUT_NX, CPUID_EXT_NX,
      "de mtrr pat clflush acpi mmx sse sse2 ss pni ssse3 monitor movbe",
      "family 6 model 28 stepping 2" },
};

static int errorf(char *err, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int errorf(char *err, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, len, fmt, ap);
    va_end(ap);
    return -1;
}

static const struct feature *find_feature(const char *name)
{
    for (size_t i = 0; i < sizeof(features) / sizeof(features[0]); i++)
        if (!strcmp(features[i].name, name))
            return &features[i];
    return NULL;
}

/* QEMU spells some names with '_' or '.' too: sse4_1, sse4.1, lahf_lm. */
static int same_name(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a == '_' || *a == '.' ? '-' : *a, y = *b == '_' || *b == '.' ? '-' : *b;
        if (x != y)
            return 0;
    }
    return *a == *b;
}

static int is_lacking(const char *name)
{
    for (size_t i = 0; i < sizeof(lacking) / sizeof(lacking[0]); i++)
        if (same_name(lacking[i], name))
            return 1;
    return 0;
}

/* The lacking features a command line turned off: no warning about them. */
static char turned_off[256];
/* The lacking features a command line asked for with +feat or feat=on. */
static char asked_lacking[256];

static int set_feature(const char *name, int on, char *err, size_t errlen)
{
    /* Not CPUID bits of the model but interfaces of the monitor: any model
     * can have them (docs/paravirt.md). */
    if (!strcmp(name, "pv")) {
        cpu_model.pv = on;
        return 0;
    }
    if (!strcmp(name, "kvm")) {
        cpu_model.kvm = on;
        return 0;
    }
    const struct feature *f = find_feature(name);
    if (f) {
        uint32_t *word = f->ext ? &cpu_model.ext_edx : &cpu_model.edx;
        *word = on ? *word | f->bit : *word & ~f->bit;
        return 0;
    }
    if (is_lacking(name)) {
        size_t n;
        if (!on) { /* already off */
            n = strlen(turned_off);
            snprintf(turned_off + n, sizeof(turned_off) - n, " %s ", name);
            return 0;
        }
        /* As QEMU's TCG with a feature it lacks: a warning (an error with
         * enforce), and the guest's CPUID shows it off. */
        n = strlen(asked_lacking);
        if (n + strlen(name) + 2 >= sizeof(asked_lacking))
            return errorf(err, errlen, "too many features");
        snprintf(asked_lacking + n, sizeof(asked_lacking) - n, "%s%s", n ? " " : "", name);
        return 0;
    }
    return errorf(err, errlen, "unknown CPU feature '%s' (see -cpu help)", name);
}

int cpu_model_parse(const char *spec, char *err, size_t errlen, char *warn, size_t warnlen)
{
    char buf[512];
    if (strlen(spec) >= sizeof(buf))
        return errorf(err, errlen, "too long");
    snprintf(buf, sizeof(buf), "%s", spec);
    warn[0] = 0;
    char *save = NULL, *name = strtok_r(buf, ",", &save);
    if (!name || spec[0] == ',')
        return errorf(err, errlen, "no CPU model name (see -cpu help)");
    const struct model *m = NULL;
    for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++)
        if (!strcmp(models[i].name, name))
            m = &models[i];
    if (!m && !strcmp(name, "host"))
        return errorf(err, errlen, "the host CPU model needs KVM, and bt86 is software only "
                                   "(try -cpu max)");
    if (!m)
        return errorf(err, errlen, "unknown CPU model '%s' (see -cpu help)", name);
    cpu_model = (struct cpu_model){ m->name, m->signature, m->edx, m->ext_edx, 0, 0 };
    turned_off[0] = 0;
    asked_lacking[0] = 0;
    int enforce = 0, check = 1;
    for (char *t = strtok_r(NULL, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        int r;
        char *eq = strchr(t, '=');
        /* QEMU's switches for a model's features the accelerator lacks:
         * check (the default) warns, enforce refuses. */
        if (!strcmp(t, "enforce") || !strcmp(t, "enforce=on")) {
            enforce = 1;
            continue;
        }
        if (!strcmp(t, "enforce=off")) {
            enforce = 0;
            continue;
        }
        if (!strcmp(t, "check") || !strcmp(t, "check=on") || !strcmp(t, "check=off")) {
            check = strcmp(t, "check=off") != 0;
            continue;
        }
        if (t[0] == '+' || t[0] == '-') {
            r = set_feature(t + 1, t[0] == '+', err, errlen);
        } else if (eq) {
            *eq = 0;
            const char *v = eq + 1;
            int on = !strcmp(v, "on") || !strcmp(v, "true") || !strcmp(v, "yes");
            if (!on && strcmp(v, "off") && strcmp(v, "false") && strcmp(v, "no"))
                return errorf(err, errlen, "%s=%s: expected %s=on or %s=off", t, v, t, t);
            r = set_feature(t, on, err, errlen);
        } else {
            r = set_feature(t, 1, err, errlen); /* QEMU's old spelling of +feat */
        }
        if (r < 0)
            return -1;
    }
    char missing[256] = "";
    snprintf(buf, sizeof(buf), "%s", m->lacks);
    for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        char key[40];
        snprintf(key, sizeof(key), " %s ", t);
        size_t n = strlen(missing);
        if (!strstr(turned_off, key))
            snprintf(missing + n, sizeof(missing) - n, "%s%s", n ? " " : "", t);
    }
    if (*missing && enforce)
        return errorf(err, errlen, "bt86 lacks %s's features %s (enforce)", m->name, missing);
    if (*asked_lacking && enforce)
        return errorf(err, errlen, "bt86 does not implement the CPU features %s (enforce)",
                      asked_lacking);
    if (*missing && *asked_lacking && check)
        snprintf(warn, warnlen, "bt86 lacks %s's features %s, and the features %s: the "
                 "guest's CPUID shows them off", m->name, missing, asked_lacking);
    else if (*missing && check)
        snprintf(warn, warnlen, "bt86 lacks %s's features %s: the guest's CPUID shows them off",
                 m->name, missing);
    else if (*asked_lacking && check)
        snprintf(warn, warnlen, "bt86 does not implement the CPU features %s: the guest's "
                                "CPUID shows them off", asked_lacking);
    return 0;
}

void cpu_model_help(FILE *f)
{
    fprintf(f, "CPU models (-cpu MODEL[,+feat|-feat|feat=on|off...][,enforce]):\n");
    for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++) {
        const struct model *m = &models[i];
        fprintf(f, "  %-9s %s\n            CPUID shows:", m->name, m->about);
        for (size_t j = 0; j < sizeof(features) / sizeof(features[0]); j++)
            if (strcmp(features[j].name, "xd") &&
                ((features[j].ext ? m->ext_edx : m->edx) & features[j].bit))
                fprintf(f, " %s", features[j].name);
        fprintf(f, "%s\n", m->edx ? "" : " nothing");
        if (*m->lacks)
            fprintf(f, "            not %s (bt86 lacks them)\n", m->lacks);
    }
    fprintf(f, "  host      not available: it needs KVM and bt86 is software only\n"
               "\nFeatures bt86 has; -feat clears the CPUID bit, and the CPU then refuses:\n"
               "  pse pae pge  setting the CR4 bit (#GP)\n"
               "  nx (xd)      setting EFER.NXE (#GP)\n"
               "  tsc          RDTSC (#UD) and CR4.TSD (#GP)\n"
               "  msr          RDMSR and WRMSR (#UD)\n"
               "  sep          SYSENTER and SYSEXIT (#UD)\n"
               "  fxsr         CR4.OSFXSR (#GP); FXSAVE and FXRSTOR still run\n"
               "  fpu cx8 cmov the CPUID bit only: the instructions still run\n"
               "Other QEMU features (mmx, sse, x2apic...): -feat is accepted, +feat warns that\n"
               "bt86 lacks it (an error with enforce), and CPUID shows it off.\n"
               "\nParavirtual interfaces, off by default, for any model (docs/paravirt.md):\n"
               "  pv=on        bt86's own hypercalls (VMCALL), CPUID 0x40000000 \"bt86bt86bt86\"\n"
               "  kvm=on       KVM's: CPUID 0x40000000 \"KVMKVMKVM\", kvmclock, KVM hypercalls\n"
               "               (with both, bt86's leaves move to 0x40000100)\n"
               "enforce: an error instead of a warning when the model has features bt86 lacks;\n"
               "check=off: neither.\n");
}

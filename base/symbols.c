/*
 * symbols.c - a sorted table of (address, size, name) for the guest.
 *
 * Functions and objects from ELF symbol tables (.symtab, else .dynsym);
 * text, data and absolute symbols from a System.map.  A lookup is a binary
 * search for the last symbol at or below the address; a symbol with a size
 * covers only that many bytes, one without (System.map) covers up to the
 * next symbol.
 */
#include "base/symbols.h"
#include "base/exit_status.h"

#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sym {
    uint32_t addr, size;
    char *name;
};

static struct sym *syms;
static size_t nsyms, cap;
static int sorted = 1;

static void add(uint32_t addr, uint32_t size, const char *name)
{
    if (!*name)
        return;
    if (nsyms == cap) {
        cap = cap ? cap * 2 : 256;
        syms = realloc(syms, cap * sizeof(*syms));
        if (!syms) {
            fprintf(stderr, "bt86: out of memory for symbols\n");
            exit(EXIT_FATAL);
        }
    }
    syms[nsyms++] = (struct sym){ addr, size, strdup(name) };
    sorted = 0;
}

static int by_addr(const void *a, const void *b)
{
    const struct sym *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    /* At one address, prefer the sized symbol (a function over a label). */
    return x->size < y->size ? 1 : x->size > y->size ? -1 : 0;
}

static void sort(void)
{
    if (!sorted)
        qsort(syms, nsyms, sizeof(*syms), by_addr);
    sorted = 1;
}

static int load_elf(int fd, const char *path, char *err, size_t errlen)
{
    elf_version(EV_CURRENT);
    Elf *e = elf_begin(fd, ELF_C_READ, NULL);
    if (!e || elf_kind(e) != ELF_K_ELF) {
        if (e)
            elf_end(e);
        return 1; /* not ELF: try System.map */
    }
    size_t before = nsyms;
    for (int want = SHT_SYMTAB; want && nsyms == before; want = want == SHT_SYMTAB ? SHT_DYNSYM : 0) {
        for (Elf_Scn *scn = NULL; (scn = elf_nextscn(e, scn));) {
            GElf_Shdr sh;
            if (!gelf_getshdr(scn, &sh) || sh.sh_type != (unsigned)want || !sh.sh_entsize)
                continue;
            Elf_Data *d = elf_getdata(scn, NULL);
            size_t n = sh.sh_size / sh.sh_entsize;
            for (size_t i = 0; d && i < n; i++) {
                GElf_Sym s;
                if (!gelf_getsym(d, (int)i, &s))
                    continue;
                int t = GELF_ST_TYPE(s.st_info);
                if ((t != STT_FUNC && t != STT_OBJECT && t != STT_NOTYPE) ||
                    s.st_shndx == SHN_UNDEF)
                    continue;
                const char *name = elf_strptr(e, sh.sh_link, s.st_name);
                /* Local labels (.L...) and file markers say nothing useful. */
                if (name && name[0] != '.' && name[0] != '$')
                    add((uint32_t)s.st_value, (uint32_t)s.st_size, name);
            }
        }
    }
    elf_end(e);
    if (nsyms == before) {
        snprintf(err, errlen, "'%s': no symbol table (stripped?)", path);
        return -1;
    }
    return 0;
}

static int load_map(FILE *f, const char *path, char *err, size_t errlen)
{
    char line[512];
    size_t before = nsyms;
    int lineno = 0;
    while (fgets(line, sizeof(line), f)) {
        lineno++;
        unsigned long long a;
        char type, name[400];
        if (sscanf(line, "%llx %c %399s", &a, &type, name) != 3) {
            snprintf(err, errlen, "'%s' line %d: expected \"ADDRESS TYPE NAME\" (ELF or System.map)",
                     path, lineno);
            return -1;
        }
        if (strchr("TtDdBbRrAaWV", type))
            add((uint32_t)a, 0, name);
    }
    if (nsyms == before) {
        snprintf(err, errlen, "'%s': no symbols in it", path);
        return -1;
    }
    return 0;
}

int symbols_load(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
        return -1;
    }
    int r = load_elf(fileno(f), path, err, errlen);
    if (r > 0) {
        rewind(f);
        r = load_map(f, path, err, errlen);
    }
    fclose(f);
    return r;
}

const char *symbols_lookup(uint32_t addr, uint32_t *off)
{
    if (!nsyms)
        return NULL;
    sort();
    size_t lo = 0, hi = nsyms;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (syms[mid].addr <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (!lo)
        return NULL;
    /* Among the symbols at that address, by_addr put the sized one first. */
    size_t i = lo - 1;
    while (i > 0 && syms[i - 1].addr == syms[i].addr)
        i--;
    const struct sym *s = &syms[i];
    if (s->size && addr - s->addr >= s->size)
        return NULL;
    *off = addr - s->addr;
    return s->name;
}

const char *symbols_format(uint32_t addr, char *buf, size_t len)
{
    uint32_t off;
    const char *name = symbols_lookup(addr, &off);
    if (!name)
        snprintf(buf, len, "%s", "");
    else if (off)
        snprintf(buf, len, "%s+0x%x", name, off);
    else
        snprintf(buf, len, "%s", name);
    return buf;
}

int symbols_find(const char *name, uint32_t *addr)
{
    for (size_t i = 0; i < nsyms; i++) {
        if (!strcmp(syms[i].name, name)) {
            *addr = syms[i].addr;
            return 0;
        }
    }
    return -1;
}

size_t symbols_count(void)
{
    return nsyms;
}

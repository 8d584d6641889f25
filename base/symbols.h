/*
 * symbols.h - guest symbols, so that logs, the stepper and the statistics
 * print addresses as function+offset.  They come from the ELF symbol table
 * of the -kernel file, or from -symbols FILE: an ELF, or a System.map
 * ("c0100000 T startup_32" lines, as Linux writes it).
 *
 *   symbols_load("guests/demo/demo.elf", err, sizeof(err));
 *   symbols_format(0x100015, buf, sizeof(buf));   // "add_step+0x9"
 */
#ifndef BT86_BASE_SYMBOLS_H
#define BT86_BASE_SYMBOLS_H

#include <stddef.h>
#include <stdint.h>

/* Add the symbols of an ELF file or System.map; -1 with a message in err. */
int symbols_load(const char *path, char *err, size_t errlen);
/* The symbol containing addr (offset in *off), or NULL. */
const char *symbols_lookup(uint32_t addr, uint32_t *off);
/* "name+0xoff", "name", or "" when no symbol covers addr; returns buf. */
const char *symbols_format(uint32_t addr, char *buf, size_t len);
/* Address of a symbol by name; -1 if there is none. */
int symbols_find(const char *name, uint32_t *addr);
/* Number of symbols loaded. */
size_t symbols_count(void);

#endif

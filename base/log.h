/*
 * log.h - debug logs, always compiled in and selected at run time with
 * -d ITEM,... (names as in QEMU) into -D FILE or standard error.
 */
#ifndef BT86_BASE_LOG_H
#define BT86_BASE_LOG_H

#include <stdio.h>

#define LOG_IN_ASM 0x01u
#define LOG_OP 0x02u
#define LOG_OUT_ASM 0x04u
#define LOG_INT 0x08u
#define LOG_EXEC 0x10u
#define LOG_CPU 0x20u
#define LOG_MONITOR 0x40u
#define LOG_UNIMP 0x80u
#define LOG_GUEST_ERRORS 0x100u
#define LOG_POST 0x200u

extern unsigned log_mask;
extern FILE *log_file;

/* Parse "in_asm,op"; returns -1 and names the bad item on error. */
int log_parse(const char *spec);
void log_help(FILE *f);
int log_set_file(const char *path);

#define log_enabled(m) (log_mask & (m))

#endif

/*
 * options.h - parsing the values of bt86's command-line options (ui/main.c
 * walks the command line).  Each parser returns 0, or -1 with a message in
 * err that main prints after "bt86: -OPTION VALUE: ".
 *
 *   char err[256];
 *   int ncpus = parse_smp("4,cores=2", err, sizeof(err));  ->  4
 */
#ifndef BT86_UI_OPTIONS_H
#define BT86_UI_OPTIONS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct machine_options;

/* -m: MiB, or with a K/M/G suffix; 2 MiB to 3 GiB. */
int parse_size_mb(const char *s, uint32_t *mb, char *err, size_t errlen);
/* -device isa-debug-exit[,iobase=N][,iosize=N], -device e1000,netdev=ID[,mac=MAC] */
int parse_device(const char *spec, struct machine_options *o, char *err, size_t errlen);
/* What -device help prints, in QEMU's format. */
void print_device_list(FILE *f);
/* -rtc base=utc|localtime|DATE[,clock=...][,driftfix=...] */
int parse_rtc(const char *spec, struct machine_options *o, char *err, size_t errlen);
/* -smp [cpus=]N[,sockets=N][,dies=N][,clusters=N][,cores=N][,threads=N][,maxcpus=N]:
 * the CPU count (1 to SMP_MAX_CPUS, machine.h's MACHINE_MAX_CPUS), or -1. */
#define SMP_MAX_CPUS 8
int parse_smp(const char *spec, char *err, size_t errlen);
/* -machine [type=]pc[,accel=tcg][,...] */
int parse_machine(const char *spec, char *err, size_t errlen);
/* -accel tcg[,thread=single][,tb-size=N]: N MiB of code cache, as -tb-size */
int parse_accel(const char *spec, struct machine_options *o, char *err, size_t errlen);
/* -boot [order=]DRIVES[,menu=on|off][,splash-time=MS]: DRIVES as QEMU's
 * letters (a b floppy, c disk, d CD-ROM, n-p network), at most 3, each once. */
int parse_boot(const char *spec, struct machine_options *o, char *err, size_t errlen);
/* -netdev user,id=ID[,net=...][,hostfwd=...]... (net/user_opts.h) */
int parse_netdev(const char *spec, struct machine_options *o, char *err, size_t errlen);
/* -nic user[,model=e1000][,mac=MAC][,USER OPTIONS], -nic none */
int parse_nic(const char *spec, struct machine_options *o, char *err, size_t errlen);
/* After the whole command line: every NIC's netdev exists, none has two NICs. */
int check_net_options(struct machine_options *o, char *err, size_t errlen);
void machine_help(FILE *f);
void accel_help(FILE *f);

#endif

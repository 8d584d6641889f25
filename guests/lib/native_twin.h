/*
 * native_twin.h - what a guest's native twin (the same core object linked
 * as a static 32-bit Linux program without libc, see guests/isahash) gets
 * from guests/lib/native_twin.c: an entry point that calls twin_main() and
 * exits 0, and output to stdout.
 */
#ifndef GUEST_NATIVE_TWIN_H
#define GUEST_NATIVE_TWIN_H

/* Defined by each twin: runs the shared core. */
void twin_main(void);

/* Writes the string to stdout; exits with status 1 if that fails. */
void native_write(const char *s);

#endif

/*
 * insn_class.c - the names of the instruction classes, as -stats prints them.
 */
#include "monitor/insn_class.h"

const char *const insn_class_names[CLS_COUNT] = {
    "innocuous", "control", "privileged", "sensitive-unprivileged", "virtualization-sensitive",
    "hypercall",
};

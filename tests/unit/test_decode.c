/*
 * test_decode.c - the Capstone adapter: bt86's normalized instruction for
 * encodings whose fields are easy to get wrong (sizes, default segments,
 * implicit operands, prefixes, classes).  Expected values come from the
 * Intel SDM's encoding tables.
 */
#include "check.h"
#include "cpu/cpu.h"
#include "translator/decode.h"

#include <string.h>

static struct insn dec(const char *hex, int code32)
{
    uint8_t b[16];
    int n = 0;
    memset(b, 0, sizeof(b));
    for (const char *p = hex; p[0] && p[1]; p += 2) {
        while (*p == ' ')
            p++;
        unsigned v;
        sscanf(p, "%2x", &v);
        b[n++] = v;
    }
    struct insn in;
    decode_insn(b, n, 0x1000, code32, &in);
    return in;
}

int main(void)
{
    if (decode_init() < 0) {
        fprintf(stderr, "cannot open Capstone\n");
        return 1;
    }
    struct insn in;

    in = dec("01d8", 1); /* add eax, ebx */
    CHECK_EQ(in.op, OP_ADD);
    CHECK_EQ(in.len, 2);
    CHECK_EQ(in.opsize, 4);
    CHECK_EQ(in.o[0].kind, OPK_REG);
    CHECK_EQ(in.o[0].reg, R_EAX);
    CHECK_EQ(in.o[1].reg, R_EBX);
    CHECK_EQ(in.cls, CLS_INNOCUOUS);

    in = dec("6601d8", 1); /* add ax, bx */
    CHECK_EQ(in.opsize, 2);
    in = dec("00e3", 1); /* add bl, ah */
    CHECK_EQ(in.opsize, 1);
    CHECK_EQ(in.o[1].reg, 4); /* AH is encoded as 4 */

    in = dec("8b4508", 1); /* mov eax, [ebp+8]: SS by default */
    CHECK_EQ(in.o[1].kind, OPK_MEM);
    CHECK_EQ(in.o[1].seg, S_SS);
    CHECK_EQ(in.o[1].base, R_EBP);
    CHECK_EQ(in.o[1].disp, 8);
    in = dec("8b0498", 1); /* mov eax, [eax+ebx*4] */
    CHECK_EQ(in.o[1].seg, S_DS);
    CHECK_EQ(in.o[1].index, R_EBX);
    CHECK_EQ(in.o[1].scale, 4);
    in = dec("268b03", 1); /* mov eax, es:[ebx] */
    CHECK_EQ(in.o[1].seg, S_ES);
    in = dec("678a07", 1); /* mov al, [bx] with 0x67 */
    CHECK_EQ(in.addrsize, 2);
    CHECK_EQ(in.o[1].base, R_EBX);

    in = dec("8b07", 0); /* 16-bit code: mov ax, [bx] */
    CHECK_EQ(in.opsize, 2);
    CHECK_EQ(in.addrsize, 2);
    CHECK_EQ(in.o[1].base, R_EBX);

    in = dec("f3a5", 1); /* rep movsd */
    CHECK_EQ(in.op, OP_MOVS);
    CHECK_EQ(in.opsize, 4);
    CHECK_EQ(in.rep, REP_E);
    in = dec("f2ae", 1); /* repne scasb */
    CHECK_EQ(in.op, OP_SCAS);
    CHECK_EQ(in.opsize, 1);
    CHECK_EQ(in.rep, REP_NE);
    in = dec("f20f1000", 1); /* SSE2 movsd xmm0, [eax]: not the string op */
    CHECK(in.op != OP_MOVS);

    in = dec("d40a", 1); /* aam: Capstone drops the immediate */
    CHECK_EQ(in.op, OP_AAM);
    CHECK_EQ(in.o[0].imm, 10);
    in = dec("d507", 1); /* aad 7 */
    CHECK_EQ(in.op, OP_AAD);
    CHECK_EQ(in.o[0].imm, 7);

    in = dec("7405", 1); /* je: absolute target */
    CHECK_EQ(in.op, OP_JCC);
    CHECK_EQ(in.cc, 4);
    CHECK_EQ(in.o[0].imm, 0x1007);
    CHECK_EQ(in.cls, CLS_CONTROL);

    in = dec("f30f1efb", 1); /* endbr32 is a NOP on an i686 */
    CHECK_EQ(in.op, OP_NOP);

    /* Classes of the monitor's instructions. */
    CHECK_EQ(dec("fa", 1).cls, CLS_PRIVILEGED);       /* cli */
    CHECK_EQ(dec("e6f4", 1).cls, CLS_PRIVILEGED);     /* out 0xf4, al */
    CHECK_EQ(dec("0f22d8", 1).op, OP_MOVCR);          /* mov cr3, eax */
    CHECK_EQ(dec("0f22d8", 1).cls, CLS_PRIVILEGED);
    CHECK_EQ(dec("9d", 1).cls, CLS_SENSITIVE);        /* popf */
    CHECK_EQ(dec("06", 1).cls, CLS_SENSITIVE);        /* push es */
    CHECK_EQ(dec("8ed8", 1).op, OP_MOVSEG);           /* mov ds, ax */
    CHECK_EQ(dec("0f010424", 1).cls, CLS_SENSITIVE);  /* sgdt [esp] */
    CHECK_EQ(dec("0fa2", 1).cls, CLS_VIRT);           /* cpuid */
    CHECK_EQ(dec("0f31", 1).cls, CLS_VIRT);           /* rdtsc */
    CHECK_EQ(dec("0f01c1", 1).cls, CLS_HYPERCALL);    /* vmcall */

    in = dec("f00100", 1); /* lock add [eax], eax */
    CHECK_EQ(in.lock, 1);

    /* Bytes that are no instruction. */
    struct insn bad;
    uint8_t ud[2] = { 0x0f, 0x0b };
    CHECK_EQ(decode_insn(ud, 2, 0, 1, &bad), 0); /* ud2 decodes; it raises #UD when run */
    CHECK_EQ(bad.op, OP_UD2);
    uint8_t junk[1] = { 0x0f };
    CHECK(decode_insn(junk, 1, 0, 1, &bad) < 0);
    CHECK_EQ(bad.op, OP_INVALID);

    return check_done("test_decode");
}

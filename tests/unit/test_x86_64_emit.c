/*
 * test_x86_64_emit.c - every instruction form the native backend's emitter
 * writes, disassembled by Capstone (x86-64 mode) and compared with the text
 * it should be.  Registers that need a REX bit (r8-r15), the byte registers
 * that need an empty REX (sil, dil), and the ModRM special cases (rsp and
 * r12 as a base need a SIB byte, rbp and r13 a displacement, no base a
 * disp32) are each covered, for every form that takes them.
 */
#include "check.h"
#include "translator/backend_x86_64_emit.h"

#include <capstone/capstone.h>
#include <stdio.h>
#include <string.h>

static csh cs;

/* The instructions in b as "mnemonic operands; ...", and whether all bytes decoded. */
static void disasm(const struct xbuf *b, char *out, size_t n)
{
    cs_insn *insn;
    size_t len = xbuf_len(b);
    size_t cnt = cs_disasm(cs, b->start, len, 0x1000, 0, &insn);
    size_t used = 0, done = 0;
    out[0] = 0;
    for (size_t i = 0; i < cnt; i++) {
        used += (size_t)snprintf(out + used, n - used, "%s%s%s%s", i ? "; " : "",
                                 insn[i].mnemonic, insn[i].op_str[0] ? " " : "", insn[i].op_str);
        done += insn[i].size;
        if (used >= n)
            break;
    }
    if (cnt)
        cs_free(insn, cnt);
    if (done != len && used < n)
        snprintf(out + used, n - used, " <%zu bytes undecoded>", len - done);
}

static void check_text(int line, struct xbuf *b, const char *want)
{
    char got[512];
    disasm(b, got, sizeof(got));
    check_count++;
    if (b->overflow || strcmp(got, want)) {
        check_failures++;
        fprintf(stderr, "%s:%d: emitted \"%s\", expected \"%s\"\n", __FILE__, line, got, want);
    }
}

/* T("expected text", statements that emit into `b`) */
#define T(want, ...)                                                      \
    do {                                                                  \
        static uint8_t mem_[64];                                          \
        struct xbuf b_ = { .p = mem_, .start = mem_, .end = mem_ + 64 }; \
        struct xbuf *b = &b_;                                             \
        __VA_ARGS__;                                                      \
        check_text(__LINE__, b, want);                                    \
    } while (0)

int main(void)
{
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK) {
        printf("skipped: Capstone cannot disassemble x86-64\n");
        return 77;
    }
    /* moves */
    T("mov ebx, eax", emit_mov_rr32(b, X_RBX, X_RAX));
    T("mov r8d, r15d", emit_mov_rr32(b, X_R8, X_R15));
    T("mov esi, r11d", emit_mov_rr32(b, X_RSI, X_R11));
    T("mov rbp, rdi", emit_mov_rr64(b, X_RBP, X_RDI));
    T("mov r9, rbp", emit_mov_rr64(b, X_R9, X_RBP));
    T("mov edx, 0x12345678", emit_mov_ri32(b, X_RDX, 0x12345678));
    T("mov r10d, 0xffffffff", emit_mov_ri32(b, X_R10, 0xffffffff));
    T("movabs rax, 0x123456789abc", emit_mov_ri64(b, X_RAX, 0x123456789abcull));
    T("mov rax, 0x40000000", emit_mov_ri64s(b, X_RAX, 0x40000000));
    T("mov rax, -0x80000000", emit_mov_ri64s(b, X_RAX, INT32_MIN));
    T("mov r10, -0x10", emit_mov_ri64s(b, X_R10, -16));
    T("movabs rax, qword ptr [0x7f0012345678]", emit_load64_abs_rax(b, 0x7f0012345678ull));
    /* memory operands: each base that needs care, index, no base */
    T("mov r8d, dword ptr [rbp]", emit_load32(b, X_R8, xmem_bd(X_RBP, 0)));
    T("mov r15d, dword ptr [rbp + 0x1c]", emit_load32(b, X_R15, xmem_bd(X_RBP, 0x1c)));
    T("mov eax, dword ptr [rsp + 0x24]", emit_load32(b, X_RAX, xmem_bd(X_RSP, 0x24)));
    T("mov ecx, dword ptr [rsp]", emit_load32(b, X_RCX, xmem_bd(X_RSP, 0)));
    T("mov ecx, dword ptr [r12]", emit_load32(b, X_RCX, xmem_bd(X_R12, 0)));
    T("mov ecx, dword ptr [r13]", emit_load32(b, X_RCX, xmem_bd(X_R13, 0)));
    T("mov ecx, dword ptr [rax - 0x80]", emit_load32(b, X_RCX, xmem_bd(X_RAX, -128)));
    T("mov ecx, dword ptr [rax + 0x80]", emit_load32(b, X_RCX, xmem_bd(X_RAX, 128)));
    T("mov edx, dword ptr [rbp + rcx + 0x2100]",
      emit_load32(b, X_RDX, xmem_bid(X_RBP, X_RCX, 1, 0x2100)));
    T("mov r9d, dword ptr [rax + r14]", emit_load32(b, X_R9, xmem_bid(X_RAX, X_R14, 1, 0)));
    T("mov esi, dword ptr [r13 + r12*4]", emit_load32(b, X_RSI, xmem_bid(X_R13, X_R12, 4, 0)));
    T("mov rax, qword ptr [rsp]", emit_load64(b, X_RAX, xmem_bd(X_RSP, 0)));
    T("mov rax, qword ptr [rbp + rcx + 0x90]",
      emit_load64(b, X_RAX, xmem_bid(X_RBP, X_RCX, 1, 0x90)));
    T("movzx r11d, byte ptr [rax + rdi]", emit_load8zx(b, X_R11, xmem_bid(X_RAX, X_RDI, 1, 0)));
    T("movzx ebx, word ptr [rax + r8]", emit_load16zx(b, X_RBX, xmem_bid(X_RAX, X_R8, 1, 0)));
    T("mov byte ptr [rax + rcx], sil", emit_store8(b, xmem_bid(X_RAX, X_RCX, 1, 0), X_RSI));
    T("mov byte ptr [rax + rcx], r9b", emit_store8(b, xmem_bid(X_RAX, X_RCX, 1, 0), X_R9));
    T("mov word ptr [rax + r15], di", emit_store16(b, xmem_bid(X_RAX, X_R15, 1, 0), X_RDI));
    T("mov dword ptr [rbp + 4], r9d", emit_store32(b, xmem_bd(X_RBP, 4), X_R9));
    T("mov qword ptr [rbp + 0x58], rax", emit_store64(b, xmem_bd(X_RBP, 0x58), X_RAX));
    T("mov dword ptr [rbp + 0x40], 0x106d26", emit_store_i32(b, xmem_bd(X_RBP, 0x40), 0x106d26));
    T("lea eax, [rcx + 3]", emit_lea32(b, X_RAX, xmem_bd(X_RCX, 3)));
    T("lea r12d, [r12 - 4]", emit_lea32(b, X_R12, xmem_bd(X_R12, -4)));
    T("lea ebx, [r8 + r9*8 + 0x10]", emit_lea32(b, X_RBX, xmem_bid(X_R8, X_R9, 8, 0x10)));
    T("lea esi, [r10*2 + 0x1000]", emit_lea32(b, X_RSI, xmem_bid(X_NONE, X_R10, 2, 0x1000)));
    T("lea rcx, [r12 - 0x10]", emit_lea64(b, X_RCX, xmem_bd(X_R12, -16)));
    T("lea r9, [rbp + rax*2 + 0x100]", emit_lea64(b, X_R9, xmem_bid(X_RBP, X_RAX, 2, 0x100)));
    T("lea rcx, [rip + 0x10]", size_t at = emit_lea_rip64(b, X_RCX); emit_patch_rel32(b, at, 0x17));
    T("lea r9, [rip - 7]", size_t at = emit_lea_rip64(b, X_R9); emit_patch_rel32(b, at, 0));
    /* ALU */
    T("add r8d, ebx", emit_alu_rr32(b, XALU_ADD, X_R8, X_RBX));
    T("or eax, ecx", emit_alu_rr32(b, XALU_OR, X_RAX, X_RCX));
    T("and esi, r15d", emit_alu_rr32(b, XALU_AND, X_RSI, X_R15));
    T("sub r13d, r14d", emit_alu_rr32(b, XALU_SUB, X_R13, X_R14));
    T("xor edi, edi", emit_alu_rr32(b, XALU_XOR, X_RDI, X_RDI));
    T("cmp eax, ecx", emit_alu_rr32(b, XALU_CMP, X_RAX, X_RCX));
    T("mov r11b, r9b", emit_mov_rr8(b, X_R11, X_R9));
    T("mov sil, cl", emit_mov_rr8(b, X_RSI, X_RCX));
    T("mov r8b, 0x41", emit_mov_ri8(b, X_R8, 0x41));
    T("mov r12w, ax", emit_mov_rr16(b, X_R12, X_RAX));
    T("mov r15w, 0x1234", emit_mov_ri16(b, X_R15, 0x1234));
    T("xor r9b, r8b", emit_alu_rr8(b, XALU_XOR, X_R9, X_R8));
    T("add r15b, r12b", emit_alu_rr8(b, XALU_ADD, X_R15, X_R12));
    T("sub r8b, r8b", emit_alu_rr8(b, XALU_SUB, X_R8, X_R8));
    T("and sil, dil", emit_alu_rr8(b, XALU_AND, X_RSI, X_RDI));
    T("or al, cl", emit_alu_rr8(b, XALU_OR, X_RAX, X_RCX));
    T("xor r10b, 0x20", emit_alu_ri8(b, XALU_XOR, X_R10, 0x20));
    T("cmp r10w, r9w", emit_alu_rr16(b, XALU_CMP, X_R10, X_R9));
    T("cmp ax, si", emit_alu_rr16(b, XALU_CMP, X_RAX, X_RSI));
    T("sub r15w, cx", emit_alu_rr16(b, XALU_SUB, X_R15, X_RCX));
    T("test sil, dil", emit_test_rr8(b, X_RSI, X_RDI));
    T("test r8b, r8b", emit_test_rr8(b, X_R8, X_R8));
    T("test al, r13b", emit_test_rr8(b, X_RAX, X_R13));
    T("test r11w, r11w", emit_test_rr16(b, X_R11, X_R11));
    T("test cx, di", emit_test_rr16(b, X_RCX, X_RDI));
    T("and r11b, 0xdf", emit_alu_ri8(b, XALU_AND, X_R11, 0xdf));
    T("add r8b, 0xff", emit_alu_ri8(b, XALU_ADD, X_R8, 0xff));
    T("cmp rax, rcx", emit_alu_rr64(b, XALU_CMP, X_RAX, X_RCX));
    T("sub r9, rbx", emit_alu_rr64(b, XALU_SUB, X_R9, X_RBX));
    T("cmp qword ptr [rbp + 0x48], rbx", emit_alu_mr64(b, XALU_CMP, xmem_bd(X_RBP, 0x48), X_RBX));
    T("and ecx, 0x1fe0", emit_alu_ri32(b, XALU_AND, X_RCX, 0x1fe0));
    T("and eax, 0xfffff000", emit_alu_ri32(b, XALU_AND, X_RAX, 0xfffff000));
    T("add r9d, 0x7f", emit_alu_ri32(b, XALU_ADD, X_R9, 0x7f));
    T("sub r9d, -0x80", emit_alu_ri32(b, XALU_SUB, X_R9, 0xffffff80));
    T("add rsp, 0x1028", emit_alu_ri64(b, XALU_ADD, X_RSP, 0x1028));
    T("sub rsp, 8", emit_alu_ri64(b, XALU_SUB, X_RSP, 8));
    T("cmp rax, 0", emit_alu_ri64(b, XALU_CMP, X_RAX, 0));
    T("cmp dword ptr [rbp + 0x3c], 0", emit_alu_mi32(b, XALU_CMP, xmem_bd(X_RBP, 0x3c), 0));
    T("or dword ptr [rbp + 0x28], 0x8010000",
      emit_alu_mi32(b, XALU_OR, xmem_bd(X_RBP, 0x28), 0x8010000));
    T("cmp qword ptr [rbp + 0x48], 0", emit_alu_mi64(b, XALU_CMP, xmem_bd(X_RBP, 0x48), 0));
    T("sub byte ptr [rbp + 0x2000], 0x10", emit_alu_mi8(b, XALU_SUB, xmem_bd(X_RBP, 0x2000), 0x10));
    T("add byte ptr [r13 + rcx*2 + 1], 0xff",
      emit_alu_mi8(b, XALU_ADD, xmem_bid(X_R13, X_RCX, 2, 1), 0xff));
    T("add qword ptr [rax], 0x1000", emit_alu_mi64(b, XALU_ADD, xmem_bd(X_RAX, 0), 0x1000));
    T("cmp eax, dword ptr [rbp + rcx + 0x100]",
      emit_alu_rm32(b, XALU_CMP, X_RAX, xmem_bid(X_RBP, X_RCX, 1, 0x100)));
    T("add r8d, dword ptr [rsp + 0x20]", emit_alu_rm32(b, XALU_ADD, X_R8, xmem_bd(X_RSP, 0x20)));
    T("sub qword ptr [rbp + 0x48], rcx", emit_alu_mr64(b, XALU_SUB, xmem_bd(X_RBP, 0x48), X_RCX));
    T("add qword ptr [rbp + 0x50], rcx", emit_alu_mr64(b, XALU_ADD, xmem_bd(X_RBP, 0x50), X_RCX));
    T("test r12d, r12d", emit_test_rr32(b, X_R12, X_R12));
    T("test eax, ecx", emit_test_rr32(b, X_RAX, X_RCX));
    T("test edx, 1", emit_test_ri32(b, X_RDX, 1));
    T("test r10d, 0x80000000", emit_test_ri32(b, X_R10, 0x80000000));
    /* shifts, multiplies, one-operand forms */
    T("shl eax, cl", emit_shift_cl32(b, XSH_SHL, X_RAX));
    T("shr r11d, cl", emit_shift_cl32(b, XSH_SHR, X_R11));
    T("sar esi, cl", emit_shift_cl32(b, XSH_SAR, X_RSI));
    T("rol ebx, cl", emit_shift_cl32(b, XSH_ROL, X_RBX));
    T("ror r15d, cl", emit_shift_cl32(b, XSH_ROR, X_R15));
    T("shr ecx, 7", emit_shift_ri32(b, XSH_SHR, X_RCX, 7));
    T("rorx ecx, r9d, 7", emit_rorx32(b, X_RCX, X_R9, 7));
    T("imul r8d, r8d, 0x9e3779b1", emit_imul_rri32(b, X_R8, X_R8, 0x9e3779b1));
    T("imul eax, r11d, 0xa", emit_imul_rri32(b, X_RAX, X_R11, 10));
    T("imul r15d, esi, -3", emit_imul_rri32(b, X_R15, X_RSI, 0xfffffffd));
    T("rorx r10d, eax, 7", emit_rorx32(b, X_R10, X_RAX, 7));
    T("rorx ecx, esi, 0x1f", emit_rorx32(b, X_RCX, X_RSI, 31));
    T("shl r8d, 0x18", emit_shift_ri32(b, XSH_SHL, X_R8, 24));
    T("shr rax, 0x20", emit_shift_ri64(b, XSH_SHR, X_RAX, 32));
    T("imul eax, ecx", emit_imul_rr32(b, X_RAX, X_RCX));
    T("imul r9d, r14d", emit_imul_rr32(b, X_R9, X_R14));
    T("imul rax, rcx", emit_imul_rr64(b, X_RAX, X_RCX));
    T("movsxd rax, r10d", emit_movsxd(b, X_RAX, X_R10));
    T("movsxd rcx, ebx", emit_movsxd(b, X_RCX, X_RBX));
    T("not r13d", emit_not32(b, X_R13));
    T("neg eax", emit_neg32(b, X_RAX));
    T("bswap eax", emit_bswap32(b, X_RAX));
    T("bswap r12d", emit_bswap32(b, X_R12));
    T("movzx eax, sil", emit_movzx8(b, X_RAX, X_RSI));
    T("movzx r8d, r9b", emit_movzx8(b, X_R8, X_R9));
    T("movzx ebx, al", emit_movzx8(b, X_RBX, X_RAX));
    T("movsx edi, dil", emit_movsx8(b, X_RDI, X_RDI));
    T("movsx r10d, bl", emit_movsx8(b, X_R10, X_RBX));
    T("movzx ecx, r11w", emit_movzx16(b, X_RCX, X_R11));
    T("movsx eax, si", emit_movsx16(b, X_RAX, X_RSI));
    T("cmovne eax, r14d", emit_cmov32(b, XCC_NE, X_RAX, X_R14));
    T("cmovl edx, ecx", emit_cmov32(b, XCC_L, X_RDX, X_RCX));
    T("sete al", emit_setcc(b, XCC_E, X_RAX));
    T("setb sil", emit_setcc(b, XCC_B, X_RSI));
    T("setle r13b", emit_setcc(b, XCC_LE, X_R13));
    /* control flow: rel32 fields patched to a target in the same buffer */
    T("jne 0x1000", size_t at = emit_jcc32(b, XCC_NE); emit_patch_rel32(b, at, 0));
    T("jbe 0x1010", size_t at = emit_jcc32(b, XCC_BE); emit_patch_rel32(b, at, 0x10));
    T("jmp 0x1005", size_t at = emit_jmp32(b); emit_patch_rel32(b, at, 5));
    T("jmp qword ptr [rax + 0x60]", emit_jmp_m(b, xmem_bd(X_RAX, 0x60)));
    T("jmp qword ptr [rsi + 0x60]", emit_jmp_m(b, xmem_bd(X_RSI, 0x60)));
    T("jmp rcx", emit_jmp_r(b, X_RCX));
    T("call rax", emit_call_r(b, X_RAX));
    T("call r11", emit_call_r(b, X_R11));
    T("inc qword ptr [rax + 0x68]", emit_inc_m64(b, xmem_bd(X_RAX, 0x68)));
    T("push rbx; push r12; pop r15; pop rbp; ret",
      emit_push(b, X_RBX); emit_push(b, X_R12); emit_pop(b, X_R15); emit_pop(b, X_RBP);
      emit_ret(b));
    /* a full buffer drops bytes and says so, never writes past its end */
    {
        uint8_t mem[8] = { 0 };
        struct xbuf b = { .p = mem, .start = mem, .end = mem + 4 };
        emit_mov_ri64(&b, X_RAX, 0x1122334455667788ull);
        CHECK(b.overflow);
        CHECK_EQ(xbuf_len(&b), 4);
        CHECK_EQ(mem[4], 0);
    }
    cs_close(&cs);
    return check_done("test_x86_64_emit");
}

/* bytecode - a small stack machine run by a switch loop, as in simple
 * language interpreters: each iteration runs a program that sums a
 * Collatz-like sequence, with calls, a local array, compares and jumps. */
#include "shim.h"

enum op {
	PUSH, LOAD, STORE, ADD, SUB, MUL, AND, SHR, DUP, DROP,
	JZ, JMP, LT, CALL, RET, ALOAD, ASTORE, HALT,
};

/*
 * vars: 0 x, 1 steps, 2 acc. Program:
 *   while (x != 1 && steps < 200) {
 *     if (x & 1) x = 3x+1 else x = x>>1;
 *     arr[steps & 15] += x; acc += f(x)   where f(x) = (x * 5) & 255
 *     steps++
 *   }
 */
static const int32_t code[] = {
	/* 0 */ LOAD, 0, PUSH, 1, SUB, JZ, 69,
	/* 7 */ LOAD, 1, PUSH, 200, LT, JZ, 69,
	/* 14 */ LOAD, 0, PUSH, 1, AND, JZ, 33,
	/* 21 */ LOAD, 0, PUSH, 3, MUL, PUSH, 1, ADD, STORE, 0, JMP, 40,
	/* 33 */ LOAD, 0, PUSH, 1, SHR, STORE, 0,
	/* 40 */ LOAD, 1, PUSH, 15, AND, DUP, ALOAD, LOAD, 0, ADD, ASTORE,
	/* 51 */ LOAD, 0, CALL, 70, LOAD, 2, ADD, STORE, 2,
	/* 60 */ LOAD, 1, PUSH, 1, ADD, STORE, 1, JMP, 0,
	/* 69 */ HALT,
	/* 70: f(x) */ PUSH, 5, MUL, PUSH, 255, AND, RET,
};

static int32_t run(int32_t x, int32_t *arr)
{
	int32_t stack[64], vars[3] = { x, 0, 0 }, rstack[8];
	int sp = 0, rsp = 0, pc = 0;

	for (;;) {
		int32_t a, b;

		switch (code[pc++]) {
		case PUSH: stack[sp++] = code[pc++]; break;
		case LOAD: stack[sp++] = vars[code[pc++]]; break;
		case STORE: vars[code[pc++]] = stack[--sp]; break;
		case ADD: b = stack[--sp]; a = stack[--sp]; stack[sp++] = (int32_t)((uint32_t)a + (uint32_t)b); break;
		case SUB: b = stack[--sp]; a = stack[--sp]; stack[sp++] = (int32_t)((uint32_t)a - (uint32_t)b); break;
		case MUL: b = stack[--sp]; a = stack[--sp]; stack[sp++] = (int32_t)((uint32_t)a * (uint32_t)b); break;
		case AND: b = stack[--sp]; a = stack[--sp]; stack[sp++] = a & b; break;
		case SHR: b = stack[--sp]; a = stack[--sp]; stack[sp++] = (int32_t)((uint32_t)a >> b); break;
		case LT: b = stack[--sp]; a = stack[--sp]; stack[sp++] = a < b; break;
		case DUP: a = stack[sp - 1]; stack[sp++] = a; break;
		case DROP: sp--; break;
		case JZ: a = stack[--sp]; pc = a ? pc + 1 : code[pc]; break;
		case JMP: pc = code[pc]; break;
		case CALL: rstack[rsp++] = pc + 1; pc = code[pc]; break;
		case RET: pc = rstack[--rsp]; break;
		case ALOAD: a = stack[--sp]; stack[sp++] = arr[a & 15]; break;
		case ASTORE: b = stack[--sp]; a = stack[--sp]; arr[a & 15] = b; break;
		case HALT: return vars[2] + vars[1] * 65536;
		default: return -1;
		}
	}
}

uint32_t bench_run(uint32_t n)
{
	int32_t arr[16] = { 0 };
	uint32_t h = 0;

	for (uint32_t it = 0; it < n; it++)
		h = bench_mix(h, (uint32_t)run((int32_t)(it % 100000) + 27, arr));
	for (int i = 0; i < 16; i++)
		h = bench_mix(h, (uint32_t)arr[i]);
	return h;
}

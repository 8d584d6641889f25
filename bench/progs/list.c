/* list - linked-list workload: link 1024 nodes in a pseudo-random order,
 * walk them, insert into a sorted list, reverse, and unlink every third:
 * pointer chasing with poor locality, as in a kernel's object lists. */
#include "shim.h"

#define NODES 1024

struct node {
	struct node *next;
	uint32_t key;
	uint32_t pad[2];
};

static struct node pool[NODES];
static uint16_t order[NODES];

uint32_t bench_run(uint32_t n)
{
	uint32_t seed = 5, h = 0;

	for (int i = 0; i < NODES; i++)
		order[i] = (uint16_t)i;
	for (uint32_t it = 0; it < n; it++) {
		struct node *head = NULL, *sorted = NULL, *p, *prev;
		uint32_t sum = 0;

		/* Shuffle a little (Fisher-Yates over a window). */
		for (int i = 0; i < 64; i++) {
			uint32_t a = bench_rand(&seed) % NODES, b = bench_rand(&seed) % NODES;
			uint16_t t = order[a];

			order[a] = order[b];
			order[b] = t;
		}
		for (int i = 0; i < NODES; i++) {
			p = &pool[order[i]];
			p->key = bench_rand(&seed) & 0xffff;
			p->next = head;
			head = p;
		}
		for (p = head; p; p = p->next)
			sum += p->key;
		/* Insert the first 128 into a sorted list. */
		for (int i = 0; i < 128 && head; i++) {
			struct node **pp = &sorted;

			p = head;
			head = head->next;
			while (*pp && (*pp)->key < p->key)
				pp = &(*pp)->next;
			p->next = *pp;
			*pp = p;
		}
		/* Reverse the rest, then unlink every third node. */
		prev = NULL;
		while (head) {
			p = head->next;
			head->next = prev;
			prev = head;
			head = p;
		}
		head = prev;
		for (p = head; p && p->next; p = p->next)
			if (p->next->key % 3 == 0)
				p->next = p->next->next;
		for (p = head; p; p = p->next)
			sum = sum * 31 + p->key;
		for (p = sorted; p; p = p->next)
			sum = sum * 7 + p->key;
		h = bench_mix(h, sum);
	}
	return h;
}

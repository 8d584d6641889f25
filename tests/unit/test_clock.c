/*
 * test_clock.c - the guest's clock (base/timer.c clock_visible_ns): host
 * time less what bt86 spent away from the guest, repaid at 1/16 of each
 * advance.  Fed made-up host times and instruction counts, it must cap an
 * advance by the instructions retired, cap a halted CPU's late wake-up at
 * the next deadline, leave time spent translating (clock_steal) out, never
 * go backwards, and catch up with the host clock in the end.
 */
#include "check.h"
#include "base/timer.h"

#include <stdio.h>

/* clock_visible_ns makes the time: the clock's own reading is not used. */
static uint64_t zero(void *opaque)
{
    (void)opaque;
    return 0;
}

static struct clock clock;

static void nop(void *opaque)
{
    (void)opaque;
}

int main(void)
{
    uint64_t ic = 0, v, prev;
    clock_init(&clock, zero, NULL, NULL);

    /* Running, as the host sees it: 1 us for 20 instructions passes as is. */
    CHECK_EQ(clock_visible_ns(&clock, 1000, 1, ic), 1000);
    ic += 20;
    CHECK_EQ(clock_visible_ns(&clock, 2000, 1, ic), 2000);

    /* 60 us for 20 instructions (the host was elsewhere): at most
     * 20 * CLOCK_NS_PER_INSN + CLOCK_SLACK_NS = 3 us pass, plus 1/16 of
     * that repaid from the 57 us now owed. */
    ic += 20;
    v = clock_visible_ns(&clock, 62000, 1, ic);
    CHECK_EQ(v, 2000 + 3000 + 3000 / 16);

    /* Then 1 us for 20 instructions: 1 us plus 1/16 of it repaid. */
    ic += 20;
    prev = v;
    v = clock_visible_ns(&clock, 63000, 1, ic);
    CHECK_EQ(v - prev, 1000 + 1000 / 16);

    /* Translating for 40 us: the guest does not see it. */
    clock_steal(&clock, 40000);
    ic += 20;
    prev = v;
    v = clock_visible_ns(&clock, 63000 + 40000 + 1000, 1, ic);
    CHECK_EQ(v - prev, 1000 + 1000 / 16);

    /* Same block, no instruction retired: time still moves, by 1 us at most. */
    prev = v;
    v = clock_visible_ns(&clock, 104000 + 5000, 1, ic);
    CHECK_EQ(v - prev, CLOCK_SLACK_NS + CLOCK_SLACK_NS / 16);

    /* A long stretch of instructions: never more than CLOCK_MAX_GAP_NS. */
    ic += 1000000;
    prev = v;
    v = clock_visible_ns(&clock, 109000 + 10000000, 1, ic);
    CHECK_EQ(v - prev, CLOCK_MAX_GAP_NS + CLOCK_MAX_GAP_NS / 16);

    /* Halted with a timer due 1 ms ahead, woken 5 ms late: the clock stops
     * at the deadline (plus the slack), not past it. */
    struct timer t;
    timer_init(&t, &clock, nop, NULL);
    timer_mod(&t, v + 1000000);
    uint64_t host = 109000 + 10000000 + 6000000;
    prev = v;
    v = clock_visible_ns(&clock, host, 0, ic);
    CHECK_EQ(v, t.expire + CLOCK_SLACK_NS);
    CHECK(timers_run(&clock, v) == TIMER_NEVER);

    /* Halted with nothing pending: the host's time, and the debt is paid
     * back at 1/16 of it, never going backwards, until the clocks agree. */
    prev = v;
    int backwards = 0, rounds = 0;
    while (v < host && rounds < 100000) {
        host += 100000;
        v = clock_visible_ns(&clock, host, 0, ic);
        backwards |= v < prev;
        prev = v;
        rounds++;
    }
    CHECK(!backwards);
    CHECK_EQ(v, host);
    printf("clock: caught up with the host after %d ms of host time\n", rounds / 10);
    return check_done("test_clock");
}

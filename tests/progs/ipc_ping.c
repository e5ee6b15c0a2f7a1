/*
 * ipc_ping - IPC payloads survive a round trip. Spawns ipc_pong (allowed to
 * talk with us: MM_SPAWN_IPC_PARENT) with our pid as its argument, then
 * makes 1000 ipc_call round trips with pseudo-random values in the tag and
 * all seven words (including 0 and all-ones); ipc_pong answers each word
 * + 1 and tag + 1, and every reply is checked. A last call with tag
 * PONG_STOP ends ipc_pong, whose exit status must be 0.
 * Prints "ipc_ping: PASS" and exits 0. Protocol shared with ipc_pong.c.
 */
#include <stdio.h>
#include <stdint.h>
#include <pagoda/sys.h>

#define ROUNDS    1000
#define PONG_STOP 0x570b        /* random tags stay below 0x10000 but avoid it */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* A payload word: mostly random, sometimes an edge value. */
static uint64_t word(void)
{
	uint64_t r = next();
	switch (r & 7) {
	case 0: return 0;
	case 1: return ~0ULL;
	default: return next();
	}
}

static int round_trip(int pong, int i)
{
	struct ipc_msg m, sent;
	m.tag = (int64_t)(next() & 0xffff);
	if (m.tag == PONG_STOP)
		m.tag++;
	for (int w = 0; w < IPC_WORDS; w++)
		m.w[w] = word();
	sent = m;
	int err = ipc_call(pong, &m);
	if (err < 0) {
		printf("ipc_ping: FAIL: call %d: %s\n", i, pagoda_strerror(err));
		return -1;
	}
	int bad = m.tag != sent.tag + 1;
	for (int w = 0; w < IPC_WORDS; w++)
		bad |= m.w[w] != sent.w[w] + 1;
	if (bad) {
		printf("ipc_ping: FAIL: round %d: sent tag %lld w0 %#llx w6 %#llx, got tag %lld "
		       "w0 %#llx w6 %#llx\n", i, (long long)sent.tag,
		       (unsigned long long)sent.w[0], (unsigned long long)sent.w[6],
		       (long long)m.tag, (unsigned long long)m.w[0], (unsigned long long)m.w[6]);
		return -1;
	}
	return 0;
}

int main(void)
{
	char cmd[64];
	snprintf(cmd, sizeof cmd, "ipc_pong %d", (int)sys_getpid());
	int pong = mm_spawn(cmd, MM_SPAWN_IPC_PARENT);
	if (pong < 0) {
		printf("ipc_ping: FAIL: cannot spawn ipc_pong: %s\n", pagoda_strerror(pong));
		return 1;
	}
	int failed = 0;
	for (int i = 0; i < ROUNDS && !failed; i++)
		failed = round_trip(pong, i) < 0;
	struct ipc_msg stop = { .tag = PONG_STOP };
	int err = ipc_call(pong, &stop);
	if (err < 0 || stop.tag != PONG_STOP + 1) {
		printf("ipc_ping: FAIL: stop call: %s, reply tag %lld\n", pagoda_strerror(err),
		       (long long)stop.tag);
		failed = 1;
	}
	int status = -1;
	err = mm_wait(pong, &status);
	if (err < 0 || status != 0) {
		printf("ipc_ping: FAIL: ipc_pong: wait %s, status %d\n", pagoda_strerror(err), status);
		failed = 1;
	}
	if (failed)
		return 1;
	printf("ipc_ping: %d round trips, every payload right\n", ROUNDS);
	printf("ipc_ping: PASS\n");
	return 0;
}

/*
 * event.c - the paging-event ring (vmstat.h's mm_event, MM_EVENTS).
 *
 * While recording is on, each paging event - a minor or major fault, a
 * clean or dirty eviction, a swap-in - is appended to a ring of
 * MM_EVENT_RING records (pid, page address, frame, swap slot, and a
 * sequence number from 0 at MM_EVENTS_START). When the ring is full the
 * oldest record is overwritten and counted as lost. MM_EVENTS_READ moves
 * the oldest records into the caller's buffer and out of the ring, so a
 * reader that keeps up loses nothing; `events` (user/events.c) prints
 * them in the text format of docs/events.md.
 *
 * Recording costs nothing while it is off (one test in mm_event). The
 * ring is static: recording never allocates, so it can run in the fault
 * and reclaim paths when memory is short.
 */
#include "mm.h"
#include "vmstat.h"

_Static_assert(MM_EV_FAULT_MINOR == MM_EVENT_FAULT_MINOR && MM_EV_FAULT_MAJOR == MM_EVENT_FAULT_MAJOR &&
	       MM_EV_EVICT_CLEAN == MM_EVENT_EVICT_CLEAN && MM_EV_EVICT_DIRTY == MM_EVENT_EVICT_DIRTY &&
	       MM_EV_SWAPIN == MM_EVENT_SWAPIN, "vmstat.h's kinds are the ABI's");

static struct mm_event_rec ring[MM_EVENT_RING];
static uint64_t first, next;    /* sequence numbers: ring holds [first, next) */
static uint64_t lost;
static bool recording;

void mm_event(enum mm_event_kind kind, int pid, vaddr_t va, pfn_t pfn, uint64_t slot)
{
	if (!recording)
		return;
	if (next - first == MM_EVENT_RING) {
		first++;
		lost++;
	}
	ring[next % MM_EVENT_RING] = (struct mm_event_rec){
		.seq = next, .kind = (uint32_t)kind, .pid = pid, .va = va, .pfn = pfn, .slot = slot,
	};
	next++;
}

static int events_reply(struct ipc_msg *reply, int64_t tag)
{
	reply->tag = tag;
	reply->w[0] = lost;
	reply->w[1] = recording;
	return 1;
}

/* Move up to max of the oldest records to dst in p. -> how many, or -ERR_FAULT
 * (nothing leaves the ring then). */
static int64_t read_events(struct mm_proc *p, vaddr_t dst, uint64_t max)
{
	uint64_t n = next - first < max ? next - first : max, done = 0;
	while (done < n) {
		uint64_t at = (first + done) % MM_EVENT_RING;
		uint64_t run = MM_EVENT_RING - at < n - done ? MM_EVENT_RING - at : n - done;
		if (mm_copy_to(p, dst + done * sizeof ring[0], &ring[at], run * sizeof ring[0]) < 0)
			return -ERR_FAULT;
		done += run;
	}
	first += n;
	return (int64_t)n;
}

int mm_handle_events(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply)
{
	struct mm_proc *p = mm_proc_find(from->pid);
	if (!p || !p->alive)
		return events_reply(reply, -ERR_SRCH);
	switch (req->w[0]) {
	case MM_EVENTS_START:
		first = next = lost = 0;
		recording = true;
		return events_reply(reply, 0);
	case MM_EVENTS_STOP:
		recording = false;
		return events_reply(reply, 0);
	case MM_EVENTS_READ:
		if (req->w[2] == 0 || req->w[2] > MM_EVENT_RING)
			return events_reply(reply, -ERR_INVAL);
		return events_reply(reply, read_events(p, req->w[1], req->w[2]));
	default:
		return events_reply(reply, -ERR_INVAL);
	}
}

/*
 * main.c - the edu driver: start-up and its clients' requests
 * (pagoda/edu.h). The device manager starts it as "edu bb:dd.f" and makes
 * it the owner of that device (servers/devmgr).
 *
 * Start-up: it must own its device before it touches it. devmgr assigns
 * the device right after the spawn returns; dev_wait_owned (libsys)
 * waits for that, a bounded number of yields: started by hand, the
 * driver never will own it (ERR_PERM, and it exits). Then edu.c brings the
 * device up, and the driver serves requests for ever: a table of
 * handlers by tag under ipc_serve, the device's stray interrupts (one
 * that comes while no request waits for it) as kernel messages.
 *
 * Requests EDU_DMA_FIRST .. EDU_DMA_LAST belong to the DMA engine
 * (dma.c: one handler for all of them, handle_dma); a tag of that range
 * it does not know gets ERR_NOSYS, as an unknown tag does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <pagoda/sys.h>
#include <pagoda/dev.h>
#include <pagoda/edu.h>
#include "edu.h"
#include <pagoda/about.h>

PAGODA_ABOUT("driver for QEMU's edu device (factorial, DMA)");

static struct edu edu;

static int handle_hello(const struct ipc_msg *req, const struct ipc_from *from,
			struct ipc_msg *reply)
{
	reply->tag = 0;
	return 1;
}

static int handle_factorial(const struct ipc_msg *req, const struct ipc_from *from,
			    struct ipc_msg *reply)
{
	uint32_t result;
	int err = req->w[0] > UINT32_MAX ? -ERR_INVAL : edu_factorial(&edu, (uint32_t)req->w[0], &result);
	if (err == 0) {
		reply->w[0] = result;
		reply->w[1] = edu.interrupts;
	}
	reply->tag = err;
	return 1;
}

static int handle_liveness(const struct ipc_msg *req, const struct ipc_from *from,
			   struct ipc_msg *reply)
{
	if (req->w[0] > 0xffffffffu) {
		reply->tag = -ERR_INVAL;
		return 1;
	}
	uint32_t back = edu_liveness(&edu, (uint32_t)req->w[0]);
	reply->tag = 0;
	reply->w[0] = back;
	reply->w[1] = back == (uint32_t)~req->w[0];
	return 1;
}

static int handle_identify(const struct ipc_msg *req, const struct ipc_from *from,
			   struct ipc_msg *reply)
{
	reply->tag = 0;
	reply->w[0] = edu_id(&edu);
	reply->w[1] = edu.bdf;
	reply->w[2] = (uint64_t)edu.vector;
	return 1;
}

static int handle_irq_latency(const struct ipc_msg *req, const struct ipc_from *from,
			      struct ipc_msg *reply)
{
	reply->tag = 0;
	reply->w[0] = edu_irq_latency(&edu);
	return 1;
}

static int handle_dma(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply)
{
	return edu_dma_request(&edu, req, from, reply);
}

/* Kernel messages: a notification that no request waited for. */
static int kernel_message(const struct ipc_msg *m, const struct ipc_from *from,
			  struct ipc_msg *reply)
{
	if (m->tag == MSG_NOTIFY && (m->w[0] & EDU_NOTIFY_IRQ))
		edu_stray_interrupt(&edu);
	return 0;
}

static const ipc_handler handlers[EDU__REQUESTS] = {
	[DEV_DRIVER_HELLO] = handle_hello,
	[EDU_FACTORIAL]   = handle_factorial,
	[EDU_LIVENESS]    = handle_liveness,
	[EDU_IDENTIFY]    = handle_identify,
	[EDU_IRQ_LATENCY] = handle_irq_latency,
	[EDU_DMA_BUFFER ... EDU_DMA_BENCH] = handle_dma,
};

int main(int argc, char **argv)
{
	uint16_t bdf;
	if (argc != 2 || dev_bdf_parse(argv[1], &bdf) < 0) {
		printf("edu: usage: edu bb:dd.f (the device manager starts it)\n");
		return 2;
	}
	int err = dev_wait_owned(bdf);
	if (err < 0) {
		printf("edu: %s is not mine (%s): drivers get their device from the device manager\n",
		       argv[1], pagoda_strerror(err));
		return 1;
	}
	if (edu_bring_up(&edu, bdf) < 0)
		return 1;
	edu_dma_init(&edu);     /* without DMA memory the other requests still work */
	fflush(stdout);
	ipc_serve(handlers, EDU__REQUESTS, kernel_message);
}

/*
 * devcall.c - the driver system calls, SYS_DEV_FIRST .. SYS_DEV_LAST
 * (pagoda/syscall.h): any process may make them, and device.c decides
 * whether this caller may touch this device. Each handler only takes its
 * arguments out of the registers and, for SYS_DEV_INFO, checks and
 * copies the output buffer; the order of the checks (arguments, device,
 * caller) is device.c's, and nothing changes before they all pass.
 */
#include "kernel.h"
#include "sched.h"
#include "vm.h"
#include "syscall.h"
#include "device.h"
#include "arch/x86_64/syscall_regs.h"

/* (bdf, offset, width) -> value */
int64_t sys_dev_config_read(struct trapframe *tf)
{
	uint32_t v;
	int err = device_config_read(current_proc(), sc_arg(tf, 0), sc_arg(tf, 1), sc_arg(tf, 2), &v);
	return err < 0 ? err : (int64_t)v;
}

/* (bdf, offset, width, value) -> 0 */
int64_t sys_dev_config_write(struct trapframe *tf)
{
	return device_config_write(current_proc(), sc_arg(tf, 0), sc_arg(tf, 1), sc_arg(tf, 2),
				   sc_arg(tf, 3));
}

/* (bdf, struct dev_info *out) -> 0 */
int64_t sys_dev_info(struct trapframe *tf)
{
	struct dev_info info;
	vaddr_t out = sc_arg(tf, 1);
	int err = device_info(current_proc(), sc_arg(tf, 0), &info);
	if (err < 0)
		return err;
	err = vm_user_ready(sched_current, out, sizeof info, VM_WRITE);
	if (err < 0)
		return err;
	vm_copy_out(current_proc()->root, out, &info, sizeof info);
	return 0;
}

/* (bdf, bits) -> vector */
int64_t sys_dev_irq_bind(struct trapframe *tf)
{
	return device_irq_bind(current_proc(), sc_arg(tf, 0), sc_arg(tf, 1));
}

/* (bdf) -> 0 */
int64_t sys_dev_irq_unbind(struct trapframe *tf)
{
	return device_irq_unbind(current_proc(), sc_arg(tf, 0));
}

/* (bdf, pid) -> 0 */
int64_t sys_dev_assign(struct trapframe *tf)
{
	return device_assign(current_proc(), sc_arg(tf, 0), sc_arg(tf, 1));
}

/*
 * devmgr.h - the device enumerator's own view of the devices it found
 * (scan.c) and the drivers it started for them (main.c).
 */
#ifndef DEVMGR_H
#define DEVMGR_H

#include <stdint.h>

#define DEVMGR_MAX       32         /* functions listed */
#define DEVMGR_NAME_MAX  32         /* a driver's module name */

struct devmgr_device {
	uint16_t bdf;
	uint16_t vendor, device;
	uint32_t class_code;
	uint8_t msi_cap;
	int driver;                     /* its driver's pid; 0: unclaimed */
	char driver_name[DEVMGR_NAME_MAX];
};

/* Walk bus 0 and list it; fills out[0..n), returns n. */
int devmgr_scan(struct devmgr_device *out, int max);
/* A readable name for a function: known ids first, else its class. */
const char *devmgr_name(uint16_t vendor, uint16_t device, uint32_t class_code);

#endif

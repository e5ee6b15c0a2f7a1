/*
 * pagoda/error.h - the one error enum of the Pagoda ABI.
 *
 * Every system call and every server request answers with one of these.
 * System calls return a negative value (-ERR_x) on failure and a value >= 0
 * on success. Names start with ERR_ so they never collide with the C
 * library's errno macros; libsys translates them for newlib.
 */
#ifndef PAGODA_ERROR_H
#define PAGODA_ERROR_H

enum pagoda_err {
	ERR_OK      = 0,
	ERR_NOSYS   = 1,  /* no such system call or request */
	ERR_INVAL   = 2,  /* an argument is out of range or malformed */
	ERR_FAULT   = 3,  /* a pointer argument is not mapped for this access */
	ERR_PERM    = 4,  /* the caller may not do this */
	ERR_NOMEM   = 5,  /* out of memory */
	ERR_SRCH    = 6,  /* no such process or thread */
	ERR_AGAIN   = 7,  /* try again later */
	ERR_NOENT   = 8,  /* no such name (e.g. program module) */
	ERR_BUSY    = 9,  /* resource in use */
	ERR_NOSPC   = 10, /* a fixed-size table is full */
	ERR_DEAD    = 11, /* the peer died */
	ERR_BUG     = 12, /* an internal invariant was violated; the operation was refused */
	ERR__COUNT
};

/* A short, stable name for an error code ("ERR_INVAL"), or "ERR_?" . */
static inline const char *pagoda_strerror(int err)
{
	static const char *const names[ERR__COUNT] = {
		"ERR_OK", "ERR_NOSYS", "ERR_INVAL", "ERR_FAULT", "ERR_PERM",
		"ERR_NOMEM", "ERR_SRCH", "ERR_AGAIN", "ERR_NOENT", "ERR_BUSY",
		"ERR_NOSPC", "ERR_DEAD", "ERR_BUG",
	};
	if (err < 0)
		err = -err;
	return err < ERR__COUNT ? names[err] : "ERR_?";
}

#endif

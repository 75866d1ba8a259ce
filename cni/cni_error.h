/* CNI errors: the spec's well-known codes plus our own (1xx), carried in a
 * plain struct from where they happen to main(), which prints the error JSON. */
#ifndef CNI_ERROR_H
#define CNI_ERROR_H

#include <stdio.h>

enum cni_code {
	CNI_OK = 0,
	CNI_ERR_VERSION = 1,        /* incompatible CNI version */
	CNI_ERR_UNSUPPORTED = 2,    /* unsupported field in network configuration */
	CNI_ERR_UNKNOWN_CTR = 3,    /* container unknown or does not exist */
	CNI_ERR_ENV = 4,            /* invalid necessary environment variables */
	CNI_ERR_IO = 5,             /* I/O failure */
	CNI_ERR_DECODE = 6,         /* failed to decode content */
	CNI_ERR_CONFIG = 7,         /* invalid network config */
	CNI_ERR_TRY_AGAIN = 11,     /* try again later */
	CNI_ERR_NOT_AVAILABLE = 50, /* STATUS: cannot service ADD */
	/* Our own codes (the spec reserves 100+ for plugins). */
	CNI_ERR_INTERNAL = 100,      /* netlink or system call failed */
	CNI_ERR_IPAM_EXHAUSTED = 101,/* no address left in a range */
	CNI_ERR_IPAM_CORRUPT = 102,  /* an allocation entry cannot be parsed */
	CNI_ERR_LINK_EXISTS = 103,   /* an interface name we must create is taken */
	CNI_ERR_DELEGATE = 104,      /* the IPAM plugin could not be run or answered garbage */
	CNI_ERR_ATTACHED = 105,      /* ADD of an attachment that already holds addresses */
	CNI_ERR_CHECK_LINK = 110,    /* CHECK: an interface is missing or differs */
	CNI_ERR_CHECK_ADDR = 111,    /* CHECK: an address is missing */
	CNI_ERR_CHECK_ROUTE = 112,   /* CHECK: a route is missing */
	CNI_ERR_CHECK_IPAM = 113,    /* CHECK: the allocation record is missing */
};

struct cni_err {
	int code;
	char msg[128];
	char details[512];
};

/* Sets code, short message and printf-formatted details; returns -1 so that
 * callers can write `return cni_err_set(...)`. Keeps the first error set. */
int cni_err_set(struct cni_err *e, int code, const char *msg, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Overwrites whatever error was set before. */
int cni_err_reset(struct cni_err *e, int code, const char *msg, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Writes {"cniVersion","code","msg","details"} and a newline to out. */
void cni_err_print(const struct cni_err *e, const char *cni_version, FILE *out);

#endif

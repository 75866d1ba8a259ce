/* Which modules the running bgpd loaded (`-M NAME`), read from its command
 * line in /proc (world-readable, unlike /proc/PID/maps without ptrace rights):
 * the agent renders `bmp targets` only for a bgpd started with -M bmp, since
 * any other bgpd refuses the whole configuration over it. */
#ifndef BGP_AGENT_FRR_MODULES_H
#define BGP_AGENT_FRR_MODULES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* args: NUL-separated as in /proc/PID/cmdline. True when it loads module
 * ("-M bmp", "-Mbmp", "--module bmp", "--module=bmp", also with ":OPTIONS"). */
bool frr_args_have_module(const char *args, size_t len, const char *module);
/* The same for the process pid; false when its command line cannot be read. */
bool frr_bgpd_has_module(pid_t pid, const char *module);

#endif

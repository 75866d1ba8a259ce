/* Kernel parameters under /proc/sys of the current network namespace. */
#ifndef BGP_SYSCTL_H
#define BGP_SYSCTL_H

/* Sets /proc/sys/<key> (slash-separated, e.g. "net/ipv4/ip_forward": interface
 * names may contain dots) to value unless it already holds it. Returns 1 when
 * written, 0 when it was already set, -1 with errno set. */
int sysctl_set(const char *key, const char *value);

#endif

/* One agent per kernel table + protocol and per control socket: a second
 * `bgp-agent run` must not adopt the first one's routes, unlink its socket or
 * delete it on exit. Taken before anything is touched; released by the
 * kernel when the process ends, kill -9 included. */
#ifndef BGP_INSTANCE_LOCK_H
#define BGP_INSTANCE_LOCK_H

#include "config.h"

/* How long `run` waits by default for another agent to go (a rolling update
 * whose new pod starts before the old one is gone): the Kubernetes default
 * termination grace period. */
#define INSTANCE_WAIT_DEFAULT_S 30

struct instance_lock {
	int table_fd; /* abstract unix socket named after table + protocol (per netns) */
	int file_fd;  /* flock()ed "<control.socket>.lock" */
};

/* Takes both, waiting up to wait_s seconds for another agent to exit. 0 when
 * held; -1 (logged, with the other agent's pid where known) when another
 * agent still runs or the lock cannot be taken. */
int instance_lock_acquire(const struct agent_config *cfg, unsigned wait_s, struct instance_lock *l);
void instance_lock_release(struct instance_lock *l);

#endif

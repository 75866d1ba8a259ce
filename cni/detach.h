/* Work that must not delay the runtime: a child process detached from our
 * stdout (the runtime reads it until EOF) and from our session. */
#ifndef CNI_DETACH_H
#define CNI_DETACH_H

#include <sys/types.h>

/* Like fork(): 0 in the child (stdio on /dev/null, new session), the child's
 * pid in the parent, -1 on failure. The child must end with _exit(). */
pid_t detach_fork(void);

#endif

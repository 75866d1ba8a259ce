/* Runs a helper program (frr-reload.py) without a shell and without blocking
 * the event loop: the child's exit is a pidfd that becomes readable, its
 * stdout+stderr go to an anonymous memory file read after it exits. */
#ifndef BGP_AGENT_CHILD_PROCESS_H
#define BGP_AGENT_CHILD_PROCESS_H

#include <stdbool.h>
#include <sys/types.h>

struct child_process {
	pid_t pid;   /* 0 = none running */
	int pidfd;   /* readable when the child exited */
	int outfd;   /* memfd with the child's output */
};

void child_init(struct child_process *cp);
/* Starts argv[0] (an absolute path) with argv, stdin /dev/null, default signal
 * dispositions and an empty signal mask, in its own process group. 0, or -1
 * after logging. */
int child_spawn(struct child_process *cp, char *const argv[]);
bool child_running(const struct child_process *cp);
/* Collects the exit of a child whose pidfd is readable: the exit code (0-255),
 * or -1 when it died by a signal. *output (may be NULL) receives its output as
 * a heap string (the caller frees it). Closes the fds. */
int child_finish(struct child_process *cp, char **output);
/* Kills the child's whole process group (frr-reload.py runs vtysh) and reaps it. */
void child_kill(struct child_process *cp);

#endif

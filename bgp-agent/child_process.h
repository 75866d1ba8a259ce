/* Runs a helper program (frr-reload.py) without a shell and without blocking
 * the event loop: the child holds the write end of an "exit pipe" as fd 3,
 * so the read end becomes readable (EOF) when it exits; its stdout+stderr go
 * to an anonymous memory file read after it exits. (Not a pidfd: valgrind
 * 3.19 does not know pidfd_open, and the valgrind run must see this path.) */
#ifndef BGP_AGENT_CHILD_PROCESS_H
#define BGP_AGENT_CHILD_PROCESS_H

#include <stdbool.h>
#include <sys/types.h>

struct child_process {
	pid_t pid;   /* 0 = none running */
	int exitfd;  /* readable (EOF) when the child exited */
	int outfd;   /* memfd with the child's output */
};

void child_init(struct child_process *cp);
/* Starts argv[0] (an absolute path) with argv, stdin /dev/null, default signal
 * dispositions and an empty signal mask, in its own process group. 0, or -1
 * after logging. */
int child_spawn(struct child_process *cp, char *const argv[]);
bool child_running(const struct child_process *cp);
/* Collects the exit of a child whose exitfd is readable: the exit code (0-255),
 * or -1 when it died by a signal. *output (may be NULL) receives its output as
 * a heap string (the caller frees it). Closes the fds. */
int child_finish(struct child_process *cp, char **output);
/* Kills the child's whole process group (frr-reload.py runs vtysh) and reaps it. */
void child_kill(struct child_process *cp);

#endif

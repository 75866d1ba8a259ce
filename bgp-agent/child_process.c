#include "child_process.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"

extern char **environ;

void child_init(struct child_process *cp)
{
	cp->pid = 0;
	cp->exitfd = -1;
	cp->outfd = -1;
}

bool child_running(const struct child_process *cp)
{
	return cp->pid > 0;
}

/* The daemon blocks its signals for signalfd; a child inheriting that mask
 * could not be stopped with SIGTERM, so it gets an empty mask and defaults. */
static int spawn_attrs(posix_spawnattr_t *attr)
{
	sigset_t none, all;

	sigemptyset(&none);
	sigfillset(&all);
	if (posix_spawnattr_init(attr) != 0)
		return -1;
	posix_spawnattr_setsigmask(attr, &none);
	posix_spawnattr_setsigdefault(attr, &all);
	posix_spawnattr_setpgroup(attr, 0);
	posix_spawnattr_setflags(attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
					       POSIX_SPAWN_SETPGROUP);
	return 0;
}

/* exit_w becomes fd 3 without close-on-exec: the only open copy of the
 * pipe's write end once the parent closed its own. */
static int spawn_files(posix_spawn_file_actions_t *fa, int outfd, int exit_w)
{
	if (posix_spawn_file_actions_init(fa) != 0)
		return -1;
	posix_spawn_file_actions_addopen(fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(fa, outfd, 1);
	posix_spawn_file_actions_adddup2(fa, outfd, 2);
	posix_spawn_file_actions_adddup2(fa, exit_w, 3);
	return 0;
}

/* Both ends close-on-exec and above fd 3, so dup2(w, 3) in the child always
 * makes a fresh, inheritable copy. */
static int exit_pipe(int *r, int *w)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) != 0)
		return -1;
	*r = fcntl(p[0], F_DUPFD_CLOEXEC, 10);
	*w = fcntl(p[1], F_DUPFD_CLOEXEC, 10);
	close(p[0]);
	close(p[1]);
	if (*r < 0 || *w < 0) {
		if (*r >= 0)
			close(*r);
		if (*w >= 0)
			close(*w);
		return -1;
	}
	return 0;
}

static void spawn_failed(struct child_process *cp, int exit_w)
{
	if (exit_w >= 0)
		close(exit_w);
	if (cp->exitfd >= 0)
		close(cp->exitfd);
	if (cp->outfd >= 0)
		close(cp->outfd);
	child_init(cp);
}

int child_spawn(struct child_process *cp, char *const argv[])
{
	posix_spawnattr_t attr;
	posix_spawn_file_actions_t fa;
	int exit_w = -1, rc;

	child_init(cp);
	cp->outfd = memfd_create("child-output", MFD_CLOEXEC);
	if (cp->outfd < 0 || exit_pipe(&cp->exitfd, &exit_w) != 0) {
		log_error("cannot prepare to run %s", argv[0]);
		spawn_failed(cp, exit_w);
		return -1;
	}
	if (spawn_attrs(&attr) != 0 || spawn_files(&fa, cp->outfd, exit_w) != 0) {
		log_errorx("cannot prepare to run %s", argv[0]);
		spawn_failed(cp, exit_w);
		return -1;
	}
	rc = posix_spawn(&cp->pid, argv[0], &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (rc != 0) {
		errno = rc;
		log_error("cannot run \"%s\"", argv[0]);
		spawn_failed(cp, exit_w);
		return -1;
	}
	close(exit_w);
	return 0;
}

static char *read_output(int fd)
{
	struct stat st;
	char *buf;
	ssize_t n;

	if (fstat(fd, &st) != 0)
		return NULL;
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL)
		return NULL;
	n = pread(fd, buf, (size_t)st.st_size, 0);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void close_fds(struct child_process *cp)
{
	if (cp->exitfd >= 0)
		close(cp->exitfd);
	if (cp->outfd >= 0)
		close(cp->outfd);
	child_init(cp);
}

int child_finish(struct child_process *cp, char **output)
{
	int status = 0;
	int code;

	while (waitpid(cp->pid, &status, 0) < 0 && errno == EINTR)
		;
	code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	if (output != NULL)
		*output = read_output(cp->outfd);
	close_fds(cp);
	return code;
}

void child_kill(struct child_process *cp)
{
	int status;

	if (cp->pid <= 0)
		return;
	kill(-cp->pid, SIGKILL);
	kill(cp->pid, SIGKILL);
	while (waitpid(cp->pid, &status, 0) < 0 && errno == EINTR)
		;
	close_fds(cp);
}

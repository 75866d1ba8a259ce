/* Single-instance guard; see instance_lock.h. Three checks, none of which
 * changes anything another agent uses:
 *  - an abstract unix socket "bgp-agent/table/T/protocol/P": abstract names
 *    belong to the network namespace, as the routes do, so agents of other
 *    namespaces (other lab nodes) never collide, and it vanishes with us;
 *  - flock() on "<control.socket>.lock" (never unlinked: unlinking a lock
 *    file races with the next taker);
 *  - a connect() to the control socket: an agent without these locks (an
 *    older version in a rolling update) still answers there. */
#include "instance_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "atomic_file.h"
#include "event_loop.h"
#include "log.h"

#define RETRY_MS 200

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static socklen_t table_addr(const struct agent_config *cfg, struct sockaddr_un *sa)
{
	int n;

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	n = snprintf(sa->sun_path + 1, sizeof(sa->sun_path) - 1, "bgp-agent/table/%u/protocol/%u",
		     cfg->kernel.table, cfg->kernel.protocol);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
}

/* The pid of whoever listens on sa, or 0. */
static pid_t peer_pid(const struct sockaddr_un *sa, socklen_t len)
{
	struct ucred cred = { 0 };
	socklen_t clen = sizeof(cred);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	pid_t pid = 0;

	if (fd < 0)
		return 0;
	if (connect(fd, (const struct sockaddr *)sa, len) == 0 &&
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) == 0)
		pid = cred.pid;
	close(fd);
	return pid;
}

/* 0 taken, 1 busy (why filled in), -1 error (logged). */
static int take_table(const struct agent_config *cfg, struct instance_lock *l, char *why, size_t len)
{
	struct sockaddr_un sa;
	socklen_t salen = table_addr(cfg, &sa);
	pid_t pid;

	l->table_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l->table_fd < 0) {
		log_error("instance lock: socket");
		return -1;
	}
	if (bind(l->table_fd, (struct sockaddr *)&sa, salen) == 0 && listen(l->table_fd, 4) == 0)
		return 0;
	if (errno != EADDRINUSE) {
		log_error("instance lock: binding @%s", sa.sun_path + 1);
		return -1;
	}
	close_fd(&l->table_fd);
	pid = peer_pid(&sa, salen);
	snprintf(why, len, "another bgp-agent (pid %ld) manages table %u protocol %u in this "
		 "network namespace", (long)pid, cfg->kernel.table, cfg->kernel.protocol);
	return 1;
}

static int take_file(const struct agent_config *cfg, struct instance_lock *l, char *why, size_t len)
{
	char path[PATH_MAX], pid[32] = "";
	ssize_t n;

	if ((size_t)snprintf(path, sizeof(path), "%s.lock", cfg->control.socket) >= sizeof(path)) {
		log_errorx("instance lock: \"%s.lock\" is too long", cfg->control.socket);
		return -1;
	}
	if (mkdir_parents_of(path, 0755) != 0) {
		log_error("instance lock: creating the directory of %s", path);
		return -1;
	}
	l->file_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (l->file_fd < 0) {
		log_error("instance lock: opening %s", path);
		return -1;
	}
	if (flock(l->file_fd, LOCK_EX | LOCK_NB) == 0) {
		/* Our pid, for the message a second agent prints. */
		n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
		if (ftruncate(l->file_fd, 0) != 0 || pwrite(l->file_fd, pid, (size_t)n, 0) != n)
			log_warn("instance lock: writing the pid into %s", path);
		return 0;
	}
	if (errno != EWOULDBLOCK) {
		log_error("instance lock: flock %s", path);
		return -1;
	}
	n = pread(l->file_fd, pid, sizeof(pid) - 1, 0);
	pid[n > 0 ? n : 0] = '\0';
	pid[strcspn(pid, "\n")] = '\0';
	close_fd(&l->file_fd);
	snprintf(why, len, "another bgp-agent (pid %s) holds %s", pid[0] ? pid : "?", path);
	return 1;
}

/* Someone answers on the control socket: an agent that takes no locks. */
static int probe_socket(const struct agent_config *cfg, char *why, size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	pid_t pid;

	if ((size_t)snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", cfg->control.socket) >=
	    sizeof(sa.sun_path))
		return 0; /* refused by check-config: nobody can listen there */
	pid = peer_pid(&sa, sizeof(sa));
	if (pid == 0)
		return 0;
	snprintf(why, len, "another bgp-agent (pid %ld) answers on %s", (long)pid, sa.sun_path);
	return 1;
}

static int try_once(const struct agent_config *cfg, struct instance_lock *l, char *why, size_t len)
{
	int rc = take_table(cfg, l, why, len);

	if (rc == 0)
		rc = take_file(cfg, l, why, len);
	if (rc == 0)
		rc = probe_socket(cfg, why, len);
	if (rc != 0)
		instance_lock_release(l);
	return rc;
}

int instance_lock_acquire(const struct agent_config *cfg, unsigned wait_s, struct instance_lock *l)
{
	uint64_t deadline = monotonic_ms() + (uint64_t)wait_s * 1000;
	char why[PATH_MAX + 128];
	bool told = false;
	int rc;

	l->table_fd = l->file_fd = -1;
	while ((rc = try_once(cfg, l, why, sizeof(why))) == 1 && monotonic_ms() < deadline) {
		if (!told)
			log_warnx("%s; waiting up to %u s for it to exit", why, wait_s);
		told = true;
		nanosleep(&(struct timespec){ .tv_nsec = RETRY_MS * 1000000L }, NULL);
	}
	if (rc == 1)
		log_errorx("%s; not starting (nothing was changed: routes, FRR and the control "
			   "socket are left to it)", why);
	else if (rc == 0 && told)
		log_info("the other bgp-agent is gone; taking over");
	return rc == 0 ? 0 : -1;
}

void instance_lock_release(struct instance_lock *l)
{
	close_fd(&l->table_fd);
	close_fd(&l->file_fd);
}

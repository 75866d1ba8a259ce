#include "event_loop.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define EVENT_BATCH 16

struct event_source {
	int fd;
	event_cb cb;
	void *arg;
	struct event_source *next;
};

struct event_loop {
	int epfd;
	struct event_source *sources;
	/* Removed sources are freed only after the current dispatch round, because
	 * a later event of the same epoll_wait batch may still point at them. */
	struct event_source *graveyard;
};

struct event_loop *event_loop_new(void)
{
	struct event_loop *loop = calloc(1, sizeof(*loop));

	if (loop == NULL) {
		log_error("event loop");
		return NULL;
	}
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0) {
		log_error("epoll_create1");
		free(loop);
		return NULL;
	}
	return loop;
}

static void free_list(struct event_source *s)
{
	while (s != NULL) {
		struct event_source *next = s->next;
		free(s);
		s = next;
	}
}

void event_loop_free(struct event_loop *loop)
{
	if (loop == NULL)
		return;
	free_list(loop->sources);
	free_list(loop->graveyard);
	close(loop->epfd);
	free(loop);
}

int event_loop_add(struct event_loop *loop, int fd, event_cb cb, void *arg)
{
	return event_loop_add_events(loop, fd, EPOLLIN, cb, arg);
}

static struct event_source *find_source(struct event_loop *loop, int fd)
{
	for (struct event_source *s = loop->sources; s != NULL; s = s->next)
		if (s->fd == fd)
			return s;
	return NULL;
}

int event_loop_set_events(struct event_loop *loop, int fd, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = find_source(loop, fd) };

	if (ev.data.ptr == NULL || epoll_ctl(loop->epfd, EPOLL_CTL_MOD, fd, &ev) != 0) {
		log_error("epoll_ctl mod fd %d", fd);
		return -1;
	}
	return 0;
}

int event_loop_add_events(struct event_loop *loop, int fd, uint32_t events, event_cb cb,
			  void *arg)
{
	struct event_source *s = calloc(1, sizeof(*s));
	struct epoll_event ev = { .events = events };

	if (s == NULL) {
		log_error("event source");
		return -1;
	}
	s->fd = fd;
	s->cb = cb;
	s->arg = arg;
	ev.data.ptr = s;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
		log_error("epoll_ctl add fd %d", fd);
		free(s);
		return -1;
	}
	s->next = loop->sources;
	loop->sources = s;
	return 0;
}

void event_loop_del(struct event_loop *loop, int fd)
{
	for (struct event_source **pp = &loop->sources; *pp != NULL; pp = &(*pp)->next) {
		struct event_source *s = *pp;

		if (s->fd != fd)
			continue;
		epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
		*pp = s->next;
		s->cb = NULL;
		s->next = loop->graveyard;
		loop->graveyard = s;
		return;
	}
}

int event_loop_run_once(struct event_loop *loop, int timeout_ms)
{
	struct epoll_event evs[EVENT_BATCH];
	int n = epoll_wait(loop->epfd, evs, EVENT_BATCH, timeout_ms);

	if (n < 0) {
		if (errno == EINTR)
			return 0;
		log_error("epoll_wait");
		return -1;
	}
	for (int i = 0; i < n; i++) {
		struct event_source *s = evs[i].data.ptr;

		if (s->cb != NULL)
			s->cb(s->fd, evs[i].events, s->arg);
	}
	free_list(loop->graveyard);
	loop->graveyard = NULL;
	return 0;
}

int timer_create_fd(void)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);

	if (fd < 0)
		log_error("timerfd_create");
	return fd;
}

static struct timespec ms_to_timespec(uint64_t ms)
{
	struct timespec ts = { .tv_sec = (time_t)(ms / 1000),
			       .tv_nsec = (long)(ms % 1000) * 1000000L };
	return ts;
}

int timer_arm(int fd, uint64_t first_ms, uint64_t period_ms)
{
	struct itimerspec its = { .it_value = ms_to_timespec(first_ms),
				  .it_interval = ms_to_timespec(period_ms) };

	if (timerfd_settime(fd, 0, &its, NULL) != 0) {
		log_error("timerfd_settime");
		return -1;
	}
	return 0;
}

void timer_ack(int fd)
{
	uint64_t count;

	/* EAGAIN when re-armed in between: nothing to acknowledge. */
	if (read(fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		log_warn("timerfd read");
}

uint64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The daemon's single event loop: epoll over file descriptors, each with one
 * callback, plus timerfd helpers. Everything the agent reacts to (signals,
 * timers, netlink, control clients, child processes) is an fd here, so the
 * daemon never blocks in more than one place. */
#ifndef BGP_AGENT_EVENT_LOOP_H
#define BGP_AGENT_EVENT_LOOP_H

#include <stdbool.h>
#include <stdint.h>

struct event_loop;

/* Called with the epoll events (EPOLLIN, EPOLLHUP, ...) of fd. */
typedef void (*event_cb)(int fd, uint32_t events, void *arg);

struct event_loop *event_loop_new(void);
void event_loop_free(struct event_loop *loop);
/* Watches fd for input. 0, or -1 after logging. */
int event_loop_add(struct event_loop *loop, int fd, event_cb cb, void *arg);
/* Watches fd for events (EPOLLIN, EPOLLOUT, ...). 0, or -1 after logging. */
int event_loop_add_events(struct event_loop *loop, int fd, uint32_t events, event_cb cb,
			  void *arg);
/* Changes what a watched fd waits for (e.g. EPOLLOUT while output is queued). */
int event_loop_set_events(struct event_loop *loop, int fd, uint32_t events);
/* Stops watching fd (does not close it). Safe from inside a callback. */
void event_loop_del(struct event_loop *loop, int fd);
/* Waits up to timeout_ms (-1 = forever) and dispatches what is ready.
 * 0, or -1 on a fatal epoll error. */
int event_loop_run_once(struct event_loop *loop, int timeout_ms);

/* A non-blocking CLOCK_MONOTONIC timerfd; -1 after logging. */
int timer_create_fd(void);
/* Arms fd to fire after first_ms, then every period_ms (0 = once). first_ms 0
 * disarms it. */
int timer_arm(int fd, uint64_t first_ms, uint64_t period_ms);
/* Reads the expiration count so a level-triggered fd stops firing. */
void timer_ack(int fd);
/* Monotonic clock in milliseconds. */
uint64_t monotonic_ms(void);

#endif

/* Applies the rendered FRR configuration to the running FRR: write the file
 * atomically, `frr-reload.py --test`, then `--reload`, asynchronously (the
 * event loop keeps reconciling routes meanwhile) and bounded in time.
 *
 * A bgpd without any BGP instance (FRR just started with a bootstrap
 * configuration) gets the whole file in one pass instead: `vtysh -C -f` checks
 * it, `vtysh -f` loads it. That is about 2 s faster than frr-reload.py's
 * --test and two-pass --reload, and one configuration load means bgpd holds
 * the new peers until the whole file is in (1 s after its end), so the first
 * session comes up once, with everything configured.
 *
 * Nothing is sent when the render is byte-identical to the last one applied
 * to the same bgpd process: reloading an unchanged config is where other
 * projects flapped sessions. A new bgpd pid (FRR restarted) forces a re-apply.
 * FRR not running: retry with exponential back-off (1 s .. 30 s), logging once
 * per state change. */
#ifndef BGP_AGENT_FRR_APPLY_H
#define BGP_AGENT_FRR_APPLY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "child_process.h"
#include "config.h"
#include "event_loop.h"
#include "frr_vty.h"

enum frr_apply_state {
	FRR_STATE_UNKNOWN,
	FRR_STATE_DOWN,         /* bgpd not running / vty not reachable */
	FRR_STATE_APPLYING,     /* frr-reload.py running */
	FRR_STATE_APPLIED,      /* running config == our render */
	FRR_STATE_FAILED,       /* render or reload failed; see last_result */
};

enum frr_apply_stage {
	APPLY_IDLE,
	APPLY_PROBE,  /* asking bgpd whether it has a BGP instance yet */
	APPLY_CHECK,  /* vtysh -C -f: first load, dry run */
	APPLY_LOAD,   /* vtysh -f: first load */
	APPLY_TEST,   /* frr-reload.py --test: the difference */
	APPLY_RELOAD, /* frr-reload.py --reload */
};

struct frr_apply {
	const struct agent_config *cfg;
	struct event_loop *loop;
	int timer_fd;                /* 1 s tick: pid check, back-off, timeout */
	struct child_process child;
	struct frr_vty vty;          /* the instance probe */
	struct frr_reply reply;
	enum frr_apply_stage stage;
	uint64_t child_deadline_ms;
	uint64_t next_attempt_ms;    /* back-off: no attempt before this */
	unsigned backoff_ms;

	char *desired;               /* current render (NULL: render failed) */
	char *applied;               /* last render applied successfully */
	char *in_flight;             /* the render the running attempt sends */
	pid_t applied_pid;           /* bgpd it was applied to */
	pid_t bgpd_pid;              /* last seen */
	pid_t attempt_pid;

	enum frr_apply_state state;
	enum frr_apply_state logged_state; /* last one written to the log */
	char last_result[512];       /* human-readable outcome of the last attempt */
	time_t last_change;          /* wall clock of the last state change */
	unsigned n_applied;          /* reloads sent */
	unsigned n_unchanged;        /* reloads/restarts that needed nothing sent */
	unsigned n_failed;           /* attempts that ended in FRR_STATE_FAILED */
	uint64_t attempt_start;      /* latency_start() of the running attempt */
	bool bgpd_bmp;               /* bgpd_pid runs with -M bmp: `bmp targets` rendered */
	pid_t bmp_checked_pid;       /* the bgpd bgpd_bmp was read from */
};

/* Renders cfg and starts applying it. 0, or -1 when the timer cannot be made. */
int frr_apply_init(struct frr_apply *fa, struct event_loop *loop, const struct agent_config *cfg);
void frr_apply_free(struct frr_apply *fa);
/* After a config reload: re-render; applies only when the text changed. */
void frr_apply_config_changed(struct frr_apply *fa);
/* Someone (the route poller) saw bgpd go away or come back: check now. */
void frr_apply_poke(struct frr_apply *fa);
const char *frr_apply_state_name(enum frr_apply_state s);
/* The running bgpd has the BMP module and frr.bmp_port is set: its config
 * carries the `bmp listener` the BMP station connects to. */
bool frr_apply_bmp_enabled(const struct frr_apply *fa);
/* bgpd's pid from <vty_dir>/bgpd.pid, 0 when absent. */
pid_t frr_bgpd_pid(const struct agent_config *cfg);

#endif

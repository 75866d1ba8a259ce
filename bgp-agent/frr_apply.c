#include "frr_apply.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "atomic_file.h"
#include "frr_modules.h"
#include "latency.h"
#include "frr_version.h"
#include "log.h"
#include "render_frr.h"

#define TICK_MS 1000
#define BACKOFF_MIN_MS 1000
#define BACKOFF_MAX_MS 30000
#define RELOAD_TIMEOUT_MS 30000
#define PROBE_TIMEOUT_MS 2000
#define MAX_LOGGED_LINES 40

static void attempt(struct frr_apply *fa);

static const char *const stage_names[] = {
	[APPLY_IDLE] = "-",
	[APPLY_PROBE] = FRR_BGP_INSTANCES_CMD,
	[APPLY_CHECK] = "vtysh -C -f",
	[APPLY_LOAD] = "vtysh -f",
	[APPLY_TEST] = "frr-reload.py --test",
	[APPLY_RELOAD] = "frr-reload.py --reload",
};

static const char *const state_names[] = {
	[FRR_STATE_UNKNOWN] = "unknown",
	[FRR_STATE_DOWN] = "down",
	[FRR_STATE_APPLYING] = "applying",
	[FRR_STATE_APPLIED] = "applied",
	[FRR_STATE_FAILED] = "failed",
};

const char *frr_apply_state_name(enum frr_apply_state s)
{
	return state_names[s];
}

/* Logs only transitions between down/failed/applied (the applying step in
 * between does not count), so a long FRR outage or a config FRR keeps
 * refusing is one line, not one per retry. */
static void set_state(struct frr_apply *fa, enum frr_apply_state s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_state(struct frr_apply *fa, enum frr_apply_state s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(fa->last_result, sizeof(fa->last_result), fmt, ap);
	va_end(ap);
	if (fa->state != s)
		fa->last_change = time(NULL);
	if (s == FRR_STATE_FAILED)
		fa->n_failed++;
	if (fa->state == FRR_STATE_APPLYING && s != FRR_STATE_APPLYING)
		latency_observe_since(LATENCY_FRR_APPLY, fa->attempt_start);
	if (s == FRR_STATE_APPLYING)
		fa->attempt_start = latency_start();
	fa->state = s;
	if (s == FRR_STATE_APPLYING || s == fa->logged_state)
		return;
	fa->logged_state = s;
	if (s == FRR_STATE_FAILED || s == FRR_STATE_DOWN)
		log_warnx("frr: %s", fa->last_result);
	else
		log_info("frr: %s", fa->last_result);
}

pid_t frr_bgpd_pid(const struct agent_config *cfg)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];
	char *text;
	long pid;

	config_vty_dir(cfg, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/bgpd.pid", dir);
	text = read_whole_file(path, NULL);
	if (text == NULL)
		return 0;
	pid = strtol(text, NULL, 10);
	free(text);
	if (pid <= 0 || kill((pid_t)pid, 0) != 0)
		return 0;
	return (pid_t)pid;
}

/* A pid file can outlive a crashed bgpd; the vty socket accepting a connection
 * is what frr-reload.py (vtysh) needs. */
static bool bgpd_reachable(const struct agent_config *cfg)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[PATH_MAX];
	int fd, rc;

	config_vty_dir(cfg, dir, sizeof(dir));
	if ((size_t)snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/bgpd.vty", dir) >=
	    sizeof(sa.sun_path))
		return false;
	/* Non-blocking: a stopped bgpd's full backlog would block connect()
	 * (EAGAIN then: it is there, just not answering). */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return false;
	rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	if (rc != 0 && errno == EAGAIN)
		rc = 0;
	close(fd);
	return rc == 0;
}

static void render_desired(struct frr_apply *fa)
{
	char *errtext = NULL;
	size_t errlen = 0;
	FILE *err = open_memstream(&errtext, &errlen);
	char *out = NULL;

	free(fa->desired);
	fa->desired = NULL;
	if (err == NULL) {
		log_error("open_memstream");
		return;
	}
	/* Without the module bgpd refuses `bmp targets`, and with it the rest. */
	struct agent_config view = *fa->cfg;

	if (!fa->bgpd_bmp)
		view.frr.bmp_port = 0;
	if (render_frr_config(&view, &out, err) == 0)
		fa->desired = out;
	else
		free(out);
	fclose(err);
	if (fa->desired == NULL)
		set_state(fa, FRR_STATE_FAILED, "cannot render the FRR configuration: %s",
			  errlen > 0 ? errtext : "(no detail)");
	free(errtext);
}

static void schedule_retry(struct frr_apply *fa)
{
	fa->next_attempt_ms = monotonic_ms() + fa->backoff_ms;
	fa->backoff_ms = fa->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : fa->backoff_ms * 2;
}

/* frr-reload.py's output, line by line, at debug level (it is long: every
 * added line comes with its context). */
static void log_output(const char *what, const char *text)
{
	const char *p = text;
	int n = 0;

	while (p != NULL && *p != '\0' && n < MAX_LOGGED_LINES) {
		const char *nl = strchr(p, '\n');
		int len = nl != NULL ? (int)(nl - p) : (int)strlen(p);

		if (len > 0) {
			log_debug("frr: %s: %.*s", what, len, p);
			n++;
		}
		p = nl != NULL ? nl + 1 : NULL;
	}
}

/* Counts the lines of the --test diff sections, for one info line per apply.
 * Returns the total: 0 means FRR already runs exactly this configuration. */
static unsigned log_diff_summary(const char *text)
{
	unsigned del = 0, add = 0, *section = NULL;
	const char *p = text;

	while (p != NULL && *p != '\0') {
		const char *nl = strchr(p, '\n');

		if (strncmp(p, "Lines To Delete", 15) == 0)
			section = &del;
		else if (strncmp(p, "Lines To Add", 12) == 0)
			section = &add;
		else if (section != NULL && *p != '=' && *p != '\n' && !(*p >= '0' && *p <= '9'))
			(*section)++;
		p = nl != NULL ? nl + 1 : NULL;
	}
	if (del + add > 0)
		log_info("frr: applying: %u line(s) to remove, %u line(s) to add (with their context)",
			 del, add);
	return del + add;
}

/* Every reload that sent something is logged (it changed the router);
 * "nothing to send" only as a transition. */
static void applied(struct frr_apply *fa, bool sent)
{
	free(fa->applied);
	fa->applied = fa->in_flight;
	fa->in_flight = NULL;
	fa->applied_pid = fa->attempt_pid;
	fa->backoff_ms = BACKOFF_MIN_MS;
	fa->stage = APPLY_IDLE;
	if (sent) {
		fa->n_applied++;
		fa->logged_state = FRR_STATE_APPLIED;
		log_info("frr: configuration applied to bgpd pid %d", (int)fa->applied_pid);
	} else {
		fa->n_unchanged++;
	}
	set_state(fa, FRR_STATE_APPLIED, sent ? "configuration applied to bgpd pid %d"
					      : "bgpd pid %d already runs this configuration; nothing sent",
		  (int)fa->applied_pid);
	/* The config was reloaded while this attempt ran. */
	if (fa->desired != NULL && strcmp(fa->desired, fa->applied) != 0)
		attempt(fa);
}

static void start_stage(struct frr_apply *fa, enum frr_apply_stage stage);

static void child_done(int fd, uint32_t events, void *arg)
{
	struct frr_apply *fa = arg;
	char *out = NULL;
	int code;

	(void)fd;
	(void)events;
	event_loop_del(fa->loop, fa->child.exitfd);
	code = child_finish(&fa->child, &out);
	if (code != 0 && (fa->stage == APPLY_CHECK || fa->stage == APPLY_LOAD)) {
		/* The one-pass load is only a shortcut: frr-reload.py gives the
		 * verdict, and after a partial load it sends what is missing. */
		log_output(stage_names[fa->stage], out);
		log_warnx("frr: %s failed (exit %d); applying with frr-reload.py instead",
			  stage_names[fa->stage], code);
		start_stage(fa, APPLY_TEST);
	} else if (code != 0) {
		log_output(stage_names[fa->stage], out);
		set_state(fa, FRR_STATE_FAILED, "%s failed (exit %d)%s%.300s", stage_names[fa->stage],
			  code, out != NULL && *out != '\0' ? ": " : "", out != NULL ? out : "");
		fa->stage = APPLY_IDLE;
		schedule_retry(fa);
	} else if (fa->stage == APPLY_CHECK) {
		start_stage(fa, APPLY_LOAD);
	} else if (fa->stage == APPLY_TEST) {
		log_output("diff", out);
		/* e.g. the agent restarted: FRR already has it, a reload would only
		 * re-send lines (and `vtysh write`) for nothing. */
		if (log_diff_summary(out) == 0)
			applied(fa, false);
		else
			start_stage(fa, APPLY_RELOAD);
	} else {
		log_output(stage_names[fa->stage], out);
		if (fa->stage == APPLY_LOAD)
			log_info("frr: bgpd pid %d had no BGP instance: configuration loaded in one pass",
				 (int)fa->attempt_pid);
		applied(fa, true);
	}
	free(out);
}

static void start_stage(struct frr_apply *fa, enum frr_apply_stage stage)
{
	const struct agent_config *c = fa->cfg;
	bool vtysh = stage == APPLY_CHECK || stage == APPLY_LOAD;
	const char *cmd = vtysh ? c->frr.vtysh_cmd : c->frr.reload_cmd;
	char *argv[10];
	int n = 0;

	argv[n++] = (char *)cmd;
	if (vtysh && c->frr.pathspace[0] != '\0') {
		argv[n++] = "-N";
		argv[n++] = (char *)c->frr.pathspace;
	}
	if (stage == APPLY_CHECK)
		argv[n++] = "-C";
	if (vtysh)
		argv[n++] = "-f";
	if (!vtysh) {
		argv[n++] = stage == APPLY_TEST ? "--test" : "--reload";
		argv[n++] = "--stdout";
		if (c->frr.pathspace[0] != '\0') {
			argv[n++] = "--pathspace";
			argv[n++] = (char *)c->frr.pathspace;
		}
	}
	argv[n++] = (char *)c->frr.config_file;
	argv[n] = NULL;
	fa->stage = stage;
	if (child_spawn(&fa->child, argv) != 0 ||
	    event_loop_add(fa->loop, fa->child.exitfd, child_done, fa) != 0) {
		child_kill(&fa->child);
		fa->stage = APPLY_IDLE;
		set_state(fa, FRR_STATE_FAILED, "cannot run %s", cmd);
		schedule_retry(fa);
		return;
	}
	fa->child_deadline_ms = monotonic_ms() + RELOAD_TIMEOUT_MS;
}

static void on_probe(void *arg, int rc, struct frr_reply *reply)
{
	struct frr_apply *fa = arg;
	long instances = rc == FRR_VTY_OK ? frr_bgp_instances_parse(reply->out, reply->len) : -1;

	if (instances < 0)
		log_debug("frr: %s: %s", FRR_BGP_INSTANCES_CMD,
			  rc == FRR_VTY_OK ? "unexpected answer" : frr_vty_strerror(rc));
	start_stage(fa, instances == 0 ? APPLY_CHECK : APPLY_TEST);
}

/* A bgpd this agent has not configured yet may still run its bootstrap
 * configuration; any doubt takes the frr-reload.py path. */
static void probe_or_test(struct frr_apply *fa)
{
	fa->stage = APPLY_PROBE;
	if (fa->vty.timer_fd < 0 ||
	    frr_vty_request(&fa->vty, FRR_BGP_INSTANCES_CMD, PROBE_TIMEOUT_MS, &fa->reply, on_probe,
			    fa) != FRR_VTY_OK)
		start_stage(fa, APPLY_TEST);
}

static bool frr_down(struct frr_apply *fa)
{
	fa->bgpd_pid = frr_bgpd_pid(fa->cfg);
	if (fa->bgpd_pid != 0 && bgpd_reachable(fa->cfg))
		return false;
	set_state(fa, FRR_STATE_DOWN, "bgpd is not running (no pid or vty socket in %s%s%s); "
		  "retrying with back-off", fa->cfg->frr.run_dir,
		  fa->cfg->frr.pathspace[0] != '\0' ? "/" : "", fa->cfg->frr.pathspace);
	schedule_retry(fa);
	return true;
}

/* Each new bgpd: does it have the BMP module? The render follows. */
static void check_bgpd_bmp(struct frr_apply *fa)
{
	bool has;

	if (fa->bgpd_pid == fa->bmp_checked_pid || fa->cfg->frr.bmp_port == 0)
		return;
	fa->bmp_checked_pid = fa->bgpd_pid;
	has = frr_bgpd_has_module(fa->bgpd_pid, "bmp");
	if (!has)
		log_warnx("frr: bgpd (pid %d) runs without the BMP module: learning routes "
			  "through the vty only (start bgpd with -M bmp for pushed updates)",
			  (int)fa->bgpd_pid);
	if (has == fa->bgpd_bmp)
		return;
	fa->bgpd_bmp = has;
	render_desired(fa);
}

bool frr_apply_bmp_enabled(const struct frr_apply *fa)
{
	return fa->bgpd_bmp && fa->cfg->frr.bmp_port != 0;
}

static void attempt(struct frr_apply *fa)
{
	if (fa->stage != APPLY_IDLE || fa->desired == NULL || frr_down(fa))
		return;
	check_bgpd_bmp(fa);
	if (fa->desired == NULL)
		return;
	if (fa->applied != NULL && fa->bgpd_pid == fa->applied_pid &&
	    strcmp(fa->applied, fa->desired) == 0) {
		fa->backoff_ms = BACKOFF_MIN_MS;
		if (fa->state != FRR_STATE_APPLIED)
			set_state(fa, FRR_STATE_APPLIED, "configuration unchanged; nothing sent");
		return;
	}
	if (fa->applied_pid != 0 && fa->bgpd_pid != fa->applied_pid)
		log_info("frr: bgpd restarted (pid %d -> %d); re-applying the configuration",
			 (int)fa->applied_pid, (int)fa->bgpd_pid);
	free(fa->in_flight);
	fa->in_flight = strdup(fa->desired);
	if (fa->in_flight == NULL ||
	    atomic_write_file(fa->cfg->frr.config_file, fa->desired, strlen(fa->desired),
			      0640) != 0) {
		set_state(fa, FRR_STATE_FAILED, "cannot write \"%s\": %s",
			  fa->cfg->frr.config_file, strerror(errno));
		schedule_retry(fa);
		return;
	}
	fa->attempt_pid = fa->bgpd_pid;
	set_state(fa, FRR_STATE_APPLYING, "applying %s", fa->cfg->frr.config_file);
	if (fa->applied_pid != fa->bgpd_pid)
		probe_or_test(fa);
	else
		start_stage(fa, APPLY_TEST);
}

static void on_tick(int fd, uint32_t events, void *arg)
{
	struct frr_apply *fa = arg;
	uint64_t now = monotonic_ms();

	(void)events;
	timer_ack(fd);
	if (fa->stage != APPLY_IDLE) {
		/* The probe has a deadline of its own. */
		if (fa->stage == APPLY_PROBE || now < fa->child_deadline_ms)
			return;
		event_loop_del(fa->loop, fa->child.exitfd);
		child_kill(&fa->child);
		set_state(fa, FRR_STATE_FAILED, "%s did not finish within %d s; killed",
			  stage_names[fa->stage], RELOAD_TIMEOUT_MS / 1000);
		fa->stage = APPLY_IDLE;
		schedule_retry(fa);
		return;
	}
	if (now >= fa->next_attempt_ms)
		attempt(fa);
}

int frr_apply_init(struct frr_apply *fa, struct event_loop *loop, const struct agent_config *cfg)
{
	memset(fa, 0, sizeof(*fa));
	fa->cfg = cfg;
	fa->loop = loop;
	fa->backoff_ms = BACKOFF_MIN_MS;
	child_init(&fa->child);
	if (frr_vty_open_bgpd(&fa->vty, loop, cfg) != 0)
		log_warnx("frr: no instance probe; every apply goes through frr-reload.py");
	fa->timer_fd = timer_create_fd();
	if (fa->timer_fd < 0)
		return -1;
	if (timer_arm(fa->timer_fd, TICK_MS, TICK_MS) != 0 ||
	    event_loop_add(loop, fa->timer_fd, on_tick, fa) != 0) {
		close(fa->timer_fd);
		fa->timer_fd = -1;
		return -1;
	}
	render_desired(fa);
	attempt(fa);
	return 0;
}

void frr_apply_free(struct frr_apply *fa)
{
	if (fa->loop == NULL)
		return; /* never initialised */
	if (child_running(&fa->child)) {
		event_loop_del(fa->loop, fa->child.exitfd);
		child_kill(&fa->child);
	}
	if (fa->timer_fd >= 0) {
		event_loop_del(fa->loop, fa->timer_fd);
		close(fa->timer_fd);
	}
	frr_vty_free(&fa->vty);
	frr_reply_free(&fa->reply);
	free(fa->desired);
	free(fa->applied);
	free(fa->in_flight);
	fa->desired = fa->applied = fa->in_flight = NULL;
}

void frr_apply_config_changed(struct frr_apply *fa)
{
	render_desired(fa);
	if (fa->desired != NULL && fa->applied != NULL && strcmp(fa->desired, fa->applied) == 0) {
		fa->n_unchanged++;
		log_info("frr: rendered configuration unchanged; nothing sent");
	}
	fa->next_attempt_ms = 0;
	fa->backoff_ms = BACKOFF_MIN_MS;
	attempt(fa);
}

void frr_apply_poke(struct frr_apply *fa)
{
	fa->next_attempt_ms = 0;
	if (fa->stage == APPLY_IDLE)
		attempt(fa);
}

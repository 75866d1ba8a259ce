#include "daemon.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "agent_state.h"
#include "log.h"
#include "node_setup.h"

static int apply_log_config(const struct agent_config *cfg, bool verbose)
{
	log_set_level(verbose ? LOG_LVL_DEBUG : cfg->log.level);
	if (cfg->log.file[0] == '\0') {
		log_close(); /* back to stderr */
		return 0;
	}
	/* Reopened on every reload: SIGHUP after logrotate moved the file. */
	if (log_open_file(cfg->log.file) != 0) {
		log_error("cannot open log file \"%s\"", cfg->log.file);
		return -1;
	}
	return 0;
}

/* Settings that need sockets or routes re-created: kept as they were, with a
 * warning, rather than half-applied. */
static void keep_restart_only(const struct agent_config *old, struct agent_config *next)
{
	if (old->kernel.table != next->kernel.table ||
	    old->kernel.protocol != next->kernel.protocol) {
		log_warnx("reload: kernel.table/protocol changes take effect after a restart "
			  "(run `bgp-agent cleanup` first); keeping table %u protocol %u",
			  old->kernel.table, old->kernel.protocol);
		next->kernel.table = old->kernel.table;
		next->kernel.protocol = old->kernel.protocol;
	}
	if (strcmp(old->control.socket, next->control.socket) != 0) {
		log_warnx("reload: control.socket changes take effect after a restart");
		memcpy(next->control.socket, old->control.socket, sizeof(next->control.socket));
	}
	if (strcmp(old->metrics.listen, next->metrics.listen) != 0) {
		log_warnx("reload: metrics.listen changes take effect after a restart");
		memcpy(next->metrics.listen, old->metrics.listen, sizeof(next->metrics.listen));
	}
}

/* SIGHUP: a config with errors is rejected (errors logged) and the running
 * one stays; a good one replaces it and each part applies only what changed. */
static void reload_config(struct agent *a)
{
	struct agent_config next;
	char *errtext = NULL;
	size_t errlen = 0;
	FILE *err = open_memstream(&errtext, &errlen);
	int rc;

	log_info("reload: reading %s", a->cfg.path);
	rc = config_load(a->cfg.path, &next, err != NULL ? err : stderr);
	if (err != NULL)
		fclose(err);
	if (rc != 0) {
		log_errorx("reload: %s has errors; keeping the running configuration:\n%s",
			   a->cfg.path, errtext != NULL ? errtext : "");
		snprintf(a->last_reload, sizeof(a->last_reload), "rejected: config has errors");
		config_free(&next);
		free(errtext);
		return;
	}
	free(errtext);
	keep_restart_only(&a->cfg, &next);
	config_free(&a->cfg);
	a->cfg = next; /* in place: the parts hold &a->cfg */
	apply_log_config(&a->cfg, a->verbose);
	node_setup_all(&a->cfg, reconcile_kroute(a->rec), reconcile_installed(a->rec));
	reconcile_kernel_changed(a->rec); /* node setup may have added anchors */
	frr_apply_config_changed(&a->frr);
	reconcile_config_changed(a->rec);
	a->n_reloads++;
	snprintf(a->last_reload, sizeof(a->last_reload), "applied at %lld",
		 (long long)time(NULL));
	log_info("reload: configuration applied");
}

static void on_signal(int fd, uint32_t events, void *arg)
{
	struct agent *a = arg;
	struct signalfd_siginfo si;

	(void)events;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			reload_config(a);
		} else {
			log_info("received %s; stopping (routes stay in the kernel)",
				 strsignal((int)si.ssi_signo));
			a->stop = true;
		}
	}
}

static int open_signals(struct agent *a)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0) {
		log_error("sigprocmask");
		return -1;
	}
	signal(SIGPIPE, SIG_IGN); /* a vanished control client or FRR socket */
	a->signal_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (a->signal_fd < 0) {
		log_error("signalfd");
		return -1;
	}
	return event_loop_add(a->loop, a->signal_fd, on_signal, a);
}

static enum control_result on_control(const char *command, uint64_t client_id, json_t **reply,
				      void *arg)
{
	if (strcmp(command, "status") != 0)
		return CONTROL_UNKNOWN;
	return status_query_start(arg, client_id, reply);
}

/* bgpd came back: re-check its pid right away instead of at the next tick,
 * and note which FRR it is (it may have been upgraded). */
static void on_bgpd_changed(void *arg, bool up)
{
	struct agent *a = arg;

	if (!up)
		return;
	frr_apply_poke(&a->frr);
	frr_version_query_start(&a->version_query);
}

static int start_parts(struct agent *a)
{
	if (open_signals(a) != 0)
		return -1;
	/* Routes first: the anchors must exist before FRR is configured, or
	 * import-check would hold back the node's own pod CIDR. */
	a->rec = reconcile_open(a->loop, &a->cfg, on_bgpd_changed, a);
	if (a->rec == NULL)
		return -1;
	node_setup_all(&a->cfg, reconcile_kroute(a->rec), reconcile_installed(a->rec));
	reconcile_kernel_changed(a->rec); /* node setup may have added anchors */
	if (frr_apply_init(&a->frr, a->loop, &a->cfg) != 0 ||
	    status_query_init(&a->status, a->loop, &a->cfg) != 0 ||
	    frr_version_query_init(&a->version_query, a->loop, &a->cfg, a->frr_version,
				   sizeof(a->frr_version)) != 0)
		return -1;
	if (a->cfg.control.socket[0] != '\0' &&
	    control_server_open(&a->ctl, a->loop, a->cfg.control.socket, on_control, a) != 0)
		return -1;
	return agent_metrics_open(a);
}

static void stop_parts(struct agent *a)
{
	metrics_server_close(a->metrics);
	control_server_close(&a->ctl);
	status_query_free(&a->status);
	frr_version_query_free(&a->version_query);
	frr_apply_free(&a->frr);
	reconcile_close(a->rec);
	a->rec = NULL;
	if (a->signal_fd >= 0) {
		event_loop_del(a->loop, a->signal_fd);
		close(a->signal_fd);
	}
}

int daemon_run(struct agent_config *cfg, bool verbose)
{
	struct agent *a = calloc(1, sizeof(*a));
	int rc = 1;

	if (a == NULL) {
		log_error("agent state");
		return 1;
	}
	a->cfg = *cfg;
	memset(cfg, 0, sizeof(*cfg));
	a->signal_fd = -1;
	a->verbose = verbose;
	a->ctl.fd = a->ctl.timer_fd = -1;
	a->status.vty.fd = a->status.vty.timer_fd = -1;
	a->version_query.vty.fd = a->version_query.vty.timer_fd = -1;
	a->frr.timer_fd = -1;
	a->started = time(NULL);
	snprintf(a->last_reload, sizeof(a->last_reload), "none");
	a->loop = event_loop_new();
	if (a->loop == NULL || apply_log_config(&a->cfg, a->verbose) != 0)
		goto out;
	log_info("starting bgp-agent %s for node %s (config %s)", BGP_AGENT_VERSION,
		 a->cfg.node.name, a->cfg.path);
	if (start_parts(a) != 0)
		goto out;
	while (!a->stop)
		if (event_loop_run_once(a->loop, -1) != 0)
			goto out;
	rc = 0;
out:
	stop_parts(a);
	event_loop_free(a->loop);
	config_free(&a->cfg);
	free(a);
	log_info("stopped");
	return rc;
}

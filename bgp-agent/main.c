/* bgp-agent: the subcommand table and option parsing. Each subcommand lives
 * in its own cmd_*.c and returns the process exit status (commands.h). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "instance_lock.h"
#include "log.h"

struct subcommand {
	const char *name;
	int (*fn)(const struct cli_options *);
	bool takes_json;
	const char *help;
};

static const struct subcommand subcommands[] = {
	{ "run", cmd_run, false, "run the agent in the foreground (SIGHUP reloads, SIGTERM stops)" },
	{ "check-config", cmd_check_config, false, "validate the configuration; print every error" },
	{ "render", cmd_render, false, "print the FRR configuration the agent would apply" },
	{ "status", cmd_status, true, "show peers and routes of the running agent" },
	{ "cleanup", cmd_cleanup, false, "remove every kernel route the agent owns" },
};

#define N_SUBCOMMANDS (sizeof(subcommands) / sizeof(subcommands[0]))

enum { OPT_VERSION = 256, OPT_JSON, OPT_WAIT };

static const struct option long_options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "verbose", no_argument, NULL, 'v' },
	{ "wait", required_argument, NULL, OPT_WAIT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: bgp-agent COMMAND [-c FILE] [-v] [--json] [--wait SECONDS]\n"
		     "       bgp-agent -h | --help | --version\n\ncommands:\n");
	for (size_t i = 0; i < N_SUBCOMMANDS; i++)
		fprintf(out, "  %-13s %s\n", subcommands[i].name, subcommands[i].help);
	fprintf(out, "\noptions:\n"
		     "  -c, --config FILE  configuration file (default %s)\n"
		     "      --json         machine-readable output (status)\n"
		     "      --wait SECONDS how long run waits for another agent of the same\n"
		     "                     table/protocol or control socket to exit (default %d)\n"
		     "  -v, --verbose      debug logging\n"
		     "  -h, --help         this text\n"
		     "      --version      print the version\n", DEFAULT_CONFIG_PATH,
		INSTANCE_WAIT_DEFAULT_S);
}

enum parse_result { PARSE_OK, PARSE_EXIT_OK, PARSE_USAGE };

static int parse_seconds(const char *s, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > 3600)
		return -1;
	*out = (int)v;
	return 0;
}

/* Parses options from argv[optind] on; stops at the first non-option when
 * stop_at_word (the subcommand name). */
static enum parse_result parse_options(int argc, char **argv, bool stop_at_word,
				       struct cli_options *opt)
{
	int c;

	while ((c = getopt_long(argc, argv, stop_at_word ? "+c:vh" : "c:vh", long_options, NULL)) != -1) {
		switch (c) {
		case 'c': opt->config_path = optarg; break;
		case 'v': opt->verbose = true; break;
		case OPT_JSON: opt->json = true; break;
		case OPT_WAIT:
			if (parse_seconds(optarg, &opt->wait_s) != 0) {
				fprintf(stderr, "bgp-agent: --wait: \"%s\" is not a number of seconds "
					"(0-3600)\n", optarg);
				return PARSE_USAGE;
			}
			break;
		case 'h': usage(stdout); return PARSE_EXIT_OK;
		case OPT_VERSION: printf("bgp-agent %s\n", BGP_AGENT_VERSION); return PARSE_EXIT_OK;
		default: return PARSE_USAGE;
		}
	}
	return PARSE_OK;
}

static const struct subcommand *find_subcommand(const char *name)
{
	for (size_t i = 0; i < N_SUBCOMMANDS; i++)
		if (strcmp(subcommands[i].name, name) == 0)
			return &subcommands[i];
	return NULL;
}

static int usage_error(const char *fmt, const char *arg)
{
	if (fmt != NULL) {
		fprintf(stderr, "bgp-agent: ");
		fprintf(stderr, fmt, arg);
		fputc('\n', stderr);
	}
	usage(stderr);
	return 2;
}

int main(int argc, char **argv)
{
	struct cli_options opt = { .config_path = DEFAULT_CONFIG_PATH, .wait_s = -1 };
	const struct subcommand *cmd;
	enum parse_result r;

	log_init("bgp-agent", LOG_LVL_INFO, stderr);
	r = parse_options(argc, argv, true, &opt);
	if (r != PARSE_OK)
		return r == PARSE_EXIT_OK ? 0 : usage_error(NULL, NULL);
	if (optind >= argc)
		return usage_error("missing command", NULL);
	cmd = find_subcommand(argv[optind]);
	if (cmd == NULL)
		return usage_error("unknown command \"%s\"", argv[optind]);
	optind++;
	r = parse_options(argc, argv, false, &opt);
	if (r != PARSE_OK)
		return r == PARSE_EXIT_OK ? 0 : usage_error(NULL, NULL);
	if (optind < argc)
		return usage_error("unexpected argument \"%s\"", argv[optind]);
	if (opt.json && !cmd->takes_json)
		return usage_error("--json is only for \"status\"", NULL);
	if (opt.wait_s >= 0 && cmd->fn != cmd_run)
		return usage_error("--wait is only for \"run\"", NULL);
	if (opt.verbose)
		log_set_level(LOG_LVL_DEBUG);
	return cmd->fn(&opt);
}

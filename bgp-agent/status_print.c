#include "status_print.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_COLS 9
#define CELL_MAX 160

/* A table is collected first, so every column can be as wide as its widest
 * cell (like `ip -br` or `column -t`). */
struct table {
	size_t ncols, nrows;
	const char *head[MAX_COLS];
	char (*cells)[MAX_COLS][CELL_MAX];
	size_t cap;
};

static void table_row(struct table *t, const char *const *vals)
{
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		void *p = realloc(t->cells, cap * sizeof(*t->cells));

		if (p == NULL)
			return;
		t->cells = p;
		t->cap = cap;
	}
	for (size_t c = 0; c < t->ncols; c++)
		snprintf(t->cells[t->nrows][c], CELL_MAX, "%s", vals[c] != NULL ? vals[c] : "-");
	t->nrows++;
}

static void print_cell(FILE *out, const char *s, size_t width, bool last)
{
	if (last)
		fprintf(out, "%s\n", s);
	else
		fprintf(out, "%-*s  ", (int)width, s);
}

static void table_print(struct table *t, FILE *out)
{
	size_t w[MAX_COLS];

	for (size_t c = 0; c < t->ncols; c++) {
		w[c] = strlen(t->head[c]);
		for (size_t r = 0; r < t->nrows; r++)
			if (strlen(t->cells[r][c]) > w[c])
				w[c] = strlen(t->cells[r][c]);
	}
	for (size_t c = 0; c < t->ncols; c++)
		print_cell(out, t->head[c], w[c], c + 1 == t->ncols);
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++)
			print_cell(out, t->cells[r][c], w[c], c + 1 == t->ncols);
	free(t->cells);
	t->cells = NULL;
	t->nrows = t->cap = 0;
}

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s != NULL ? s : "";
}

static long long num(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static void fmt_duration(long long s, char *buf, size_t len)
{
	if (s >= 86400)
		snprintf(buf, len, "%lldd%02lldh%02lldm", s / 86400, s % 86400 / 3600, s % 3600 / 60);
	else
		snprintf(buf, len, "%02lld:%02lld:%02lld", s / 3600, s % 3600 / 60, s % 60);
}

/* "via 192.168.1.12 dev eth0, via 192.168.1.13" or the route type. */
static void fmt_nexthops(const json_t *route, char *buf, size_t len)
{
	const json_t *nhs = json_object_get(route, "nexthops");
	size_t i, off = 0;
	json_t *nh;

	buf[0] = '\0';
	if (json_array_size(nhs) == 0) {
		snprintf(buf, len, "%s", str(route, "type"));
		return;
	}
	json_array_foreach(nhs, i, nh) {
		const char *via = str(nh, "via"), *dev = str(nh, "dev");
		int n = snprintf(buf + off, len - off, "%s%s%s%s%s", i > 0 ? ", " : "",
				 *via ? "via " : "", via, *dev ? (*via ? " dev " : "dev ") : "", dev);
		if (n < 0 || (size_t)n >= len - off)
			return;
		off += (size_t)n;
	}
}

/* Why a session that is not up went down last, as bgpd says it; for a peer
 * with a password also the kernel's MD5 failures (bgpd never sees those). */
static void print_peer_resets(const json_t *st, FILE *out)
{
	long long md5 = num(json_object_get(st, "agent"), "tcp_md5_failures");
	size_t i;
	json_t *p;

	json_array_foreach(json_object_get(st, "peers"), i, p) {
		if (json_is_true(json_object_get(p, "established")))
			continue;
		if (*str(p, "last_reset"))
			fprintf(out, "  %s: last reset: %s\n", str(p, "name"), str(p, "last_reset"));
		if (json_is_true(json_object_get(p, "md5")) && md5 > 0)
			fprintf(out, "  %s: the kernel counted %lld TCP-MD5 failures (password "
				"mismatch?)\n", str(p, "name"), md5);
	}
}

static void print_peers(const json_t *st, FILE *out)
{
	struct table t = { .ncols = 9, .head = { "PEER", "ADDRESS", "AS", "STATE", "BFD", "UPTIME",
						 "RECEIVED", "ACCEPTED", "FILTERED" } };
	char as[16], up[32], rx[16], acc[16], filt[16];
	size_t i;
	json_t *p;

	fprintf(out, "\nPeers:\n");
	json_array_foreach(json_object_get(st, "peers"), i, p) {
		const char *row[9] = { str(p, "name"), str(p, "address"), as, str(p, "state"),
				       str(p, "bfd"), up, rx, acc, filt };
		snprintf(as, sizeof(as), "%lld", num(p, "remote_as"));
		if (json_is_true(json_object_get(p, "established")))
			fmt_duration(num(p, "uptime_s"), up, sizeof(up));
		else
			snprintf(up, sizeof(up), "-");
		snprintf(rx, sizeof(rx), "%lld", num(p, "prefixes_received"));
		snprintf(acc, sizeof(acc), "%lld", num(p, "prefixes_accepted"));
		snprintf(filt, sizeof(filt), "%lld", num(p, "prefixes_filtered"));
		table_row(&t, row);
	}
	table_print(&t, out);
	print_peer_resets(st, out);
}

static void print_advertised(const json_t *st, FILE *out)
{
	struct table t = { .ncols = 2, .head = { "PREFIX", "ANCHOR ROUTE" } };
	size_t i;
	json_t *a;

	fprintf(out, "\nAdvertised (node pod CIDRs):\n");
	json_array_foreach(json_object_get(st, "advertised"), i, a) {
		const char *row[2] = { str(a, "prefix"),
				       json_is_true(json_object_get(a, "anchor")) ? "yes" : "no" };
		table_row(&t, row);
	}
	table_print(&t, out);
}

static void fmt_rejected_by(const json_t *r, char *buf, size_t len)
{
	const char *peer = str(r, "peer");

	snprintf(buf, len, "%s%s%s%s", str(r, "by"), *peer ? " (" : "", peer, *peer ? ")" : "");
}

/* Learned and installed routes share the layout; rejected adds who refused
 * the route (FRR's policy or the agent's) and why. */
static void print_routes(const json_t *st, const char *key, const char *title, FILE *out)
{
	const json_t *arr = json_object_get(st, key);
	bool rejected = strcmp(key, "rejected") == 0;
	struct table t = { .ncols = rejected ? 4 : 2,
			   .head = { "PREFIX", "NEXT HOPS", "REFUSED BY", "REASON" } };
	char nh[CELL_MAX], by[CELL_MAX];
	size_t i;
	json_t *r;

	fprintf(out, "\n%s (%zu):\n", title, json_array_size(arr));
	json_array_foreach(arr, i, r) {
		const char *row[4] = { str(r, "prefix"), nh, by, str(r, "reason") };
		fmt_nexthops(r, nh, sizeof(nh));
		fmt_rejected_by(r, by, sizeof(by));
		table_row(&t, row);
	}
	table_print(&t, out);
}

/* bgpd's BMP feed, absent from the reports of older agents. */
static void print_feed(const json_t *f, FILE *out)
{
	if (f == NULL)
		return;
	fprintf(out, "Feed:   BMP %s", str(f, "state"));
	if (strcmp(str(f, "state"), "off") == 0) {
		fputc('\n', out);
		return;
	}
	fprintf(out, ", %lld messages, %lld parse errors, %lld prefixes queried, %lld disagreements",
		num(f, "messages"), num(f, "parse_errors"), num(f, "prefixes_queried"),
		num(f, "disagreements"));
	if (num(f, "last_event_ago_ms") >= 0)
		fprintf(out, "; last: %s %lld ms ago", str(f, "last_event"), num(f, "last_event_ago_ms"));
	fputc('\n', out);
}

static void print_header(const json_t *st, FILE *out)
{
	const json_t *a = json_object_get(st, "agent"), *f = json_object_get(st, "frr"),
		     *s = json_object_get(st, "sync");
	char up[32];

	fmt_duration((long long)time(NULL) - num(a, "started"), up, sizeof(up));
	fprintf(out, "Agent:  bgp-agent %s, pid %lld, node %s (AS %lld), up %s\n", str(a, "version"),
		num(a, "pid"), str(a, "node"), num(a, "asn"), up);
	fprintf(out, "Config: %s (last reload: %s)\n", str(a, "config"), str(a, "last_reload"));
	fprintf(out, "FRR:    %s (%s), bgpd pid %lld%s; %s (%lld reloads, %lld unchanged)\n",
		str(f, "state"), *str(f, "version") != '\0' ? str(f, "version") : "version unknown",
		num(f, "bgpd_pid"),
		json_is_true(json_object_get(f, "bgpd_connected")) ? "" : " (not connected)",
		str(f, "last_result"), num(f, "reloads"), num(f, "unchanged"));
	if (num(f, "bgpd_silent_since") != 0) {
		fmt_duration((long long)time(NULL) - num(f, "bgpd_silent_since"), up, sizeof(up));
		fprintf(out, "        bgpd is not answering (for %s); peers and routes below are "
			"the last known\n", up);
	}
	const json_t *t = json_object_get(s, "since_start");
	char last[32] = "never"; /* last_sync 0: bgpd not reached yet */

	if (num(s, "last_sync") != 0)
		snprintf(last, sizeof(last), "%lld s ago", (long long)time(NULL) - num(s, "last_sync"));
	fprintf(out, "Kernel: table %lld, protocol %lld; since start +%lld ~%lld -%lld, %lld failed; "
		"last sync %s, %lld stale held\n", num(a, "table"), num(a, "protocol"),
		num(t, "added"), num(t, "replaced"), num(t, "deleted"), num(t, "failed"),
		last, num(s, "held"));
	if (json_object_get(s, "nexthop_groups") != NULL)
		fprintf(out, "        nexthop groups: %s\n", str(s, "nexthop_groups"));
	fprintf(out, "Sweep:  %s\n", str(s, "stale_sweep"));
	print_feed(json_object_get(st, "feed"), out);
}

void status_print_text(const json_t *st, FILE *out)
{
	print_header(st, out);
	print_peers(st, out);
	print_advertised(st, out);
	print_routes(st, "learned", "Learned from BGP", out);
	print_routes(st, "installed", "Installed in the kernel", out);
	print_routes(st, "rejected", "Rejected (import policy, unresolved next hops)", out);
}

int status_print_json(const json_t *st, FILE *out)
{
	if (json_dumpf(st, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0)
		return -1;
	return fputc('\n', out) == EOF ? -1 : 0;
}

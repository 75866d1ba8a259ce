#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static const char *log_progname = "bgp";
static enum log_level log_threshold = LOG_LVL_INFO;
static FILE *log_out;
static int log_out_owned;

static const char *const level_names[] = {
	[LOG_LVL_ERROR] = "error",
	[LOG_LVL_WARN] = "warn",
	[LOG_LVL_INFO] = "info",
	[LOG_LVL_DEBUG] = "debug",
};

void log_init(const char *progname, enum log_level level, FILE *out)
{
	log_progname = progname;
	log_threshold = level;
	log_close();
	log_out = out;
}

void log_set_level(enum log_level level)
{
	log_threshold = level;
}

enum log_level log_get_level(void)
{
	return log_threshold;
}

int log_open_file(const char *path)
{
	FILE *f = fopen(path, "ae");

	if (f == NULL)
		return -1;
	log_close();
	setvbuf(f, NULL, _IOLBF, 0);
	log_out = f;
	log_out_owned = 1;
	return 0;
}

void log_close(void)
{
	if (log_out_owned && log_out != NULL)
		fclose(log_out);
	log_out = NULL;
	log_out_owned = 0;
}

int log_level_parse(const char *name)
{
	if (strcasecmp(name, "warning") == 0)
		return LOG_LVL_WARN;
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (strcasecmp(name, level_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *log_level_name(enum log_level level)
{
	return level_names[level];
}

size_t log_format(char *buf, size_t size, const char *stamp, const char *prefix,
		  const char *msg)
{
	size_t n = 0;
	const char *line = msg;

	if (size < 2) {
		if (size == 1)
			buf[0] = '\0';
		return 0;
	}
	buf[0] = '\0';
	for (;;) {
		const char *nl = strchr(line, '\n');
		int len = nl != NULL ? (int)(nl - line) : (int)strlen(line);
		int w = snprintf(buf + n, size - n, "%s%s%.*s\n", stamp, prefix, len, line);

		if (w < 0 || (size_t)w >= size - n) {
			n = size - 1;
			buf[n - 1] = '\n'; /* truncated: still one whole line */
			return n;
		}
		n += (size_t)w;
		if (nl == NULL || nl[1] == '\0')
			return n;
		line = nl + 1;
	}
}

/* A log file has no journald to time-stamp it: every line gets the local
 * time, so a continuation line is as readable alone as the first. */
static void log_stamp(char *stamp, size_t size)
{
	struct timespec ts;
	struct tm tm;
	char date[24];

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(stamp, size, "%s.%03ld ", date, ts.tv_nsec / 1000000);
}

/* One write per message, so concurrent CNI invocations appending to one log
 * file do not interleave mid-line. */
static void log_emit(enum log_level level, int errnum, const char *fmt, va_list ap)
{
	FILE *out = log_out != NULL ? log_out : stderr;
	char msg[1024], prefix[128], stamp[40] = "", line[4096];
	size_t n;

	if (level > log_threshold)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (errnum != 0) {
		size_t len = strlen(msg);

		snprintf(msg + len, sizeof(msg) - len, ": %s", strerror(errnum));
	}
	if (log_out_owned)
		log_stamp(stamp, sizeof(stamp));
	snprintf(prefix, sizeof(prefix), "%s[%d]: %s: ", log_progname, (int)getpid(),
		 level_names[level]);
	n = log_format(line, sizeof(line), stamp, prefix, msg);
	fwrite(line, 1, n, out);
	fflush(out);
}

#define LOG_VARIANT(name, level, with_errno)                     \
	void name(const char *fmt, ...)                          \
	{                                                        \
		int saved = errno;                               \
		va_list ap;                                      \
		va_start(ap, fmt);                               \
		log_emit(level, with_errno ? saved : 0, fmt, ap); \
		va_end(ap);                                      \
		errno = saved;                                   \
	}

LOG_VARIANT(log_warn, LOG_LVL_WARN, 1)
LOG_VARIANT(log_warnx, LOG_LVL_WARN, 0)
LOG_VARIANT(log_error, LOG_LVL_ERROR, 1)
LOG_VARIANT(log_errorx, LOG_LVL_ERROR, 0)
LOG_VARIANT(log_info, LOG_LVL_INFO, 0)
LOG_VARIANT(log_debug, LOG_LVL_DEBUG, 0)

void fatal(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_LVL_ERROR, saved, fmt, ap);
	va_end(ap);
	exit(1);
}

void fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_LVL_ERROR, 0, fmt, ap);
	va_end(ap);
	exit(1);
}

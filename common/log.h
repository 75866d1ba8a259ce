/* One logging API for both programs. Messages go to stderr (or a log file);
 * never to stdout, which belongs to CNI results and command output. */
#ifndef BGP_LOG_H
#define BGP_LOG_H

#include <stdio.h>

enum log_level { LOG_LVL_ERROR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* Program name shown in each line, the threshold and the destination. */
void log_init(const char *progname, enum log_level level, FILE *out);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* Opens path for appending and logs there from now on; -1 (errno set) on failure. */
int log_open_file(const char *path);
void log_close(void);
/* "error", "warn"/"warning", "info", "debug" → level; -1 when unknown. */
int log_level_parse(const char *name);
/* level → "error", "warn", "info" or "debug". */
const char *log_level_name(enum log_level level);

/* Writes msg into buf as log lines: every line of msg (split at '\n') gets
 * stamp and prefix in front and a '\n' at the end; a message too long for buf
 * is cut but still ends in '\n'. Returns the bytes written (no NUL counted). */
size_t log_format(char *buf, size_t size, const char *stamp, const char *prefix,
		  const char *msg);

/* _warn variants append ": strerror(errno)"; _warnx ones do not. */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_errorx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif

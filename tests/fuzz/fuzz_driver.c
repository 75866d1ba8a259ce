/* A standalone main for the fuzz harnesses, used when libFuzzer is not there
 * (gcc builds, `make fuzz-smoke`): runs every file of a corpus directory,
 * then a deterministic mutation loop over those seeds. Without coverage
 * feedback it finds less than libFuzzer, but under ASan+UBSan it is a real
 * smoke fuzz that runs in every `make test`.
 *
 *   fuzz_NAME CORPUS_DIR [ITERATIONS [SECONDS]]
 *
 * Stops after ITERATIONS mutated inputs (default 20000) or SECONDS (default
 * 0 = no time bound), whichever comes first. FUZZ_SEED sets the PRNG seed.
 * A crash (a sanitizer report, a signal, or an input running longer than
 * FUZZ_TIMEOUT seconds, default 10) writes the input to
 * /tmp/NAME-crash-PID for reproduction: `fuzz_NAME DIR-holding-that-file 0`.
 * Leaks are found at exit, when the input is gone: FUZZ_LEAK_EACH=1 checks
 * after every input (slow) to find the one that leaked. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Only in sanitizer runtimes: called before a sanitizer exits the process. */
extern void __sanitizer_set_death_callback(void (*cb)(void)) __attribute__((weak));
extern int __lsan_do_recoverable_leak_check(void) __attribute__((weak));

#define FUZZ_MAX_INPUT (256 * 1024)
#define FUZZ_MAX_SEED (64 * 1024)

struct seed {
	uint8_t *data;
	size_t len;
};

struct corpus {
	struct seed *seeds;
	size_t n;
};

/* The input being run, for the crash handlers (which may only use write()). */
static const uint8_t *cur_data;
static size_t cur_len;
static char crash_path[256];

/* ---- crash reporting --------------------------------------------------- */

static void save_current_input(void)
{
	static const char msg[] = "fuzz: crashing input written to ";
	int fd = cur_data != NULL ? open(crash_path, O_WRONLY | O_CREAT | O_TRUNC, 0644) : -1;

	if (fd < 0)
		return;
	if (write(fd, cur_data, cur_len) < 0 || write(2, msg, sizeof(msg) - 1) < 0 ||
	    write(2, crash_path, strlen(crash_path)) < 0 || write(2, "\n", 1) < 0)
		cur_data = NULL; /* nothing more we can do from here */
	close(fd);
}

static void on_fatal_signal(int sig)
{
	save_current_input();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* A hang is a crash too: an alarm bounds every input. */
static void on_alarm(int sig)
{
	static const char msg[] = "fuzz: input timed out\n";

	(void)sig;
	if (write(2, msg, sizeof(msg) - 1) < 0) {
		/* nothing to do: we abort anyway */
	}
	save_current_input();
	signal(SIGABRT, SIG_DFL);
	abort();
}

static void install_crash_handlers(const char *name)
{
	snprintf(crash_path, sizeof(crash_path), "/tmp/%s-crash-%ld", name, (long)getpid());
	signal(SIGALRM, on_alarm);
	/* Sanitizers handle SEGV themselves (with a report); tell us before dying. */
	if (__sanitizer_set_death_callback != NULL) {
		__sanitizer_set_death_callback(save_current_input);
		return;
	}
	signal(SIGSEGV, on_fatal_signal);
	signal(SIGBUS, on_fatal_signal);
	signal(SIGFPE, on_fatal_signal);
	signal(SIGILL, on_fatal_signal);
	signal(SIGABRT, on_fatal_signal);
}

/* Runs one input from an exact-size heap copy, as libFuzzer does, so that
 * a read one byte past the end is an ASan report, not luck. */
static void run_one(const uint8_t *data, size_t len, unsigned timeout, bool leak_each)
{
	uint8_t *copy = malloc(len > 0 ? len : 1);

	if (copy == NULL) {
		fprintf(stderr, "fuzz: out of memory\n");
		exit(2);
	}
	if (len > 0)
		memcpy(copy, data, len);
	cur_data = copy;
	cur_len = len;
	alarm(timeout);
	LLVMFuzzerTestOneInput(copy, len);
	alarm(0);
	if (leak_each && __lsan_do_recoverable_leak_check != NULL &&
	    __lsan_do_recoverable_leak_check() != 0) {
		save_current_input();
		exit(1);
	}
	cur_data = NULL;
	free(copy);
}

/* ---- the corpus -------------------------------------------------------- */

static int read_seed(const char *path, struct seed *out)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = malloc(FUZZ_MAX_SEED);
	size_t n;

	if (f == NULL || buf == NULL) {
		if (f != NULL)
			fclose(f);
		free(buf);
		return -1;
	}
	n = fread(buf, 1, FUZZ_MAX_SEED, f);
	fclose(f);
	out->data = buf;
	out->len = n;
	return 0;
}

static int load_corpus(const char *dir, struct corpus *c)
{
	struct dirent **names = NULL;
	int n = scandir(dir, &names, NULL, alphasort); /* sorted: runs are repeatable */
	char path[4096];

	if (n < 0) {
		fprintf(stderr, "fuzz: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	c->seeds = calloc((size_t)n + 1, sizeof(*c->seeds));
	for (int i = 0; i < n; i++) {
		if (c->seeds != NULL && names[i]->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
			if (read_seed(path, &c->seeds[c->n]) == 0)
				c->n++;
		}
		free(names[i]);
	}
	free(names);
	if (c->seeds == NULL)
		return -1;
	if (c->n == 0) /* mutate something even from an empty directory */
		c->seeds[c->n++] = (struct seed){ calloc(1, 1), 0 };
	return 0;
}

static void free_corpus(struct corpus *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->seeds[i].data);
	free(c->seeds);
}

/* ---- mutations --------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void) /* xorshift64 */
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static size_t below(size_t n)
{
	return n > 0 ? (size_t)(rnd() % n) : 0;
}

/* The mutation buffer: capacity FUZZ_MAX_INPUT. */
struct input {
	uint8_t *data;
	size_t len;
};

static const char interesting[] = "\"{}[]:,\\/\n\t 0123456789-.#^?!@=;\0\xff\x80";
static const char *const tokens[] = {
	"true", "false", "null", "{}", "[]", "\"\"", "{{", "}}", "{{#", "{{/", "{{^",
	"{{?", "{{!", "::", "/", "/128", "/0", "0.0.0.0", "fe80::1", "255.255.255.255",
	"4294967295", "18446744073709551616", "-1", "1e999", "\\u0000", "@include \"",
	"\"ips\":[", "\"routes\":[", "\"prevResult\":{", "\"bestpath\":", "\"paths\":[",
};

static void insert_bytes(struct input *in, size_t at, const uint8_t *b, size_t n)
{
	if (in->len + n > FUZZ_MAX_INPUT)
		n = FUZZ_MAX_INPUT - in->len;
	memmove(in->data + at + n, in->data + at, in->len - at);
	memcpy(in->data + at, b, n);
	in->len += n;
}

static void mut_bit_flip(struct input *in, const struct corpus *c)
{
	(void)c;
	if (in->len > 0)
		in->data[below(in->len)] ^= (uint8_t)(1u << below(8));
}

static void mut_interesting_byte(struct input *in, const struct corpus *c)
{
	uint8_t b = (uint8_t)interesting[below(sizeof(interesting) - 1)];

	(void)c;
	if (in->len > 0 && rnd() % 2)
		in->data[below(in->len)] = b;
	else
		insert_bytes(in, below(in->len + 1), &b, 1);
}

static void mut_delete(struct input *in, const struct corpus *c)
{
	size_t at = below(in->len), n;

	(void)c;
	if (in->len == 0)
		return;
	n = 1 + below(rnd() % 4 ? 4 : in->len - at);
	if (n > in->len - at)
		n = in->len - at;
	memmove(in->data + at, in->data + at + n, in->len - at - n);
	in->len -= n;
}

/* Very long runs: deep nesting, huge numbers, overlong names. */
static void mut_long_run(struct input *in, const struct corpus *c)
{
	uint8_t run[8192];
	size_t n = 16 + below(sizeof(run) - 16);

	(void)c;
	memset(run, interesting[below(sizeof(interesting) - 1)], n);
	insert_bytes(in, below(in->len + 1), run, n);
}

static void mut_token(struct input *in, const struct corpus *c)
{
	const char *t = tokens[below(sizeof(tokens) / sizeof(tokens[0]))];

	(void)c;
	insert_bytes(in, below(in->len + 1), (const uint8_t *)t, strlen(t));
}

static void mut_duplicate(struct input *in, const struct corpus *c)
{
	uint8_t chunk[1024];
	size_t at = below(in->len), n;

	(void)c;
	if (in->len == 0)
		return;
	n = 1 + below(in->len - at < sizeof(chunk) ? in->len - at : sizeof(chunk));
	memcpy(chunk, in->data + at, n);
	insert_bytes(in, below(in->len + 1), chunk, n);
}

/* The head of this input, the tail of another seed. */
static void mut_splice(struct input *in, const struct corpus *c)
{
	const struct seed *o = &c->seeds[below(c->n)];
	size_t cut = below(in->len + 1), from = below(o->len + 1);

	in->len = cut;
	insert_bytes(in, cut, o->data + from, o->len - from);
}

static void mut_truncate(struct input *in, const struct corpus *c)
{
	(void)c;
	in->len = below(in->len + 1);
}

typedef void (*mutator)(struct input *, const struct corpus *);

static const mutator mutators[] = {
	mut_bit_flip, mut_interesting_byte, mut_interesting_byte, mut_delete, mut_long_run,
	mut_token,    mut_token,            mut_duplicate,        mut_splice, mut_truncate,
};

static void mutate(struct input *in, const struct corpus *c)
{
	size_t rounds = 1 + below(4);

	for (size_t i = 0; i < rounds; i++)
		mutators[below(sizeof(mutators) / sizeof(mutators[0]))](in, c);
}

/* ---- main -------------------------------------------------------------- */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned long env_ulong(const char *name, unsigned long dflt)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? strtoul(v, NULL, 0) : dflt;
}

/* Mostly a fresh seed; sometimes the last mutant again, to stack changes. */
static void next_input(struct input *in, const struct corpus *c)
{
	if (in->len == 0 || rnd() % 4 != 0) {
		const struct seed *s = &c->seeds[below(c->n)];

		memcpy(in->data, s->data, s->len);
		in->len = s->len;
	}
	mutate(in, c);
}

int main(int argc, char **argv)
{
	const char *name = strrchr(argv[0], '/') != NULL ? strrchr(argv[0], '/') + 1 : argv[0];
	unsigned long iters = argc > 2 ? strtoul(argv[2], NULL, 10) : 20000, done = 0, i;
	double seconds = argc > 3 ? strtod(argv[3], NULL) : 0, start = now_s();
	unsigned timeout = (unsigned)env_ulong("FUZZ_TIMEOUT", 10);
	bool leak_each = env_ulong("FUZZ_LEAK_EACH", 0) != 0;
	struct corpus c = { 0 };
	struct input in = { malloc(FUZZ_MAX_INPUT), 0 };

	if (argc < 2 || in.data == NULL) {
		fprintf(stderr, "usage: %s CORPUS_DIR [ITERATIONS [SECONDS]]\n", name);
		return 2;
	}
	if (load_corpus(argv[1], &c) < 0)
		return 2;
	install_crash_handlers(name);
	rng_state = env_ulong("FUZZ_SEED", 0x9e3779b97f4a7c15ull) | 1;
	for (i = 0; i < c.n; i++, done++)
		run_one(c.seeds[i].data, c.seeds[i].len, timeout, leak_each);
	for (i = 0; i < iters; i++, done++) {
		if (seconds > 0 && (i & 63) == 0 && now_s() - start > seconds)
			break;
		next_input(&in, &c);
		run_one(in.data, in.len, timeout, leak_each);
	}
	printf("%s: %lu inputs, 0 crashes\n", name, done);
	free(in.data);
	free_corpus(&c);
	return 0;
}

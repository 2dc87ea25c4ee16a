/*
 * agent_hold.c - the agent's held memory and heartbeat, for the save,
 * restore and migrate operations (agent.h: "hold", "check", "beat").
 *
 * "hold" maps BYTES of anonymous memory, fills every 8-byte word with a
 * pseudo-random value of TOKEN and its index (incompressible on purpose:
 * an image's compressed size is then what the rest of the instance costs)
 * and answers the sum of the words; "check" sums them again.  The same pid,
 * token and sum after a restore or a migration prove that it is the same
 * agent with the same memory.  "beat" sends a heartbeat every PERIOD ms
 * while it dirties pages of the held memory at a fixed rate (each write
 * stores the word it read: the page is dirty, its content and the sum
 * unchanged), until DURATION ms have passed or any line arrives (the
 * harness's "beat_stop").
 */
#include "workloads/agent.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/util.h"
#include "workloads/workload.h"

#define HOLD_PAGE 4096u
#define BEAT_MAX_PERIOD_MS 10000
#define BEAT_MAX_DURATION_MS (3600 * 1000)
#define BEAT_MAX_RATE (1u << 24) /* pages per second */

static uint64_t *held;
static size_t held_bytes;
static json_int_t held_token;

static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static uint64_t held_sum(void)
{
	uint64_t s = 0;

	for (size_t i = 0; i < held_bytes / 8; i++)
		s += held[i] ^ (uint64_t)i;
	return s;
}

static void release(void)
{
	vb_buffer_free(held, held_bytes);
	held = NULL;
	held_bytes = 0;
	held_token = 0;
}

/* {"type":"held", id, pid, bytes, token, intact}: whether every word still
 * holds what "hold" wrote ("sum" added by with_sum). */
static json_t *held_reply(const json_t *req)
{
	int intact = 1;

	for (size_t i = 0; i < held_bytes / 8 && intact; i++)
		intact = held[i] == mix((uint64_t)held_token ^ ((uint64_t)i << 1));
	return json_pack("{s:s,s:O?,s:I,s:I,s:I,s:b}", "type", "held", "id",
			 json_object_get(req, "id"), "pid", (json_int_t)getpid(), "bytes",
			 (json_int_t)held_bytes, "token", held_token, "intact", intact);
}

static json_t *refuse(const json_t *req, const char *why)
{
	return json_pack("{s:s,s:O?,s:s}", "type", "error", "id", json_object_get(req, "id"),
			 "error", why);
}

/* The reply with "sum" (of the words, as 16 hex digits: jansson's
 * integers are signed). */
static json_t *with_sum(json_t *r)
{
	char hex[24];

	if (r) {
		snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)held_sum());
		json_object_set_new(r, "sum", json_string(hex));
	}
	return r;
}

json_t *vb_agent_handle_hold(const json_t *req, int dry_run)
{
	json_t *b = json_object_get(req, "bytes"), *t = json_object_get(req, "token");
	json_int_t bytes = json_integer_value(b), token = json_integer_value(t);
	void *m;

	if (!json_is_integer(b) || bytes < 0 || (uint64_t)bytes > (1ull << 40) || bytes % 8)
		return refuse(req, "hold: bytes must be a multiple of 8 from 0 to 1 TiB");
	if (!json_is_integer(t) || token < 0)
		return refuse(req, "hold: token must be a non-negative integer");
	if (dry_run)
		return json_pack("{s:s,s:s}", "type", "checked", "op", "hold");
	release();
	if (bytes) {
		vb_error_t err;

		/* 4 KiB pages: a dirtied word dirties one page, not 2 MiB */
		if (!(m = vb_buffer_alloc((size_t)bytes, "never", &err)))
			return refuse(req, "hold: no memory for the working set");
		held = m;
		held_bytes = (size_t)bytes;
		held_token = token;
		for (size_t i = 0; i < held_bytes / 8; i++)
			held[i] = mix((uint64_t)token ^ ((uint64_t)i << 1));
	}
	return with_sum(held_reply(req));
}

json_t *vb_agent_handle_check(const json_t *req, int dry_run)
{
	if (dry_run)
		return json_pack("{s:s,s:s}", "type", "checked", "op", "check");
	return with_sum(held_reply(req));
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* A line has come: read and drop it (the harness's beat_stop).  What the
 * stream already buffered counts before the descriptor is polled. */
static int stop_asked(FILE *in)
{
	struct pollfd p = { .fd = in ? fileno(in) : -1, .events = POLLIN };
	int c;

	if (!in)
		return 0;
#ifdef __GLIBC__
	if (in->_IO_read_ptr >= in->_IO_read_end && poll(&p, 1, 0) <= 0)
		return 0;
#else
	if (poll(&p, 1, 0) <= 0)
		return 0;
#endif
	while ((c = getc(in)) != EOF && c != '\n')
		;
	return 1;
}

static int int_field(const json_t *req, const char *key, json_int_t lo, json_int_t hi,
		     json_int_t *v)
{
	json_t *x = json_object_get(req, key);

	*v = json_integer_value(x);
	return json_is_integer(x) && *v >= lo && *v <= hi ? 0 : -1;
}

json_t *vb_agent_handle_beat(const json_t *req, int dry_run, FILE *in, FILE *out)
{
	json_int_t period, duration, rate;
	uint64_t t0, next, now, dirtied = 0, seed, pages = held_bytes / HOLD_PAGE, max_gap = 0,
				last;
	json_int_t seq = 0;

	if (int_field(req, "period_ms", 1, BEAT_MAX_PERIOD_MS, &period) < 0 ||
	    int_field(req, "duration_ms", 1, BEAT_MAX_DURATION_MS, &duration) < 0 ||
	    int_field(req, "dirty_pages_per_s", 0, BEAT_MAX_RATE, &rate) < 0)
		return refuse(req, "beat: period_ms 1..10000, duration_ms 1..3600000 and "
				   "dirty_pages_per_s 0..16777216 are required");
	if (rate && !pages)
		return refuse(req, "beat: nothing held to dirty (hold first)");
	if (dry_run)
		return json_pack("{s:s,s:s}", "type", "checked", "op", "beat");
	seed = (uint64_t)held_token ^ 0x5eedull;
	t0 = last = next = now_ns();
	for (;;) {
		now = now_ns();
		if (now - t0 >= (uint64_t)duration * 1000000ull || stop_asked(in))
			break;
		if (now >= next) {
			json_t *b = json_pack("{s:s,s:O?,s:I}", "type", "beat", "id",
					      json_object_get(req, "id"), "seq", seq++);
			if (!b || (out && vb_agent_send(out, b) < 0)) {
				json_decref(b);
				break;
			}
			json_decref(b);
			if (now - last > max_gap)
				max_gap = now - last;
			last = now;
			next += (uint64_t)period * 1000000ull;
			if (next < now)
				next = now + (uint64_t)period * 1000000ull;
		}
		/* the pages due by now, each one word read and stored back */
		for (uint64_t due = (uint64_t)((double)rate * (double)(now - t0) / 1e9);
		     dirtied < due; dirtied++) {
			volatile uint64_t *w;
			uint64_t v;

			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			w = held + (size_t)((seed >> 17) % pages) * (HOLD_PAGE / 8);
			v = *w; /* the word stored back: the page dirty, its content the same */
			*w = v;
		}
		{
			struct timespec nap = { 0, 500000 }; /* 0.5 ms */
			nanosleep(&nap, NULL);
		}
	}
	return json_pack("{s:s,s:O?,s:I,s:I,s:I,s:I}", "type", "beaten", "id",
			 json_object_get(req, "id"), "beats", seq, "pages_dirtied",
			 (json_int_t)dirtied, "elapsed_ns", (json_int_t)(now_ns() - t0),
			 "max_gap_ns", (json_int_t)max_gap);
}

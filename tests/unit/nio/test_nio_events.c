/*
 * test_nio_events.c - event reports: the stamp inserted into the caller's
 * JSON object, and datagrams as the emulator receives them.
 */
#include <json-c/json.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "nio_test.h"

static char out[512];

Test(nio_events, format_inserts_node_and_mono_ns_after_brace)
{
	int n = nio_event_format(out, sizeof out, "mag1", 123, "{\"ev\":\"pbu_sent\",\"seq\":7}");

	cr_assert_str_eq(out, "{\"node\":\"mag1\",\"mono_ns\":123,\"ev\":\"pbu_sent\",\"seq\":7}");
	cr_assert_eq(n, (int)strlen(out));
}

Test(nio_events, format_empty_object_gets_no_dangling_comma)
{
	nio_event_format(out, sizeof out, "lma", 5, "{ }");
	cr_assert_str_eq(out, "{\"node\":\"lma\",\"mono_ns\":5}");
}

Test(nio_events, format_without_node_adds_only_mono_ns)
{
	nio_event_format(out, sizeof out, NULL, 18446744073709551615ull, " {\"a\":1} \n");
	cr_assert_str_eq(out, "{\"mono_ns\":18446744073709551615,\"a\":1}");
}

Test(nio_events, format_escapes_node_name)
{
	json_object *o;

	cr_assert_gt(nio_event_format(out, sizeof out, "a\"b\\c\n", 1, "{\"x\":2}"), 0);
	o = json_tokener_parse(out);
	cr_assert_not_null(o, "not JSON: %s", out);
	cr_assert_str_eq(json_object_get_string(json_object_object_get(o, "node")), "a\"b\\c\n");
	json_object_put(o);
}

Test(nio_events, format_rejects_text_that_is_not_an_object)
{
	const char *bad[] = { "", "[1]", "{", "\"ev\"", "{\"a\":1", "}" };

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		errno = 0;
		cr_assert_eq(nio_event_format(out, sizeof out, "n", 1, bad[i]), -1, "%s", bad[i]);
		cr_assert_eq(errno, EINVAL);
	}
}

Test(nio_events, format_reports_enospc_instead_of_overrunning)
{
	char small[40];

	memset(small, 'Z', sizeof small);
	errno = 0;
	cr_assert_eq(nio_event_format(small, 30, "node", 1234567890, "{\"ev\":\"long_event_name\"}"), -1);
	cr_assert_eq(errno, ENOSPC);
	for (size_t i = 30; i < sizeof small; i++)
		cr_assert_eq(small[i], 'Z', "wrote past cap at %zu", i);
	cr_assert_eq(nio_event_format(small, 12, "a-very-long-node-name", 1, "{}"), -1);
}

static int bind_dgram(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	strcpy(sa.sun_path, path);
	unlink(path);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	return fd;
}

Test(nio_events, datagram_carries_node_and_mono_ns)
{
	char path[64], buf[1024];
	uint64_t before = nio_now_ns(), mono;
	struct nio_events *e;
	json_object *o;
	ssize_t n;
	int fd;

	snprintf(path, sizeof path, "/tmp/nio-ev-%d.sock", getpid());
	fd = bind_dgram(path);
	setenv("PMIPEMU_EVENT_SOCK", path, 1);
	e = nio_events_open("mag2");
	cr_assert_not_null(e);
	nio_event(e, "{\"ev\":\"bce_created\",\"lifetime_s\":%d}", 3600);
	n = recv(fd, buf, sizeof buf - 1, MSG_DONTWAIT);
	unlink(path);
	cr_assert_gt(n, 0, "no datagram");
	buf[n] = '\0';
	o = json_tokener_parse(buf);
	cr_assert_not_null(o, "not JSON: %s", buf);
	cr_assert_str_eq(json_object_get_string(json_object_object_get(o, "node")), "mag2");
	cr_assert_str_eq(json_object_get_string(json_object_object_get(o, "ev")), "bce_created");
	cr_assert_eq(json_object_get_int(json_object_object_get(o, "lifetime_s")), 3600);
	mono = (uint64_t)json_object_get_uint64(json_object_object_get(o, "mono_ns"));
	cr_assert(mono >= before && mono <= nio_now_ns(), "mono_ns %llu out of range",
		  (unsigned long long)mono);
	cr_assert_eq(nio_events_dropped(e), 0);
	json_object_put(o);
	nio_events_close(e);
	close(fd);
}

Test(nio_events, absent_receiver_counts_a_drop_and_does_not_block)
{
	struct nio_events *e;

	setenv("PMIPEMU_EVENT_SOCK", "/tmp/nio-ev-nobody-listens.sock", 1);
	e = nio_events_open("x");
	cr_assert_not_null(e);
	nio_event(e, "{\"ev\":\"a\"}");
	nio_event(e, "not json");
	cr_assert_eq(nio_events_dropped(e), 2);
	nio_events_close(e);
}

Test(nio_events, without_variable_writes_a_line_to_stderr, .init = cr_redirect_stderr)
{
	struct nio_events *e;

	unsetenv("PMIPEMU_EVENT_SOCK");
	e = nio_events_open("mn1");
	nio_event(e, "{\"ev\":\"carrier_down\"}");
	fflush(stderr);
	nio_events_close(e);
	char line[256] = "";
	cr_assert_not_null(fgets(line, sizeof line, cr_get_redirected_stderr()));
	cr_assert(strncmp(line, "{\"node\":\"mn1\",\"mono_ns\":", 23) == 0, "%s", line);
	cr_assert(strstr(line, ",\"ev\":\"carrier_down\"}\n") != NULL, "%s", line);
}

Test(nio_events, node_defaults_to_pmipemu_node)
{
	char path[64], buf[256];
	struct nio_events *e;
	ssize_t n;
	int fd;

	snprintf(path, sizeof path, "/tmp/nio-ev2-%d.sock", getpid());
	fd = bind_dgram(path);
	setenv("PMIPEMU_EVENT_SOCK", path, 1);
	setenv("PMIPEMU_NODE", "lma0", 1);
	e = nio_events_open(NULL);
	nio_event(e, "{}");
	n = recv(fd, buf, sizeof buf - 1, MSG_DONTWAIT);
	unlink(path);
	cr_assert_gt(n, 0);
	buf[n] = '\0';
	cr_assert(strncmp(buf, "{\"node\":\"lma0\",\"mono_ns\":", 24) == 0, "%s", buf);
	nio_events_close(e);
	close(fd);
}

struct drain {
	int fd;
	int got;
};

static void *drain_after_a_while(void *arg)
{
	struct drain *d = arg;
	char buf[512];

	usleep(20000);                  /* the queue fills meanwhile */
	while (recv(d->fd, buf, sizeof buf, 0) > 0)
		if (++d->got == 50)
			break;
	return NULL;
}

/* A receiver slower than a burst (the emulator's queue holds
 * net.unix.max_dgram_qlen, 10, datagrams) loses nothing: the sender waits
 * for room (a registration storm lost events before). */
Test(nio_events, burst_waits_for_a_slow_receiver_and_loses_nothing)
{
	char path[64];
	struct drain d;
	pthread_t th;

	snprintf(path, sizeof path, "/tmp/nio-ev3-%d.sock", getpid());
	d.fd = bind_dgram(path);
	d.got = 0;
	setenv("PMIPEMU_EVENT_SOCK", path, 1);
	struct nio_events *e = nio_events_open("mag1");
	cr_assert_eq(pthread_create(&th, NULL, drain_after_a_while, &d), 0);
	for (int i = 0; i < 50; i++)
		nio_event(e, "{\"ev\":\"pbu_sent\",\"seq\":%d}", i);
	pthread_join(th, NULL);
	unlink(path);
	cr_assert_eq(nio_events_dropped(e), 0);
	cr_assert_eq(d.got, 50);
	nio_events_close(e);
	close(d.fd);
}

/* A receiver that never reads costs one wait, then events are dropped at
 * once (counted) until one goes through again. */
Test(nio_events, stuck_receiver_costs_one_wait_then_drops_until_room)
{
	char path[64], buf[512];

	snprintf(path, sizeof path, "/tmp/nio-ev4-%d.sock", getpid());
	int fd = bind_dgram(path);
	setenv("PMIPEMU_EVENT_SOCK", path, 1);
	struct nio_events *e = nio_events_open("mag1");
	for (int i = 0; i < 30; i++)
		nio_event(e, "{\"ev\":\"x\",\"i\":%d}", i);
	unsigned long lost = nio_events_dropped(e);
	int queued = 0;
	while (recv(fd, buf, sizeof buf, MSG_DONTWAIT) > 0)
		queued++;
	cr_assert_gt(queued, 0);
	cr_assert_eq(lost, (unsigned long)(30 - queued), "every event queued or counted");
	nio_event(e, "{\"ev\":\"y\"}");  /* room again: it goes through */
	cr_assert_eq(nio_events_dropped(e), lost);
	cr_assert_gt(recv(fd, buf, sizeof buf, MSG_DONTWAIT), 0);
	unlink(path);
	nio_events_close(e);
	close(fd);
}

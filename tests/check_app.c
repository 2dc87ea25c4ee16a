/*
 * check_app.c - the servers of the application workloads (app_common.c,
 * issue #15, work in progress): started, proven to own the port they
 * listen on, their CPU time read, stopped; a port another program holds is
 * refused, a server that exits early is said so.  Uses Debian's
 * redis-server when installed (skips with the reason otherwise).
 */
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "workloads/app_common.h"
#include "workloads/net_common.h"
#include "tests/tests.h"
#include "tests/testutil.h"

#define REDIS "/usr/bin/redis-server"

/* A TCP port of 127.0.0.1 free now (the kernel's choice). */
static unsigned free_port(void)
{
	unsigned port;
	vb_error_t err;
	int fd;

	ck_assert_int_eq(vb_net_listen("127.0.0.1", 0, &fd, &port, &err), 0);
	close(fd);
	return port;
}

/* redis-server on @port of 127.0.0.1, configured on its command line. */
static int start_redis(vb_app_t *a, unsigned port, vb_error_t *err)
{
	char p[16];
	char *argv[] = { REDIS, "--port", p, "--bind", "127.0.0.1", "--save", "", "--appendonly",
			 "no", "--protected-mode", "no", "--daemonize", "no", "--dir", "/tmp",
			 "--logfile", "", NULL };

	snprintf(p, sizeof(p), "%u", port);
	return vb_app_start(a, argv, err);
}

START_TEST(test_redis_listens)
{
	vb_app_t a;
	vb_error_t err;
	unsigned port;

	if (access(REDIS, X_OK) < 0)
		VB_SKIP("%s missing (package redis-server)", REDIS);
	port = free_port();
	ck_assert_msg(start_redis(&a, port, &err) == 0, "%s", err.msg);
	ck_assert_msg(vb_app_wait_listening(&a, port, 10000, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(a.port, port);
	vb_app_stop(&a, 3000);
	ck_assert_int_eq(a.pid, 0);
	vb_app_stop(&a, 3000); /* twice is fine */
}
END_TEST

/* A port another program listens on first is not the server's. */
START_TEST(test_port_taken)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	vb_app_t a;
	vb_error_t err;
	unsigned port;
	int fd;

	if (access(REDIS, X_OK) < 0)
		VB_SKIP("%s missing (package redis-server)", REDIS);
	port = free_port();
	fd = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(fd, 4), 0);
	ck_assert_msg(start_redis(&a, port, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(vb_app_wait_listening(&a, port, 5000, &err), -1);
	ck_assert_int_eq(err.code, VB_ECHECK);
	vb_app_stop(&a, 3000);
	close(fd);
	/* a relative program is refused before anything starts */
	ck_assert_int_eq(vb_app_start(&a, (char *[]){ "redis-server", NULL }, &err), -1);
	ck_assert_int_eq(err.code, VB_EUSAGE);
}
END_TEST

Suite *vb_suite_app(void)
{
	Suite *s = suite_create("app");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_redis_listens);
	tcase_add_test(tc, test_port_taken);
	suite_add_tcase(s, tc);
	return s;
}

/*
 * check_prefixes.c - the naming check (scripts/check-prefixes.py,
 * docs/architecture.md "Names"): the tree as it is passes, and a tree with
 * an exported function that does not carry its file's prefix, or a stale
 * line in the list of known exceptions, fails, naming it.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "tests/tests.h"
#include "tests/testutil.h"

static char tmpdir[PATH_MAX];

static void setup(void)
{
	vb_test_mkdtemp(tmpdir, sizeof(tmpdir), "prefixes");
}

static void teardown(void)
{
	vb_test_rmdtemp(tmpdir);
}

START_TEST(test_tree_passes)
{
	static char out[1 << 14];
	int rc = vb_test_script("check-prefixes.py", vb_test_srcdir(), NULL, out, sizeof(out));

	ck_assert_msg(rc == 0, "a function without its file's prefix (exit %d):\n%s", rc, out);
}
END_TEST

START_TEST(test_wrong_prefix_fails)
{
	static char out[1 << 14];
	char allow[PATH_MAX];
	int rc;

	ck_assert(tmpdir[0]);
	vb_test_put_text(tmpdir, "harness/env/vm_disk.c",
			 "#include \"harness/env/vm_disk.h\"\n"
			 "static int helper(void)\n{\n\treturn 0;\n}\n"
			 "int vb_vm_disk_size(void)\n{\n\treturn helper();\n}\n"
			 "int vb_vm_ready(void)\n{\n\treturn 0;\n}\n" /* the family's: vm */
			 "int vb_disk_x(void)\n{\n\treturn 0;\n}\n"   /* the helper's: disk */
			 "int vb_vmdisk_create(int a,\n\t\t     int b)\n{\n\treturn a + b;\n}\n"
			 "int vb_vm_disk_usage(int a);\n" /* a prototype: not a definition */
			 "const char *s = \"int vb_bogus(void) {\";\n");
	vb_test_put_text(tmpdir, "lib/util.c", "char *vb_read_file(void)\n{\n\treturn 0;\n}\n");
	snprintf(allow, sizeof(allow), "%s/none.txt", tmpdir);
	rc = vb_test_script("check-prefixes.py", tmpdir, allow, out, sizeof(out));
	ck_assert_msg(rc == 1, "exit %d:\n%s", rc, out);
	ck_assert_msg(strstr(out, "harness/env/vm_disk.c:18: vb_vmdisk_create does not carry the "
				  "file's prefix (vb_vm_disk_, vb_vm_, vb_disk_)"),
		      "%s", out);
	ck_assert_msg(strstr(out, "lib/util.c:1: vb_read_file does not carry"), "%s", out);
	ck_assert_msg(!strstr(out, "helper") && !strstr(out, "vb_vm_ready") &&
			      !strstr(out, "vb_disk_x") && !strstr(out, "vb_bogus"),
		      "a lawful name named:\n%s", out);
	/* Listed with a reason: accepted; a listed one gone: refused. */
	rc = vb_test_script_listed("check-prefixes.py", tmpdir,
				   "harness/env/vm_disk.c vb_vmdisk_  # why\nlib/util.c vb_  # why\n"
				   "lib/util.c vb_gone_  # fixed since\n",
				   out, sizeof(out));
	ck_assert_msg(rc == 1, "exit %d:\n%s", rc, out);
	ck_assert_msg(!strstr(out, "does not carry"), "%s", out);
	ck_assert_msg(strstr(out, "allow.txt:3: 'lib/util.c vb_gone_' no longer occurs"), "%s", out);
}
END_TEST

Suite *vb_suite_prefixes(void)
{
	Suite *s = suite_create("prefixes");
	TCase *tc = tcase_create("prefixes");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_tree_passes);
	tcase_add_test(tc, test_wrong_prefix_fails);
	suite_add_tcase(s, tc);
	return s;
}

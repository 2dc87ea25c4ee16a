/*
 * check_layers.c - the layering check (scripts/check-layers.py,
 * docs/architecture.md): the tree as it is passes, and a tree with an
 * include from a lower layer up to a higher one, an include cycle, or a
 * stale line in the list of known exceptions fails, naming it.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "tests/tests.h"
#include "tests/testutil.h"

static char tmpdir[PATH_MAX];

static void setup(void)
{
	vb_test_mkdtemp(tmpdir, sizeof(tmpdir), "layers");
}

static void teardown(void)
{
	vb_test_rmdtemp(tmpdir);
}

/* check-layers.py --root @root [--allow @allow]; its output into @out. */
static int check(const char *root, const char *allow, char *out, size_t len)
{
	return vb_test_script("check-layers.py", root, allow, out, len);
}

START_TEST(test_tree_passes)
{
	static char out[1 << 14];
	int rc = check(vb_test_srcdir(), NULL, out, sizeof(out));

	ck_assert_msg(rc == 0, "the tree breaks its layers (exit %d):\n%s", rc, out);
}
END_TEST

START_TEST(test_upward_include_fails)
{
	static char out[1 << 14];
	char allow[PATH_MAX];
	int rc;

	ck_assert(tmpdir[0]);
	vb_test_put_text(tmpdir, "lib/a.h", "#include \"harness/core/b.h\"\n");
	vb_test_put_text(tmpdir, "harness/core/b.h", "#include \"lib/a.h\"\n");
	vb_test_put_text(tmpdir, "harness/run/ok.c", "#include \"lib/a.h\"\n#include \"harness/core/b.h\"\n");
	snprintf(allow, sizeof(allow), "%s/none.txt", tmpdir);
	rc = check(tmpdir, allow, out, sizeof(out));
	ck_assert_msg(rc == 1, "exit %d:\n%s", rc, out);
	ck_assert_msg(strstr(out, "lib/a.h:1: lib/a (lib) includes harness/core/b (harness/core), a "
				  "higher layer"),
		      "%s", out);
	ck_assert_msg(strstr(out, "include cycle: harness/core/b -> lib/a -> harness/core/b"), "%s",
		      out);
	ck_assert_msg(!strstr(out, "harness/run/ok.c"), "a lawful include named:\n%s", out);
	/* Listed with a reason: accepted; a listed one gone: refused. */
	rc = vb_test_script_listed("check-layers.py", tmpdir,
				   "lib/a -> harness/core/b  # why\ncycle lib/a harness/core/b\n"
				   "lib/x -> harness/run/y  # fixed since\n",
				   out, sizeof(out));
	ck_assert_msg(rc == 1, "exit %d:\n%s", rc, out);
	ck_assert_msg(!strstr(out, "a higher layer") && !strstr(out, "include cycle:"), "%s", out);
	ck_assert_msg(strstr(out, "allow.txt:3: 'lib/x -> harness/run/y' no longer occurs"), "%s",
		      out);
}
END_TEST

Suite *vb_suite_layers(void)
{
	Suite *s = suite_create("layers");
	TCase *tc = tcase_create("layers");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_tree_passes);
	tcase_add_test(tc, test_upward_include_fails);
	suite_add_tcase(s, tc);
	return s;
}

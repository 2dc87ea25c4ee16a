/*
 * history_print.c - `vbench history` printed (history_print.h).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness/output/history_print.h"
#include "harness/output/table.h"
#include "lib/json.h"
#include "lib/textsafe.h"

/* A stored verdict, printed only when it is one of the four words. */
static const char *verdict_word(const char *v)
{
	static const char *const words[] = { "slower", "faster", "equivalent", "undecided" };

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(v, words[i]))
			return words[i];
	return "-";
}

static int same_series(const json_t *a, const json_t *b)
{
	return a && b && !strcmp(vb_json_text(a, "class"), vb_json_text(b, "class")) &&
	       !strcmp(vb_json_text(a, "environment"), vb_json_text(b, "environment"));
}

void vb_history_md(const json_t *hist, FILE *out)
{
	const json_t *q = json_object_get(hist, "query"), *rows = json_object_get(hist, "rows"), *r;
	const json_t *first = NULL;
	char buf[160], v[64];
	size_t i, n = json_array_size(rows);

	fputs("# vbench history\n\nOverhead of ", out);
	if (!strcmp(vb_json_text(q, "what"), "all"))
		fputs("all workloads", out);
	else
		vb_text_put_md(out, vb_json_text(q, "what"));
	fputs(" per host class and environment, run by run, from the store ", out);
	vb_text_put_md_code(out, vb_json_text(hist, "store"));
	fputs(".\n", out);
	if (!n) {
		fputs("\nNo stored run matches.\n", out);
		return;
	}
	json_array_foreach (rows, i, r) {
		const json_t *next = json_array_get(rows, i + 1);

		if (!same_series(first, r)) {
			first = r;
			fputs("\n## ", out);
			vb_text_put_md(out, vb_json_text(r, "environment"));
			fputs(" on ", out);
			vb_text_put_md(out, vb_json_text(r, "class"));
			fputs("\n\n| run | created | host | overhead | verdict | reps |\n"
			      "|---|---|---|---|---|---|\n",
			      out);
		}
		fputs("| ", out);
		vb_text_put_md(out, vb_json_text(r, "run"));
		fputs(" | ", out);
		vb_text_put_md(out, vb_json_text(r, "created"));
		fputs(" | ", out);
		vb_text_put_md(out, vb_json_text(r, "host"));
		fprintf(out, " | %s | %s | %s |\n",
			vb_table_fmt_overhead(vb_json_num(r, "ratio"), vb_json_num(r, "ci_low"),
					      vb_json_num(r, "ci_high"), buf, sizeof(buf)),
			verdict_word(vb_json_text(r, "verdict")),
			vb_table_fmt_num(vb_json_num(r, "reps"), v, sizeof(v)));
		if (!same_series(r, next) && first != r) {
			double a = vb_json_num(first, "ratio"), b = vb_json_num(r, "ratio");

			fprintf(out, "\nFrom the first run to the last: %s to %s",
				vb_table_fmt_ratio(a, buf, sizeof(buf)),
				vb_table_fmt_ratio(b, v, sizeof(v)));
			if (isfinite(a) && isfinite(b) && a > 0)
				fprintf(out, " (%+.1f%%)", 100 * (b / a - 1));
			fputs("; read each run's interval before calling it a trend.\n", out);
		}
	}
}

void vb_history_csv(const json_t *hist, FILE *out)
{
	static const char *const cols[] = { "class", "environment", "what", "run", "created", "host" };
	const json_t *r;
	size_t i, c;

	fputs("class,environment,what,run,created,host,overhead,ci_low,ci_high,verdict,reps\n", out);
	json_array_foreach (json_object_get(hist, "rows"), i, r) {
		for (c = 0; c < sizeof(cols) / sizeof(cols[0]); c++) {
			if (c)
				fputc(',', out);
			vb_text_put_csv(out, vb_json_text(r, cols[c]));
		}
		for (c = 0; c < 3; c++) {
			double v = vb_json_num(r, c == 0 ? "ratio" : c == 1 ? "ci_low" : "ci_high");

			if (isfinite(v))
				fprintf(out, ",%.6g", v);
			else
				fputc(',', out);
		}
		fprintf(out, ",%s", verdict_word(vb_json_text(r, "verdict")));
		if (isfinite(vb_json_num(r, "reps")))
			fprintf(out, ",%.0f\n", vb_json_num(r, "reps"));
		else
			fputs(",\n", out);
	}
}

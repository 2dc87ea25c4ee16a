/*
 * report_capacity_int.h - the formatted cells of the "Density" and "Noisy
 * neighbours" rows (report_capacity.c), shared by the terminal and Markdown
 * printers there and the report.html sections (report_html_capacity.c), so
 * every format shows the same text for the same numbers.
 *
 * Must not: compute a statistic: the cells only format the numbers the run
 * and the summary hold.
 */
#ifndef VB_REPORT_CAPACITY_INT_H
#define VB_REPORT_CAPACITY_INT_H

#include <jansson.h>

typedef struct vb_density_cells {
	char up[32];	     /* "2/3": instances started / requested */
	char start[32];	     /* median start latency, ms */
	char idle[32];	     /* median PSS per instance, idle */
	char loaded[32];     /* ... while every instance holds its share */
	char cache[32];	     /* median page cache under load */
	char disk[32];	     /* median disk per instance, "-" when not recorded */
	const char *stopped; /* why no more were started (borrowed from @d) */
} vb_density_cells_t;

typedef struct vb_noisy_cells {
	char slowdown[64];     /* "x1.18 [1.13-1.23]", or "failed" */
	char rate[160];	       /* aggressor rate during (vs alone), busy share; or the error */
	char cpus[48];	       /* "victim CPUs / aggressor CPUs" */
	const char *kind;      /* cpu, mem, io (borrowed from @p, "" when absent) */
	const char *victim;    /* victim workload */
	const char *aggressor; /* aggressor workload */
} vb_noisy_cells_t;

/* One operation of one environment (summary "operations", summary_ops.c). */
typedef struct vb_ops_cells {
	const char *op;        /* "save", "restore", "migrate", "tuned" */
	char time[64];         /* "1058 ms [1047-1072]", or "not measured" */
	char detail[400];      /* image size, verdict against a fresh start, downtime ...;
				* or why not measured */
} vb_ops_cells_t;

/* The cells of operation @key ("save", "restore", "migrate",
 * "migrate-tuned") of environment object @e; 0, or -1 when @e has none. */
int vb_table_ops_cells(const json_t *e, const char *key, vb_ops_cells_t *c);

/* The cells of environment density object @d (summary "density" member). */
void vb_table_density_cells(const json_t *d, vb_density_cells_t *c);

/* The cells of pair @p of environment noisy object @n. */
void vb_table_noisy_cells(const json_t *n, const json_t *p, vb_noisy_cells_t *c);

#endif

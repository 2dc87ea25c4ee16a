/*
 * stats.h - the one place where statistics are computed.  Printers and
 * reports only format what this module returns.
 */
#ifndef VB_STATS_H
#define VB_STATS_H


#include <stddef.h>

typedef struct vb_summary {
	size_t n;      /* finite samples used */
	double median;
	double mean;
	double sd;     /* sample standard deviation (n-1); 0 when n < 2 */
	double cv;     /* sd / mean; 0 when mean is 0 */
	double min;
	double max;
} vb_summary_t;

/* Summarise @n values (non-finite ones are ignored).  Returns 0, or -1 when
 * no finite value remains (fields then NaN). */
int vb_summarize(const double *v, size_t n, vb_summary_t *out);

/* Median of @n values (sorts a copy); NaN when n == 0. */
double vb_median(const double *v, size_t n);



#include <jansson.h>
#include <stdint.h>

/*
 * Derived counter metrics of one repetition, from its "counters" object
 * (counters.h JSON) and the operations/bytes it did: IPC where cycles and
 * instructions exist, misses per kilo-instruction for every _DCM, _TCM,
 * _DM, _MSP or _ICM event, and every available counter per operation.  A derived
 * metric whose inputs are unavailable is absent, never zero.  New reference.
 */
json_t *vb_counters_derive(const json_t *counters, uint64_t ops);
#endif

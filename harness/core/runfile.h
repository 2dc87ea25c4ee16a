/*
 * runfile.h - run.json, the record of a run.
 *
 * One JSON document per run directory, versioned and described by the
 * committed harness/run.schema.json.  It is rewritten after every
 * repetition by write-to-temp-and-rename, so a crash loses at most the
 * repetition in flight.  Every later report is computed from it alone.
 *
 * Must not: compute statistics or print, or leave a half-written run.json
 * under its name.
 */
#ifndef VB_RUNFILE_H
#define VB_RUNFILE_H

#include <jansson.h>

#include "lib/error.h"
#include "harness/core/options.h"

#define VB_RUN_SCHEMA "vbench-run"
#define VB_RUN_SCHEMA_VERSION 1

/* A new document with the schema header, version, command line and options. */
json_t *vb_runfile_new(const vb_run_cfg_t *cfg);

/* The "options" object of run.json for @cfg (new reference). */
json_t *vb_runfile_options(const vb_run_cfg_t *cfg);

#define VB_RUNFILE_NAME "run.json"

/* The warning that the baseline host is itself a VM: the run writes it
 * (runner.c), the summary adds it to a run.json without it and puts it
 * first (summary_input.c), telling it from other warnings by this start. */
#define VB_WARN_VIRTUAL_HOST "this 'bare metal' host is itself a virtual machine"
#define VB_WARN_VIRTUAL_HOST_FMT                                                        \
	VB_WARN_VIRTUAL_HOST " (hypervisor '%s'): every overhead is relative to an already-" \
			     "virtualized host"
#define VB_RUNFILE_MAX (1u << 30) /* a larger run.json is refused */
/* What one repetition's result may add to run.json (vb_runfile_encoded_size
 * at depth 3); a larger one is a protocol error (run_reps.c).  The largest
 * honest one, mem.stream at 200 passes with the default events, is ~37 KB. */
#define VB_RUNFILE_MAX_RESULT (128u << 10)

/*
 * The bytes @v adds to run.json when stored @depth levels deep (a
 * repetition's result: 3), in the encoding of vb_runfile_save_at: indented,
 * ASCII only, each of its lines indented @depth more.  SIZE_MAX when it
 * cannot be encoded.
 */
size_t vb_runfile_encoded_size(const json_t *v, unsigned depth);

/*
 * Stamp "updated" and replace run.json in the run directory @dirfd (@dir:
 * its name, for messages) atomically (vb_safefs_replace_at: never through a
 * symbolic link).  A save that fails leaves the earlier run.json as it was
 * and no temporary file; the error (VB_ERESOURCE: a full disk or a
 * directory that refuses the write) names the file, the reason, the
 * filesystem with its free space, and whether the last good copy is kept.
 * Returns 0 or -1 with @err.
 */
int vb_runfile_save_at(json_t *doc, int dirfd, const char *dir, vb_error_t *err);

/* The same in the directory @dir, opened without following a link. */
int vb_runfile_save(json_t *doc, const char *dir, vb_error_t *err);

/*
 * Load PATH (a run.json) and check its schema name and version.  Only a
 * regular file is read: a FIFO, directory or device is refused before
 * anything could block ("PATH: is a FIFO, not a regular file").  Errors
 * name the file and the field (and the line of a parse error).  New
 * reference or NULL with @err (VB_EUSAGE for a missing file or a document
 * of another schema).
 */
json_t *vb_runfile_load(const char *path, vb_error_t *err);

/* The same for @name beneath @dirfd, resolved with safefs @flags; errors
 * name @what. */
json_t *vb_runfile_load_at(int dirfd, const char *name, unsigned flags, const char *what,
			   vb_error_t *err);

#endif

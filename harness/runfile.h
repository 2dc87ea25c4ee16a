/*
 * runfile.h - run.json, the record of a run.
 *
 * One JSON document per run directory, versioned and described by the
 * committed harness/run.schema.json.  It is rewritten after every
 * repetition by write-to-temp-and-rename, so a crash loses at most the
 * repetition in flight.  Every later report is computed from it alone.
 */
#ifndef VB_RUNFILE_H
#define VB_RUNFILE_H

#include <jansson.h>

#include "error.h"
#include "options.h"

#define VB_RUN_SCHEMA "vbench-run"
#define VB_RUN_SCHEMA_VERSION 1

/* A new document with the schema header, version, command line and options. */
json_t *vb_runfile_new(const vb_run_cfg_t *cfg);

/* The "options" object of run.json for @cfg (new reference). */
json_t *vb_runfile_options(const vb_run_cfg_t *cfg);

/* Stamp "updated" and replace DIR/run.json atomically.  Returns 0 or -1. */
int vb_runfile_save(json_t *doc, const char *dir, vb_error_t *err);

/*
 * Load PATH (a run.json) and check its schema name and version.  Errors name
 * the file and the field.  New reference or NULL with @err (VB_EUSAGE for a
 * missing file or a document of another schema).
 */
json_t *vb_runfile_load(const char *path, vb_error_t *err);

#endif

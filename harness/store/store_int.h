/*
 * store_int.h - what the files of the result store share (store.c: open,
 * schema, adding a run; store_query.c: history and runs).
 *
 * Must not: be included outside harness/store/.
 */
#ifndef VB_STORE_INT_H
#define VB_STORE_INT_H

#include <limits.h>
#include <sqlite3.h>

#include "harness/store/store.h"
#include "lib/error.h"

struct vb_store {
	sqlite3 *db;
	char path[PATH_MAX];
};

/* SQLite's last error on @s as @err ("store PATH: @what: message";
 * VB_EUSAGE when the file is not a database).  -1. */
int vb_store_db_error(vb_store_t *s, vb_error_t *err, const char *what);

/* Bind @t at @i (NULL: SQL NULL). */
void vb_store_bind_text(sqlite3_stmt *st, int i, const char *t);

#endif

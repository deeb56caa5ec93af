// Sift's C API: open Sift files and tables, plan and scan them into Arrow C streams, and write
// Arrow C streams into new files and tables. Built as the dynamic library libSiftC (product
// `SiftC`); `spec/arrow.md` is its reference.
//
// Conventions:
// - Every function that can fail returns a status (SIFT_OK or a SIFT_E_* code) and, when
//   `error` is not NULL, sets *error to a message naming what failed (free it with
//   sift_string_free). Nothing throws, aborts or longjmps across this boundary.
// - Strings in are UTF-8 and NUL-terminated; NULL means "not given". JSON out is UTF-8, owned
//   by the caller (sift_string_free).
// - Column lists are JSON arrays of names (`["ts","dst_ip"]`), NULL for every column.
// - Arrow structs follow the Arrow C data / stream interface: a stream handed in is moved
//   (released by Sift, marked released in the caller's struct); one handed out is the
//   caller's to release.
#ifndef SIFT_H
#define SIFT_H

#include <stdint.h>
#include "arrow_c_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SIFT_OK 0
#define SIFT_E_INVALID_ARGUMENT 1  // a bad predicate, option, column name or scan unit
#define SIFT_E_NOT_FOUND 2         // no such file, table or version
#define SIFT_E_CORRUPT 3           // a damaged file or table log
#define SIFT_E_CONFLICT 4          // a concurrent commit this one cannot be reconciled with
#define SIFT_E_SCHEMA 5            // Arrow data that does not fit the target schema
#define SIFT_E_IO 6                // the operating system refused a read or write
#define SIFT_E_INTERNAL 7          // anything else (a bug: please report it)

typedef struct sift_dataset sift_dataset;

// The library's version and the format version it reads and writes, e.g. "sift 1.0 (format 1.0)".
const char* sift_version(void);
void sift_string_free(char* s);

// Opens a Sift table folder or a single .sift file. `as_of` (tables only): NULL for the latest
// version, a version number, or an ISO-8601 time. The snapshot is pinned until sift_close.
int sift_open(const char* path, const char* as_of, sift_dataset** out, char** error);
void sift_close(sift_dataset* dataset);

// {"kind":"table"|"file","path","version","rows","bytes","files","schema":[{"name","type","nullable","hint"}],
//  "partition_by":[...],"cluster_by":"hilbert:a,b"|null,"timestamp_ms"}
int sift_describe(sift_dataset* dataset, char** json, char** error);
// [{"version","timestamp_ms","operation","parameters":{...},"metrics":{...}}, ...], oldest first.
int sift_history(sift_dataset* dataset, char** json, char** error);
// How IP columns appear in Arrow (`ip_form` below).
#define SIFT_IP_PLAIN 0      // uint32 / fixed_size_binary(16), field metadata sift.type
#define SIFT_IP_EXTENSION 1  // the sift.ipv4 / sift.ipv6 extension types on those
#define SIFT_IP_TEXT 2       // utf8 text, field metadata sift.type

// The Arrow schema of a scan of `columns` (a struct schema, one child per column).
int sift_get_schema(sift_dataset* dataset, const char* columns, int ip_form, struct ArrowSchema* out, char** error);

// Plans a scan without reading data pages: {"version","schema":[{"name","type","nullable","hint"}],
// "units":[{"path","row_groups":[...],"bytes","rows"}],"report":{explain fields}}. One engine task per unit (or per part of a unit's row groups).
int sift_plan(sift_dataset* dataset, const char* where, const char* columns, char** json, char** error);
// Scans into an Arrow C stream of record batches. `units_json`: NULL for the whole dataset, or
// a JSON array of units from sift_plan (one task's share). `threads` <= 0: the machine's cores.
int sift_scan(sift_dataset* dataset, const char* where, const char* columns, const char* units_json, int threads,
              int ip_form, struct ArrowArrayStream* out, char** error);
// Runs a scan, discarding rows, and returns its explain report as JSON.
int sift_explain(sift_dataset* dataset, const char* where, const char* columns, int threads, char** json, char** error);

// Writes a stream into a new Sift file (refuses an existing path). Options (JSON object, all
// optional): "compression" ("zstd"|"lz4"|"none"), "zstd_level", "row_group_rows", "page_rows",
// "bloom" (array of columns, or "none"), "cluster" ("hilbert:a,b"|"zorder:a,b"),
// "types" ({"col":"ipv4"|"ipv6"|"string:domain"|...}: store a column as that type).
// Result: {"rows","bytes","path"}.
int sift_write_file(const char* path, struct ArrowArrayStream* data, const char* options_json, char** result_json, char** error);
// Creates a table whose schema is `schema` (with "types" overrides). Options: "partition_by"
// (array), "cluster_by" ("hilbert:a,b"), "bloom" (array or "none"), "types".
int sift_table_create(const char* path, struct ArrowSchema* schema, const char* options_json, char** error);
// Appends a stream to a table in one atomic commit (nothing is committed if any batch fails).
// Options: "txn" ("APP:VERSION", idempotent), and the writer options above.
// Result: {"version","files","rows","bytes","already_applied"}.
int sift_table_append(const char* path, struct ArrowArrayStream* data, const char* options_json, char** result_json, char** error);

// Two-phase writes, for engines whose tasks write and whose driver commits (Spark):
// sift_table_write_files writes a stream as data files of the table (its schema, partitioning
// and blooms) and commits nothing; result: {"files":[add actions],"rows"}. The driver passes
// every task's files (a JSON array of add actions) to sift_table_commit, which checks them
// (inside the folder, present with their stated size, not live yet) and commits them at once.
// Options: "txn" ("APP:VERSION"), "mode" ("append" or "overwrite": replace every live file).
// Result: as sift_table_append's.
int sift_table_write_files(const char* path, struct ArrowArrayStream* data, const char* options_json, char** result_json, char** error);
int sift_table_commit(const char* path, const char* files_json, const char* options_json, char** result_json, char** error);

#ifdef __cplusplus
}
#endif

#endif  // SIFT_H

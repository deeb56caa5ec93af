#ifndef SIFT_SIMDJSON_H
#define SIFT_SIMDJSON_H

// A C view of simdjson (Debian's libsimdjson) for NDJSON ingest: one flat JSON object per call,
// its fields resolved to schema columns. Anything the fast path does not take on (invalid JSON,
// nested values, unknown or repeated keys, raw-text columns) is handed back to the caller, whose
// own strict parser then accepts the line or names the error exactly.

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// What a field's value is. Numbers come as simdjson classifies them: INT64 for integers that
/// fit, UINT64 for larger ones up to 2^64-1, DOUBLE for any number with a fraction or exponent.
enum {
    SIFT_JSON_NULL = 0,
    SIFT_JSON_FALSE = 1,
    SIFT_JSON_TRUE = 2,
    SIFT_JSON_INT64 = 3,
    SIFT_JSON_UINT64 = 4,
    SIFT_JSON_DOUBLE = 5,
    SIFT_JSON_STRING = 6,
    /// An object or array (only from an open parser; its text is not given).
    SIFT_JSON_NESTED = 7,
};

/// One field of the parsed object.
typedef struct {
    /// A string's bytes, unescaped and valid UTF-8; valid until the next parse call.
    const uint8_t *text;
    /// The key, unescaped (from an open parser; NULL otherwise); valid until the next call.
    const uint8_t *key;
    /// INT64 and UINT64 values (UINT64 as its bit pattern).
    int64_t integer;
    /// DOUBLE values.
    double real;
    /// A string's length in bytes.
    uint32_t length;
    /// The key's length in bytes.
    uint32_t key_length;
    /// The schema column this field's key names; for an open parser, the key's number (keys are
    /// numbered 0, 1, 2, ... in the order the parser first meets them).
    int32_t column;
    /// One of the SIFT_JSON_ kinds.
    uint8_t kind;
} sift_json_field;

typedef struct sift_json_parser sift_json_parser;

/// A parser for objects whose keys are the `count` column names laid end to end in `names`
/// (`lengths[i]` bytes each). A column with `raw_text[i]` set keeps each value's source text,
/// which simdjson does not give back, so lines with a value there are handed back. Returns NULL
/// when out of memory. One parser per thread.
sift_json_parser *sift_json_parser_create(const uint8_t *names, const uint32_t *lengths,
                                          const uint8_t *raw_text, size_t count);
/// A parser that takes any keys (for schema inference): each new key gets the next number, and
/// nested values come back as SIFT_JSON_NESTED. Lines with a repeated key are still handed back.
sift_json_parser *sift_json_parser_create_open(void);
void sift_json_parser_destroy(sift_json_parser *parser);

/// Parses `line[0..<length]` as one JSON object. simdjson reads up to 64 bytes past the end;
/// `readable` says how many bytes from `line` may be read, and the line is copied when fewer.
/// Returns the number of fields written to `*fields` (valid until the next call), or -1 when the
/// line is not taken: the caller must parse it itself.
ptrdiff_t sift_json_parse_object(sift_json_parser *parser, const uint8_t *line, size_t length,
                                 size_t readable, const sift_json_field **fields);

/// The simdjson implementation chosen for this CPU at run time (e.g. "haswell", "fallback").
const char *sift_json_implementation(void);

#ifdef __cplusplus
}
#endif

#endif

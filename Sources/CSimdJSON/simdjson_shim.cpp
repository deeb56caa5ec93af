// The fast path of NDJSON ingest: simdjson's DOM parser (fully validating: grammar, UTF-8,
// escapes, control characters, numbers) with the library's run-time choice of SIMD kernels, so
// the package needs no CPU flags. See include/sift_simdjson.h.

#include "sift_simdjson.h"

#include <simdjson.h>

#include <cstring>
#include <deque>
#include <new>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct sift_json_parser {
    simdjson::dom::parser dom;
    std::vector<std::string_view> names;
    std::vector<uint8_t> rawText;
    std::vector<uint8_t> nameStorage;
    std::unordered_map<std::string_view, int32_t> byName;
    /// The column of the key last seen at each position: log lines repeat their key order, so
    /// one comparison usually resolves a key.
    std::vector<int32_t> byPosition;
    /// The line number each column was last seen in, to find repeated keys without clearing.
    std::vector<uint64_t> seenInLine;
    uint64_t line = 0;
    std::vector<sift_json_field> fields;
    /// Open parsers: keys are numbered as met, and nested values are reported, not handed back.
    bool open = false;
    /// An open parser's key names (a deque, so the views into it stay valid as it grows).
    std::deque<std::string> openNames;
};

/// Keys an open parser numbers before it hands lines back (a bound on memory for hostile input).
static const size_t maxOpenKeys = 1 << 16;

extern "C" sift_json_parser *sift_json_parser_create(const uint8_t *names, const uint32_t *lengths,
                                                     const uint8_t *raw_text, size_t count) {
    auto *p = new (std::nothrow) sift_json_parser();
    if (p == nullptr) return nullptr;
    size_t total = 0;
    for (size_t i = 0; i < count; i++) total += lengths[i];
    p->nameStorage.assign(names, names + total);
    const char *base = reinterpret_cast<const char *>(p->nameStorage.data());
    size_t offset = 0;
    for (size_t i = 0; i < count; i++) {
        std::string_view name(base + offset, lengths[i]);
        offset += lengths[i];
        p->names.push_back(name);
        p->byName.emplace(name, static_cast<int32_t>(i));
    }
    p->rawText.assign(raw_text, raw_text + count);
    p->seenInLine.assign(count, 0);
    p->fields.reserve(count);
    return p;
}

extern "C" sift_json_parser *sift_json_parser_create_open(void) {
    auto *p = new (std::nothrow) sift_json_parser();
    if (p != nullptr) p->open = true;
    return p;
}

extern "C" void sift_json_parser_destroy(sift_json_parser *parser) { delete parser; }

/// Whether two short strings are equal, compared in place: keys are a few bytes long, where a
/// call to memcmp cost more than the comparison (a fortieth of ingest time).
static inline bool sameKey(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    size_t i = 0;
    for (; i + 8 <= a.size(); i += 8) {
        uint64_t x, y;
        std::memcpy(&x, a.data() + i, 8);
        std::memcpy(&y, b.data() + i, 8);
        if (x != y) return false;
    }
    for (; i < a.size(); i++) {
        if (a[i] != b[i]) return false;
    }
    return true;
}

/// The column named `key`, met at `position` in the object just after column `previous` (-1 at
/// the start); -1 when no column has that name.
static inline int32_t resolve(sift_json_parser *p, std::string_view key, size_t position, int32_t previous) {
    if (position < p->byPosition.size()) {
        int32_t guess = p->byPosition[position];
        if (sameKey(p->names[guess], key)) return guess;
    }
    // A line that leaves out a field shifts the positions after it; the column after the
    // previous key's is then the likely one (an inferred schema lists keys in line order).
    int32_t next = previous + 1;
    if (next < static_cast<int32_t>(p->names.size()) && sameKey(p->names[next], key)) return next;
    auto found = p->byName.find(key);
    if (found == p->byName.end()) {
        if (!p->open || p->names.size() >= maxOpenKeys) return -1;
        p->openNames.emplace_back(key);
        std::string_view name(p->openNames.back());
        int32_t number = static_cast<int32_t>(p->names.size());
        p->names.push_back(name);
        p->rawText.push_back(0);
        p->seenInLine.push_back(0);
        found = p->byName.emplace(name, number).first;
    }
    if (position < p->byPosition.size()) {
        p->byPosition[position] = found->second;
    } else if (position == p->byPosition.size()) {
        p->byPosition.push_back(found->second);
    }
    return found->second;
}

/// Whether "-0" occurs anywhere in the line (a cheap, conservative test).
static bool mayHoldNegativeZero(const uint8_t *line, size_t length) {
    return memmem(line, length, "-0", 2) != nullptr;
}

extern "C" ptrdiff_t sift_json_parse_object(sift_json_parser *p, const uint8_t *line, size_t length,
                                            size_t readable, const sift_json_field **out) {
    using namespace simdjson;
    p->line++;
    p->fields.clear();
    // Too short a tail to read past: simdjson copies the line into padded memory itself.
    const bool copy = readable < length + SIMDJSON_PADDING;
    dom::element root;
    if (p->dom.parse(line, length, copy).get(root) != SUCCESS) return -1;
    dom::object object;
    if (root.get_object().get(object) != SUCCESS) return -1;
    size_t position = 0;
    int32_t column = -1;
    for (dom::key_value_pair field : object) {
        column = resolve(p, field.key, position++, column);
        if (column < 0 || p->seenInLine[column] == p->line || p->rawText[column]) return -1;
        p->seenInLine[column] = p->line;
        sift_json_field f{};
        f.column = column;
        if (p->open) {
            std::string_view key = field.key;
            f.key = reinterpret_cast<const uint8_t *>(key.data());
            f.key_length = static_cast<uint32_t>(key.size());
        }
        dom::element value = field.value;
        switch (value.type()) {
        case dom::element_type::NULL_VALUE:
            f.kind = SIFT_JSON_NULL;
            break;
        case dom::element_type::BOOL:
            f.kind = value.get_bool().value_unsafe() ? SIFT_JSON_TRUE : SIFT_JSON_FALSE;
            break;
        case dom::element_type::INT64:
            f.kind = SIFT_JSON_INT64;
            f.integer = value.get_int64().value_unsafe();
            // simdjson reads "-0" as the integer 0; a float column must keep the sign, so such a
            // line (rare) goes to the caller's parser, which reads number text exactly.
            if (f.integer == 0 && mayHoldNegativeZero(line, length)) return -1;
            break;
        case dom::element_type::UINT64:
            f.kind = SIFT_JSON_UINT64;
            f.integer = static_cast<int64_t>(value.get_uint64().value_unsafe());
            break;
        case dom::element_type::DOUBLE:
            f.kind = SIFT_JSON_DOUBLE;
            f.real = value.get_double().value_unsafe();
            break;
        case dom::element_type::STRING: {
            std::string_view s = value.get_string().value_unsafe();
            if (s.size() > UINT32_MAX) return -1;
            f.kind = SIFT_JSON_STRING;
            f.text = reinterpret_cast<const uint8_t *>(s.data());
            f.length = static_cast<uint32_t>(s.size());
            break;
        }
        default:
            // Objects and arrays: the caller keeps their source text, which the DOM does not hold.
            if (!p->open) return -1;
            f.kind = SIFT_JSON_NESTED;
            break;
        }
        p->fields.push_back(f);
    }
    *out = p->fields.data();
    return static_cast<ptrdiff_t>(p->fields.size());
}

extern "C" const char *sift_json_implementation(void) {
    return simdjson::get_active_implementation()->name().c_str();
}

"""What a statistics-based Parquet reader must read for a query (issue 8's peer measure).

From the footers (DuckDB's `parquet_metadata`) and bloom filters (`parquet_bloom_probe`) of a
set of Parquet files, for `SELECT * WHERE <conjunction>`:

- every file's footer is read (a plain Parquet folder has nothing above its files) unless the
  layout has per-file statistics in a log (Delta: a file whose every row group is ruled out by
  min/max is skipped without opening it);
- a row group is skipped when one conjunct's min/max rule it out; else, when a conjunct is an
  equality on a column with a bloom filter, the filter is read and probed, and a negative
  answer skips the row group;
- every column chunk of a row group still in play is read (`SELECT *`).

Page indexes are not modelled (DuckDB does not use them either), so this is row-group level.
"""
import datetime
import os
import struct

from queries import cidr_text_ranges


def _ts(text):
    """A timestamp statistic as DuckDB prints it ('2026-08-01 00:00:00.5', maybe '+00')."""
    text = text.replace("T", " ").rstrip("Z")
    if "+" in text[10:]:
        text = text[:10] + text[10:].split("+")[0]
    return datetime.datetime.fromisoformat(text)


def _iso(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)


def _may_match(conjunct, lo, hi):
    """Whether a row group with statistics [lo, hi] (text, as DuckDB gives them) may hold a
    row matching `conjunct`. None bounds mean no statistics: it may."""
    if lo is None or hi is None:
        return True
    kind = conjunct[0]
    if kind == "eq":
        _, _, value, vkind = conjunct
        if vkind == "int":
            return int(lo) <= value <= int(hi)
        return lo <= value <= hi
    if kind == "cidr":
        return any(lo <= start <= hi if end is None else not (hi < start or lo >= end)
                   for start, end in cidr_text_ranges(conjunct[2]))
    if kind == "ts_between":
        return not (_ts(hi) < _iso(conjunct[2]) or _ts(lo) > _iso(conjunct[3]))
    return True  # ends_with: min/max cannot answer


def footer_bytes(path):
    """The footer and its 8-byte trailer (length + 'PAR1')."""
    with open(path, "rb") as f:
        f.seek(-8, os.SEEK_END)
        length = struct.unpack("<I", f.read(4))[0]
    return length + 8


class ParquetLayout:
    """The footers of one layout's files, loaded once."""

    def __init__(self, con, files, file_stats_in_log=False):
        self.con = con
        self.files = sorted(files)
        self.file_stats_in_log = file_stats_in_log
        self.sizes = {f: os.path.getsize(f) for f in self.files}
        self.footers = {f: footer_bytes(f) for f in self.files}
        rows = con.execute(
            "SELECT file_name, row_group_id, path_in_schema, coalesce(stats_min_value, stats_min), coalesce(stats_max_value, stats_max), "
            "total_compressed_size, "
            "bloom_filter_length FROM parquet_metadata(?)", [self.files]).fetchall()
        self.groups = {}  # (file, group) -> {column: (min, max, bytes, bloom_bytes)}
        for file, group, column, lo, hi, size, bloom in rows:
            self.groups.setdefault((file, group), {})[column] = (lo, hi, size, bloom or 0)
        self.bloom_chunks = sum(1 for cols in self.groups.values() for v in cols.values() if v[3])

    @property
    def bytes_total(self):
        return sum(self.sizes.values())

    def plan(self, conjuncts):
        """Bytes read and what skipped what, for `SELECT * WHERE conjuncts`."""
        out = {"bytes_read": 0, "files_total": len(self.files), "files_skipped": 0,
               "row_groups_total": len(self.groups), "row_groups_read": 0,
               "row_groups_skipped_by": {"min_max": 0, "bloom": 0}}
        probes = {}  # (column, value) -> {(file, group): excludes}
        by_file = {}
        for (file, group), cols in self.groups.items():
            by_file.setdefault(file, []).append((group, cols))
        for file in self.files:
            groups = by_file.get(file, [])
            verdicts = []
            for group, cols in groups:
                if not all(_may_match(c, cols[c[1]][0], cols[c[1]][1]) for c in conjuncts):
                    verdicts.append((group, cols, "min_max"))
                else:
                    verdicts.append((group, cols, None))
            if self.file_stats_in_log and all(v[2] == "min_max" for v in verdicts):
                out["files_skipped"] += 1
                out["row_groups_skipped_by"]["min_max"] += len(verdicts)
                continue
            out["bytes_read"] += self.footers[file]
            for group, cols, skipped in verdicts:
                if skipped is None:
                    for c in conjuncts:
                        if c[0] != "eq" or not cols[c[1]][3]:
                            continue
                        key = (c[1], c[2])
                        if key not in probes:
                            probes[key] = {(f, g): ex for f, g, ex in self.con.execute(
                                "SELECT file_name, row_group_id, bloom_filter_excludes FROM parquet_bloom_probe(?, ?, ?)",
                                [self.files, c[1], c[2]]).fetchall()}
                        out["bytes_read"] += cols[c[1]][3]
                        if probes[key].get((file, group)):
                            skipped = "bloom"
                            break
                if skipped:
                    out["row_groups_skipped_by"][skipped] += 1
                else:
                    out["row_groups_read"] += 1
                    out["bytes_read"] += sum(v[2] for v in cols.values())
        return out

"""SVG charts of the data-skipping report (matplotlib)."""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

REFERENCE_SHARE = 7.24
SIFT_COLORS = ["#c6dbef", "#9ecae1", "#6baed6", "#08519c", "#4292c6", "#41ab5d"]
PEER_COLORS = ["#fdae6b", "#e6550d", "#a63603", "#fdd0a2", "#f16913", "#d94801", "#7f2704"]


def layout_colors(names):
    sift = [n for n in names if n.startswith("Sift")]
    peers = [n for n in names if not n.startswith("Sift")]
    colors = {n: SIFT_COLORS[i % len(SIFT_COLORS)] for i, n in enumerate(sift)}
    colors.update({n: PEER_COLORS[i % len(PEER_COLORS)] for i, n in enumerate(peers)})
    return colors


def grouped_bars(queries, names, value, colors, labels, tick_label, row_height, outline=None):
    """One group of horizontal bars per query, one bar per name; returns (fig, ax)."""
    height = 0.8 / len(names)
    fig, ax = plt.subplots(figsize=(13, row_height * len(queries) * len(names) + 1.5))
    for j, name in enumerate(names):
        ys = [i + j * height for i in range(len(queries))]
        ax.barh(ys, [value(q["layouts"][name]) for q in queries], height=height, color=colors[name], label=labels(name),
                edgecolor="black" if name == outline else "none", linewidth=0.8)
    ax.set_yticks([i + 0.4 - height / 2 for i in range(len(queries))])
    ax.set_yticklabels([tick_label(q) for q in queries], fontsize=8)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
    return fig, ax


def bytes_chart(ds, path):
    names = [l["name"] for l in ds["layouts"]]
    fig, ax = grouped_bars(ds["queries"], names, lambda m: max(100 * m["bytes_read"] / m["bytes_total"], 1e-3),
                           layout_colors(names), lambda n: n, lambda q: f"{q['label']} (mean {q['rows']:,.0f} rows)",
                           row_height=0.55 / 3, outline=ds["recommended"])
    ax.axvline(REFERENCE_SHARE, color="red", linestyle="--", linewidth=1)
    ax.text(REFERENCE_SHARE * 1.08, 0.995, "reference system: 7.24%", color="red", fontsize=8, va="top",
            transform=ax.get_xaxis_transform())
    ax.set_xlim(1e-3, 150)
    ax.set_xlabel("bytes read, % of the layout's data (log scale; lower is better)")
    ax.set_title(f"{ds['name']}: bytes a SELECT * must read, mean per kind of needle and layout")
    ax.grid(axis="x", which="major", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


ATTRIBUTION = [("partition", "partition", "#31a354"), ("file_stats", "file statistics", "#74c476"),
               ("table_index", "table index", "#006d2c"),
               ("min_max", "row-group min/max", "#9e9ac8"), ("bloom", "bloom filters", "#6a51a3"),
               ("zone_map", "page zone maps", "#fd8d3c"), ("page_bloom", "page bloom filters", "#e6550d")]


def attribution_chart(ds, path):
    rec = ds["recommended"]
    queries = ds["queries"]
    fig, ax = plt.subplots(figsize=(13, 0.4 * len(queries) + 1.5))
    lefts = [0.0] * len(queries)
    for key, label, color in ATTRIBUTION:
        widths = [100 * q["layouts"][rec]["skipped_bytes_by"].get(key, 0) / q["layouts"][rec]["bytes_total"] for q in queries]
        ax.barh(range(len(queries)), widths, left=lefts, color=color, label=f"skipped by {label}")
        lefts = [a + b for a, b in zip(lefts, widths)]
    late = [100 * q["layouts"][rec]["skipped_bytes_by"]["not_materialized"] / q["layouts"][rec]["bytes_total"] for q in queries]
    ax.barh(range(len(queries)), late, left=lefts, color="#fdd0a2", label="not materialised (no matching row in the page)")
    lefts = [a + b for a, b in zip(lefts, late)]
    # Bloom filters, page indexes and footers the query never needed to read.
    other = [max(0.0, 100 - l - 100 * q["layouts"][rec]["bytes_read"] / q["layouts"][rec]["bytes_total"]) for l, q in zip(lefts, queries)]
    ax.barh(range(len(queries)), other, left=lefts, color="#d9d9d9", label="indexes and footers not read")
    lefts = [a + b for a, b in zip(lefts, other)]
    read = [100 * q["layouts"][rec]["bytes_read"] / q["layouts"][rec]["bytes_total"] for q in queries]
    ax.barh(range(len(queries)), read, left=lefts, color="#de2d26", label="read")
    ax.set_yticks(range(len(queries)))
    ax.set_yticklabels([q["label"] for q in queries], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of the table's bytes")
    ax.set_title(f"{ds['name']}, {rec}: what each index skipped")
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def time_chart(ds, path):
    rec = ds["recommended"]
    names = [rec] + [l["name"] for l in ds["layouts"] if not l["name"].startswith("Sift")]
    colors = layout_colors(names)
    colors[rec] = SIFT_COLORS[3]
    fig, ax = grouped_bars(ds["queries"], names, lambda m: m["time_ms"], colors,
                           lambda n: n if n == rec else f"DuckDB on {n}", lambda q: q["label"], row_height=0.35 / 2)
    ax.set_xlabel("mean wall time over the kind's needles, ms (log scale; lower is better)")
    ax.set_title(f"{ds['name']}: query time, Sift against DuckDB on the peers' files")
    ax.grid(axis="x", which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def draw(results, out_dir):
    for ds in results["datasets"]:
        bytes_chart(ds, os.path.join(out_dir, f"bytes_{ds['name']}.svg"))
        attribution_chart(ds, os.path.join(out_dir, f"attribution_{ds['name']}.svg"))
        time_chart(ds, os.path.join(out_dir, f"time_{ds['name']}.svg"))

#!/usr/bin/env python3
"""Lists public declarations without a doc comment in the modules `import Sift` re-exports.

A declaration counts as documented when a `///` line (or the end of a `/** */` block) comes
right before it, above any attributes. Members that implement a standard protocol's
requirement (`description`, `==`, `<`, `encode(to:)`, `init(from:)`, an async iterator's
`next()`) are not counted: DocC shows the protocol's documentation for them.
Usage: scripts/doc-coverage.py [--list] [--strict] [MODULE ...]
"""
import pathlib, re, sys

MODULES = ["SiftFormat", "SiftNDJSON", "SiftIndex", "SiftScan", "SiftTable"]
DECL = re.compile(r'^\s*(?:@[\w().:, "]+\s+)*(?:public|open)\s+(?:(?:final|static|class|override|mutating|nonmutating|indirect|convenience|required|private\(set\)|fileprivate\(set\)|internal\(set\))\s+)*(func|var|let|init|struct|enum|class|protocol|typealias|subscript|case|actor|extension)\b')

CONFORMANCES = re.compile(r'(var description: String|static func [=<]=? \(|static func < \(|func encode\(to encoder|init\(from decoder|func makeAsyncIterator|mutating func next\(\) async|typealias Element|func hash\(into)')

def counted(line):
    m = DECL.match(line)
    return bool(m) and m.group(1) != "extension" and not CONFORMANCES.search(line)

def undocumented(path):
    lines = path.read_text().splitlines()
    out = []
    for i, line in enumerate(lines):
        if not counted(line):
            continue
        j = i - 1
        while j >= 0 and (lines[j].strip().startswith("@") or lines[j].strip() == ""):
            if lines[j].strip() == "":
                break
            j -= 1
        prev = lines[j].strip() if j >= 0 else ""
        if prev.startswith("///") or prev.endswith("*/"):
            continue
        out.append((i + 1, line.strip()))
    return out

def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    modules = args or MODULES
    total = missing = 0
    for module in modules:
        files = sorted(pathlib.Path("Sources", module).rglob("*.swift"))
        count = sum(1 for f in files for l in f.read_text().splitlines() if counted(l))
        bad = [(f, n, l) for f in files for n, l in undocumented(f)]
        total += count
        missing += len(bad)
        print(f"{module}: {count - len(bad)} of {count} public declarations documented")
        if "--list" in sys.argv:
            for f, n, l in bad:
                print(f"  {f}:{n}: {l[:110]}")
    print(f"all: {total - missing} of {total} documented ({100 * (total - missing) / max(total, 1):.0f}%)")
    return 1 if missing and "--strict" in sys.argv else 0

sys.exit(main())

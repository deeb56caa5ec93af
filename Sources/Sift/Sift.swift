// The umbrella module: `import Sift` gives a dependent everything it needs to write files,
// build tables and query them, without naming the layers. See the DocC catalog (Sift.docc) for
// a getting-started guide; `make docs` builds it.
//
//   SiftFormat   types, files (SiftWriter, SiftReader), columns and batches
//   SiftNDJSON   NDJSON in (schema inference, import) and rows out (NDJSON, CSV, table text)
//   SiftIndex    predicates (RowPredicate), the planner and its skip ledger, clustering curves
//   SiftScan     file scans (Scanner)
//   SiftTable    tables (Table, TableScan, ScanBatches), time travel, optimize, vacuum
//
// The pipeline (SiftPipeline) and the Arrow bridge (SiftArrow) are products of their own.

@_exported import SiftFormat
@_exported import SiftIndex
@_exported import SiftNDJSON
@_exported import SiftScan
@_exported import SiftTable

import Synchronization

/// A snapshot's index segments (`spec/table.md` §11), in log order, with the number of files
/// each covers. A segment loaded from a reader-version-3 checkpoint comes without its list of
/// files (the checkpoint keeps each file's slot in columns instead of naming 100,000 paths
/// again in its footer): the list is put together from the live files' slots the first time
/// someone asks for it (verify, the index merge, an older checkpoint's writer); planning never does.
final class IndexSegmentList: Sendable {
    /// The segments; a segment whose files are unknown has an empty `files`.
    let heads: [IndexAction]
    /// The files each segment covers (its slots).
    let fileCounts: [Int]
    private let filesKnown: [Bool]
    private let full: Mutex<[IndexAction]?>

    /// Segments whose files are all listed.
    convenience init(_ segments: [IndexAction]) {
        self.init(heads: segments, fileCounts: segments.map(\.files.count), filesKnown: Array(repeating: true, count: segments.count))
    }

    init(heads: [IndexAction], fileCounts: [Int], filesKnown: [Bool]) {
        self.heads = heads
        self.fileCounts = fileCounts
        self.filesKnown = filesKnown
        full = Mutex(filesKnown.allSatisfy { $0 } ? heads : nil)
    }

    var count: Int { heads.count }
    /// Whether every segment's list of files is known (nothing to put together).
    var filesListed: Bool { filesKnown.allSatisfy { $0 } }

    /// Every segment with its files listed: a slot no live file holds any more is listed as
    /// the empty path (no file has it). `located` gives the live files and each one's slot.
    func segments(_ located: () -> (files: LiveFiles, slots: [PlanningAids.IndexSlot])) -> [IndexAction] {
        if let known = full.withLock({ $0 }) { return known }
        let (live, slots) = located()
        var segments = heads
        for s in segments.indices where !filesKnown[s] { segments[s].files = Array(repeating: "", count: fileCounts[s]) }
        for (i, at) in slots.enumerated() where at.segment >= 0 && !filesKnown[Int(at.segment)] {
            let s = Int(at.segment)
            if Int(at.slot) < segments[s].files.count { segments[s].files[Int(at.slot)] = live.path(at: i) }
        }
        full.withLock { $0 = segments }
        return segments
    }
}

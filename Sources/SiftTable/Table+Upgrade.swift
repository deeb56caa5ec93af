extension Table {
    /// Raises the table's protocol to what this library writes (``ProtocolAction/current``) in
    /// a commit of its own, and writes that version's checkpoint in the new layout
    /// (`spec/table.md` §4.1, §7). Readers older than the new version then refuse the table
    /// from that version on (time travel before it still works for them).
    /// - Returns: the version committed, or nil when the table is at the current protocol already.
    @discardableResult
    public func upgradeProtocol() throws -> Int64? {
        let read = try snapshot()
        let current = ProtocolAction.current
        guard read.protocolVersion.readerVersion < current.readerVersion || read.protocolVersion.writerVersion < current.writerVersion else { return nil }
        let version = try commit(PendingCommit(actions: [.protocol(current)], operation: "upgrade",
                                               parameters: ["reader_version": String(current.readerVersion), "writer_version": String(current.writerVersion)]),
                                 read: read)
        try writeCheckpoint(version)
        return version
    }
}

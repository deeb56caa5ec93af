/// A file written sequentially to a temporary name and renamed into place on `commit()`, so a
/// reader never sees a half-written Sift file under the final name.
final class OutputFile {
    let path: String
    let temporaryPath: String
    let fileSystem: any FileSystem
    private var fd: Int32
    private(set) var offset: UInt64 = 0

    init(path: String, fileSystem: any FileSystem) throws(FormatError) {
        self.path = path
        self.fileSystem = fileSystem
        temporaryPath = path + ".tmp-\(processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        // Registered before it exists, so an interrupt arriving as it is created still removes it.
        TemporaryFiles.register(temporaryPath)
        do { fd = try fileSystem.createExclusive(temporaryPath) } catch {
            TemporaryFiles.unregister(temporaryPath)
            throw error.formatError()
        }
    }

    deinit {
        if fd >= 0 {
            fileSystem.close(fd)
            _ = try? fileSystem.remove(temporaryPath)
            TemporaryFiles.unregister(temporaryPath)
        }
    }

    func write(_ bytes: [UInt8]) throws(FormatError) {
        do { try fileSystem.writeAll(fd, bytes, path: temporaryPath) } catch {
            throw error.formatError(file: temporaryPath, offset: offset)
        }
        offset += UInt64(bytes.count)
    }

    /// Flushes to disk and renames into place; on failure nothing is left under either name.
    func commit() throws(FormatError) {
        do { try fileSystem.sync(fd) } catch { throw error.formatError(file: temporaryPath) }
        fileSystem.close(fd)
        fd = -1
        defer { TemporaryFiles.unregister(temporaryPath) }
        do { try fileSystem.rename(temporaryPath, to: path) } catch {
            _ = try? fileSystem.remove(temporaryPath)
            throw FormatError(.io, "cannot rename into place: \(error.message)", file: path)
        }
    }
}

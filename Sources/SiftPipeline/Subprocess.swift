import SiftPlatform
import SiftFormat

/// Runs a program found on `PATH` with bytes on its standard input and collects its standard
/// output and error (Foundation's `Process` without loading Foundation). Used to call Graphviz.
struct Subprocess {
    /// What the program printed and how it ended.
    struct Outcome {
        var status: Int32
        var output: [UInt8]
        var errors: [UInt8]
    }

    /// Runs `arguments[0]` (looked up on `PATH`) with `arguments`, feeding it `input`.
    /// - Throws: `PipelineError` when the program cannot be started.
    static func run(_ arguments: [String], input: [UInt8]) throws -> Outcome {
        var toChild: [Int32] = [0, 0], fromChild: [Int32] = [0, 0], errorsFromChild: [Int32] = [0, 0]
        guard pipe(&toChild) == 0, pipe(&fromChild) == 0, pipe(&errorsFromChild) == 0 else {
            throw PipelineError("cannot create pipes for \(arguments[0]): \(String(cString: strerror(errno)))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errorsFromChild[1], 2)
        for fd in toChild + fromChild + errorsFromChild { posix_spawn_file_actions_addclose(&actions, fd) }

        let cArguments = arguments.map { strdup($0) } + [nil]
        defer { for a in cArguments { free(a) } }
        var pid = pid_t()
        let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, cArguments, environ)
        for fd in [toChild[0], fromChild[1], errorsFromChild[1]] { close(fd) }
        guard spawned == 0 else {
            for fd in [toChild[1], fromChild[0], errorsFromChild[0]] { close(fd) }
            throw PipelineError("cannot run \(arguments[0]): \(String(cString: strerror(spawned)))")
        }

        // Feed the input and drain both outputs together, so that neither side waits on a full
        // pipe: poll until the input is written and both outputs are at their end.
        var outcome = Outcome(status: 0, output: [], errors: [])
        var written = 0
        var inputFD: Int32 = toChild[1]
        var open: [Int32] = [fromChild[0], errorsFromChild[0]]
        if input.isEmpty { close(inputFD); inputFD = -1 }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        // A program that exits without reading all its input must give this process EPIPE, not
        // the SIGPIPE that would kill it: block the signal in this thread while writing, and
        // take back the one a failed write left pending.
        var pipeSignal = sigset_t(), previous = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &pipeSignal, &previous)
        defer {
            var pending = sigset_t()
            sigpending(&pending)
            if sigismember(&pending, SIGPIPE) == 1 {
                var zero = timespec(tv_sec: 0, tv_nsec: 0)
                _ = sigtimedwait(&pipeSignal, nil, &zero)
            }
            pthread_sigmask(SIG_SETMASK, &previous, nil)
        }
        while inputFD >= 0 || !open.isEmpty {
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            if inputFD >= 0 { fds.append(pollfd(fd: inputFD, events: Int16(POLLOUT), revents: 0)) }
            if poll(&fds, nfds_t(fds.count), -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            for p in fds where p.revents != 0 {
                if p.fd == inputFD {
                    let n = input.withUnsafeBytes { write(inputFD, $0.baseAddress! + written, min(1 << 16, input.count - written)) }
                    if n > 0 { written += n }
                    if n < 0 && errno == EINTR { continue }
                    if n <= 0 || written == input.count { close(inputFD); inputFD = -1 }
                } else {
                    let n = buffer.withUnsafeMutableBytes { read(p.fd, $0.baseAddress!, $0.count) }
                    if n > 0 {
                        if p.fd == fromChild[0] { outcome.output += buffer[0..<n] } else { outcome.errors += buffer[0..<n] }
                    } else if n == 0 || errno != EINTR {
                        close(p.fd)
                        open.removeAll { $0 == p.fd }
                    }
                }
            }
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS, spelled out (the C macros are not imported).
        outcome.status = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return outcome
    }
}

import SiftPlatform

/// State shared by threads that wait for each other (a producer for room, a consumer for an
/// item), under one lock with one condition: the package's single primitive for that. Plain
/// mutual exclusion uses `Synchronization.Mutex`.
///
/// Every access runs inside ``withLock(notify:_:)`` or ``wait(until:notify:_:)``, so no code
/// can touch the state without the lock.
///
/// ```swift
/// let queue = Guarded(State())
/// queue.wait(until: { $0.items.count < capacity }, notify: true) { $0.items.append(item) }   // producer
/// let item = queue.wait(until: { !$0.items.isEmpty }, notify: true) { $0.items.removeFirst() } // consumer
/// ```
package final class Guarded<State>: @unchecked Sendable {
    // Safety (@unchecked): `state` is read and written only while holding `mutex`, inside the
    // two methods below. A POSIX mutex and condition (not Foundation's NSCondition) so that the
    // library does not load Foundation: the `sift` process starts in half the time without it.
    // They are allocated, never moved, as POSIX requires.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var state: State

    package init(_ state: State) {
        self.state = state
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Runs `body` on the state under the lock; with `notify`, wakes every waiter afterwards.
    package func withLock<R>(notify: Bool = false, _ body: (inout State) throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer {
            if notify { pthread_cond_broadcast(condition) }
            pthread_mutex_unlock(mutex)
        }
        return try body(&state)
    }

    /// Waits until `ready` holds, then runs `body` under the same lock; with `notify`, wakes
    /// every waiter afterwards.
    package func wait<R>(until ready: (State) -> Bool, notify: Bool = false, _ body: (inout State) throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer {
            if notify { pthread_cond_broadcast(condition) }
            pthread_mutex_unlock(mutex)
        }
        while !ready(state) { pthread_cond_wait(condition, mutex) }
        return try body(&state)
    }
}

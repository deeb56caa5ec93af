import Foundation

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
    // Safety (@unchecked): `state` is read and written only while holding `condition`'s lock,
    // inside the two methods below.
    private let condition = NSCondition()
    private var state: State

    package init(_ state: State) { self.state = state }

    /// Runs `body` on the state under the lock; with `notify`, wakes every waiter afterwards.
    package func withLock<R>(notify: Bool = false, _ body: (inout State) throws -> R) rethrows -> R {
        condition.lock()
        defer {
            if notify { condition.broadcast() }
            condition.unlock()
        }
        return try body(&state)
    }

    /// Waits until `ready` holds, then runs `body` under the same lock; with `notify`, wakes
    /// every waiter afterwards.
    package func wait<R>(until ready: (State) -> Bool, notify: Bool = false, _ body: (inout State) throws -> R) rethrows -> R {
        condition.lock()
        defer {
            if notify { condition.broadcast() }
            condition.unlock()
        }
        while !ready(state) { condition.wait() }
        return try body(&state)
    }
}

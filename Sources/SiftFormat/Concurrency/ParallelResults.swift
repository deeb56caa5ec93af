/// Slots written by parallel workers, each to its own index, and read after they all finish.
package final class ParallelResults<T>: @unchecked Sendable {
    // Safety: concurrentPerform gives each iteration a distinct index, so no slot is written
    // twice, and results are read only after concurrentPerform has returned. The storage is a
    // fixed allocation, so writers never touch shared array bookkeeping.
    private let slots: UnsafeMutableBufferPointer<T?>
    package init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }
    deinit {
        if let base = slots.baseAddress { base.deinitialize(count: slots.count) }
        slots.deallocate()
    }
    package subscript(i: Int) -> T? {
        get { slots[i] }
        set { slots[i] = newValue }
    }
}

import Dispatch
@testable import SiftFormat
import Testing

/// The package's one primitive for threads that wait on each other.
@Suite("Format: the Guarded primitive")
struct GuardedTests {
    struct Queue {
        var items: [Int] = []
        var producersLeft: Int
        var mostHeld = 0
    }

    @Test("a bounded queue between four producers and one consumer loses, duplicates and overfills nothing")
    func boundedQueue() {
        let capacity = 3, perProducer = 5000, producers = 4
        let queue = Guarded(Queue(producersLeft: producers))
        let group = DispatchGroup()
        for p in 0..<producers {
            DispatchQueue.global().async(group: group) {
                for k in 0..<perProducer {
                    queue.wait(until: { $0.items.count < capacity }, notify: true) { q in
                        q.items.append(p * perProducer + k)
                        q.mostHeld = max(q.mostHeld, q.items.count)
                    }
                }
                queue.withLock(notify: true) { $0.producersLeft -= 1 }
            }
        }
        var seen = Set<Int>(), duplicates = 0
        while let item = queue.wait(until: { !$0.items.isEmpty || $0.producersLeft == 0 }, notify: true, { q in q.items.isEmpty ? nil : q.items.removeFirst() }) {
            if !seen.insert(item).inserted { duplicates += 1 }
        }
        group.wait()
        #expect(seen.count == producers * perProducer && duplicates == 0)
        #expect(queue.withLock { $0.mostHeld } <= capacity)
    }
}

/// A min-heap of scheduled happenings ordered by (time, sequence): equal times pop in scheduling order,
/// so a run never depends on anything but its input.
public struct EventQueue<Payload: Sendable>: Sendable {
    /// One scheduled happening.
    public struct Entry: Sendable {
        /// When it happens (µs).
        public var time: SimTime
        /// Scheduling order; breaks ties in time.
        public var seq: Int
        /// What happens.
        public var payload: Payload

        @inlinable
        init(time: SimTime, seq: Int, payload: Payload) {
            self.time = time
            self.seq = seq
            self.payload = payload
        }
    }

    @usableFromInline var heap: [Entry] = []
    @usableFromInline var nextSeq = 0

    public init() {}

    /// Whether nothing is scheduled.
    public var isEmpty: Bool { heap.isEmpty }
    /// How many happenings are scheduled.
    public var count: Int { heap.count }

    /// Schedules `payload` at `time`; returns its sequence number.
    @discardableResult @inlinable
    public mutating func schedule(_ payload: Payload, at time: SimTime) -> Int {
        let entry = Entry(time: time, seq: nextSeq, payload: payload)
        nextSeq += 1
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.before(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
        return entry.seq
    }

    /// The earliest entry, without removing it.
    public var first: Entry? { heap.first }

    /// Removes and returns the earliest entry.
    @inlinable
    public mutating func pop() -> Entry? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count, Self.before(heap[left], heap[smallest]) { smallest = left }
            if right < heap.count, Self.before(heap[right], heap[smallest]) { smallest = right }
            if smallest == parent { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }

    @inlinable
    static func before(_ a: Entry, _ b: Entry) -> Bool {
        a.time != b.time ? a.time < b.time : a.seq < b.seq
    }
}

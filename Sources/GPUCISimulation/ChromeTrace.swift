import GPUCISupport

/// The session as Chrome Trace Event JSON (Perfetto, chrome://tracing): one track per GPU, one for
/// tests and one for gateways; `X` spans, `i` instants, `M` names; microsecond integers, sorted keys.
public enum ChromeTrace {
    typealias Event = ChromeTraceEvent

    /// A counter sample (`C`): its values are numbers, so it has its own shape.
    struct Counter: Codable, Hashable {
        var name: String
        var ph = "C"
        var ts: Int64
        var pid: Int
        var args: [String: Int]

        func write(to out: inout JSONStreamWriter) {
            out.beginObject()
            out.key("args")
            out.beginObject()
            for (name, value) in args.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
                out.key(name); out.integer(value)
            }
            out.endObject()
            out.key("name"); out.string(name)
            out.key("ph"); out.string(ph)
            out.key("pid"); out.integer(pid)
            out.key("ts"); out.integer(ts)
            out.endObject()
        }
    }

    /// One element of `traceEvents`.
    enum Element: Encodable {
        case event(Event)
        case counter(Counter)

        func encode(to encoder: any Encoder) throws {
            switch self {
            case let .event(event): try event.encode(to: encoder)
            case let .counter(counter): try counter.encode(to: encoder)
            }
        }
    }

    struct Document: Encodable {
        var traceEvents: [Element]
        var displayTimeUnit: String
    }

    static let gpuProcess = 1
    static let sessionProcess = 2
    static let testThread = 1
    static let gatewayThread = 2

    /// The trace document for `result`, byte for byte what `JSONEncoder` gives for it
    /// (``encoded(_:)``), written in one pass.
    public static func render(_ result: SessionResult) -> String {
        let elements = elements(result)
        return Event.document(count: elements.count) { out in
            for element in elements {
                switch element {
                case let .event(event): event.write(to: &out)
                case let .counter(counter): counter.write(to: &out)
                }
            }
        }
    }

    /// The same document through `JSONEncoder`: the twin ``render(_:)`` is checked against.
    static func encoded(_ result: SessionResult) throws -> String {
        try JSONOutput.string(Document(traceEvents: elements(result), displayTimeUnit: "ms"), pretty: false) + "\n"
    }

    /// Name records first, then every span, instant and counter sample by (time, derivation order).
    static func elements(_ result: SessionResult) -> [Element] {
        let timeline = Timeline(result)
        var metadata: [Event] = [
            Event(name: "process_name", ph: "M", ts: 0, pid: gpuProcess, tid: 0, args: ["name": "GPUs (\(result.topology))"]),
            Event(name: "process_name", ph: "M", ts: 0, pid: sessionProcess, tid: 0, args: ["name": "pytest session"]),
            Event(name: "thread_name", ph: "M", ts: 0, pid: sessionProcess, tid: testThread, args: ["name": "tests"]),
            Event(name: "thread_name", ph: "M", ts: 0, pid: sessionProcess, tid: gatewayThread, args: ["name": "gateways"]),
        ]
        for (id, name) in result.gpuNames.enumerated() {
            metadata.append(Event(name: "thread_name", ph: "M", ts: 0, pid: gpuProcess, tid: id, args: ["name": "GPU \(id) (\(name))"]))
        }
        // (time, sequence) keys: the sequence is the position in which spans were derived.
        var timed: [(ts: Int64, seq: Int, event: Element)] = []
        func add(_ event: Event) { timed.append((event.ts, timed.count, .event(event))) }
        for span in timeline.workers {
            let ready = span.healthy ?? span.end
            for gpu in span.gpus {
                let args = ["key": span.key, "model": span.model, "gpus": span.gpus.map(String.init).joined(separator: ",")]
                if ready > span.launch {
                    add(Event(name: "\(span.key) booting", cat: "worker", ph: "X", ts: span.launch, dur: ready - span.launch,
                              pid: gpuProcess, tid: gpu, args: args.merging(["phase": "booting"]) { $1 }))
                }
                if span.healthy != nil, span.end > ready {
                    add(Event(name: span.key, cat: "worker", ph: "X", ts: ready, dur: span.end - ready,
                              pid: gpuProcess, tid: gpu, args: args.merging(["phase": "ready"]) { $1 }))
                }
            }
        }
        for span in timeline.tests {
            if span.start > span.setupStart {
                add(Event(name: "setup \(span.id)", cat: "setup", ph: "X", ts: span.setupStart, dur: span.start - span.setupStart,
                          pid: sessionProcess, tid: testThread, args: ["test": span.id]))
            }
            add(Event(name: span.id, cat: "test", ph: "X", ts: span.start, dur: span.end - span.start,
                      pid: sessionProcess, tid: testThread,
                      args: ["status": span.status.rawValue, "gpus": span.gpus.map(String.init).joined(separator: ",")]))
        }
        for span in timeline.gateways {
            add(Event(name: "gateway \(span.mode)", cat: "gateway", ph: "X", ts: span.start, dur: span.end - span.start,
                      pid: sessionProcess, tid: gatewayThread, args: ["owner": span.owner, "mode": span.mode]))
        }
        for event in result.events {
            switch event.kind {
            case .evict, .timeout:
                for gpu in event.gpus {
                    add(Event(name: "\(event.kind.rawValue) \(event.key)", cat: event.kind.rawValue, ph: "i", ts: event.time,
                              pid: gpuProcess, tid: gpu, s: "t", args: ["key": event.key, "reason": event.detail ?? ""]))
                }
            case .deferred, .testFailed, .testSkipped:
                add(Event(name: "\(event.kind.rawValue) \(event.key)", cat: event.kind.rawValue, ph: "i", ts: event.time,
                          pid: sessionProcess, tid: testThread, s: "t", args: ["key": event.key, "reason": event.detail ?? ""]))
            default: break
            }
        }
        // Free GPUs over time, sampled at every launch, eviction and timeout.
        var free = result.gpuNames.count
        for event in result.events where [.launch, .evict, .timeout].contains(event.kind) {
            free += event.kind == .launch ? -event.gpus.count : event.gpus.count
            timed.append((event.time, timed.count, .counter(Counter(name: "free GPUs", ts: event.time, pid: gpuProcess, args: ["free": free]))))
        }
        timed.sort { $0.ts != $1.ts ? $0.ts < $1.ts : $0.seq < $1.seq }
        return metadata.map(Element.event) + timed.map(\.event)
    }
}

import Dispatch
import Foundation
import Synchronization

/// The live status line of `gpuci run` on a terminal: `[2/5] file running… 12 s`, redrawn every
/// second by a background thread and replaced by the attempt's result line.
final class RunProgressLine: Sendable {
    private struct State {
        var label: String?
        var started = DispatchTime.now()
        var tickerRunning = false
    }

    private let state = Mutex(State())

    /// Shows `label` with a running clock until ``finish(with:)``.
    func start(_ label: String) {
        let startTicker = state.withLock { state -> Bool in
            state.label = label
            state.started = .now()
            Self.draw(label, seconds: 0)
            let needsTicker = !state.tickerRunning
            state.tickerRunning = true
            return needsTicker
        }
        if startTicker {
            Thread.detachNewThread { [self] in tick() }
        }
    }

    /// Replaces the status line with `text` (which should end in a newline).
    func finish(with text: String) {
        state.withLock { state in
            state.label = nil
            FileHandle.standardOutput.write(Data(("\r\u{1B}[K" + text).utf8))
        }
    }

    private func tick() {
        while true {
            Thread.sleep(forTimeInterval: 1)
            state.withLock { state in
                guard let label = state.label else { return }
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds - state.started.uptimeNanoseconds) / 1e9
                Self.draw(label, seconds: Int(elapsed))
            }
        }
    }

    private static func draw(_ label: String, seconds: Int) {
        FileHandle.standardOutput.write(Data("\r\u{1B}[K\(label) running… \(seconds) s".utf8))
    }
}

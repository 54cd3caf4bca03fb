import Foundation
import GPUCIPlanner
import GPUCISupport

/// New est_time literals for several files, applied all or nothing.
///
/// ``prepare(_:)`` reads every file, finds its `register_<backend>_ci` calls again in the bytes it
/// read (so spans are never stale) and builds each new file, failing on the first file that cannot
/// be edited before anything is written. ``write()`` then re-reads each file, refuses one that
/// changed since, and replaces them one by one; when any step fails, the files already replaced
/// get their old bytes back.
public struct EstTimeChangeSet: Sendable {
    /// One file's new est_time for one backend.
    public struct Target: Sendable, Hashable {
        /// The registered file (`test/registered/…`), for messages.
        public var file: String
        /// Where it is on disk.
        public var path: String
        /// The backend whose registrations change.
        public var backend: String
        /// The new est_time, whole seconds.
        public var seconds: Int

        /// Creates a target.
        public init(file: String, path: String, backend: String, seconds: Int) {
            self.file = file
            self.path = path
            self.backend = backend
            self.seconds = seconds
        }
    }

    /// One file's old and new bytes.
    public struct Change: Sendable, Hashable {
        /// The registered file.
        public var file: String
        /// Its path.
        public var path: String
        /// The bytes read.
        public var old: [UInt8]
        /// The bytes to write.
        public var new: [UInt8]
        /// How many literals change.
        public var edits: Int
    }

    /// The files to change, in path order.
    public var changes: [Change]

    /// Reads every target's file and builds its new bytes.
    ///
    /// - Throws: `InputError` naming the file and line of the first literal gpuci cannot rewrite
    ///   (not a plain decimal number, or no registration of the backend any more); nothing is written.
    public static func prepare(_ targets: [Target]) throws(InputError) -> EstTimeChangeSet {
        var changes: [Change] = []
        for (path, group) in Dictionary(grouping: targets, by: \.path).sorted(by: { $0.key < $1.key }) {
            guard let data = FileManager.default.contents(atPath: path) else { throw InputError("cannot read the file", file: path) }
            let old = [UInt8](data)
            let registrations = RegistrationReader.read(source: old, file: group[0].file).registrations
            var edits: [EstTimeEditor.Edit] = []
            for target in group {
                let matching = registrations.filter { $0.backend == target.backend }
                guard !matching.isEmpty else {
                    throw InputError("no register_\(target.backend)_ci call any more (the file changed since the registry was read); nothing was written",
                                     file: path, key: "est_time")
                }
                for registration in matching {
                    guard let span = registration.estTimeSpan else { continue }
                    edits.append(EstTimeEditor.Edit(span: span, seconds: target.seconds))
                }
            }
            let new: [UInt8]
            do {
                new = try EstTimeEditor.apply(edits, to: old, file: path)
            } catch {
                throw InputError("\(error.message); nothing was written", at: error.location)
            }
            if new != old { changes.append(Change(file: group[0].file, path: path, old: old, new: new, edits: edits.count)) }
        }
        return EstTimeChangeSet(changes: changes)
    }

    /// Replaces every file.
    ///
    /// - Throws: `InputError` naming the file that changed since ``prepare(_:)`` read it or that
    ///   could not be written; every file is then as it was.
    public func write() throws(InputError) {
        var written: [Change] = []
        func restore() {
            for change in written.reversed() { try? AtomicFile.write(Data(change.old), to: change.path) }
        }
        for change in changes {
            guard let now = FileManager.default.contents(atPath: change.path), [UInt8](now) == change.old else {
                restore()
                throw InputError("changed since gpuci read it; no file was changed (run apply again)", file: change.path)
            }
            do {
                try AtomicFile.write(Data(change.new), to: change.path)
            } catch {
                restore()
                throw InputError("\(error.message); no file was changed", at: error.location)
            }
            written.append(change)
        }
    }
}

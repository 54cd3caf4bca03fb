import Foundation

/// Walks a folder tree the way sglang's and pytest's discovery do — following symbolic links to
/// folders — but entering each folder (by device and inode) once, so a link loop ends the branch
/// instead of the walk.
public enum DirectoryWalk {
    private struct FolderID: Hashable {
        var device: UInt64
        var inode: UInt64
    }

    /// The files under `root` (paths relative to it, `/`-separated), depth first with each
    /// folder's entries in name order. Names starting with `.` are skipped; `descend` decides on
    /// each folder name, `include` on each file name.
    public static func files(under root: String, descend: (String) -> Bool = { _ in true },
                             include: (String) -> Bool) -> [String] {
        var visited: Set<FolderID> = []
        var files: [String] = []
        func folderID(_ path: String) -> FolderID? {
            var status = stat()
            guard stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else { return nil }
            return FolderID(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
        }
        func walk(_ path: String, _ relative: String) {
            guard let id = folderID(path), visited.insert(id).inserted,
                  let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
            for name in names.sorted() where !name.hasPrefix(".") {
                let child = path + "/" + name
                let childRelative = relative.isEmpty ? name : relative + "/" + name
                var status = stat()
                guard stat(child, &status) == 0 else { continue }
                switch status.st_mode & S_IFMT {
                case S_IFDIR: if descend(name) { walk(child, childRelative) }
                case S_IFREG: if include(name) { files.append(childRelative) }
                default: continue
                }
            }
        }
        walk(root, "")
        return files
    }
}

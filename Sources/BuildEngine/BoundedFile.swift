import Foundation

/// Reads an input file with a size limit. The file must be a regular file (a pipe or a device
/// would block the build or never end), its size is checked before anything is read, and at most
/// one byte past the limit is ever read (a file that grows meanwhile), so an oversized input is
/// refused at once and costs no memory.
public enum BoundedFile {
    public enum Outcome: Equatable, Sendable {
        case bytes([UInt8])
        /// Larger than the limit: its size in bytes (when the file system said).
        case tooLarge(bytes: Int?)
        /// Not a regular file (a folder, a pipe, a device).
        case notARegularFile
        /// Missing or not readable.
        case unreadable
    }

    public static func read(_ path: String, limit: Int) -> Outcome {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return .unreadable }
        guard (attributes[.type] as? FileAttributeType) == .typeRegular else { return .notARegularFile }
        if let size = (attributes[.size] as? NSNumber)?.intValue, size > limit { return .tooLarge(bytes: size) }
        guard let handle = FileHandle(forReadingAtPath: path) else { return .unreadable }
        defer { try? handle.close() }
        let data: Data
        do { data = try handle.read(upToCount: limit + 1) ?? Data() } catch { return .unreadable }
        if data.count > limit { return .tooLarge(bytes: nil) }
        return .bytes([UInt8](data))
    }
}

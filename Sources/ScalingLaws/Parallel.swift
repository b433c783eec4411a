import Dispatch
import Foundation

/// Evaluates `body(i)` for every `i` in `0..<count` across the machine's cores and returns the
/// results in index order.
///
/// The indices are split into fixed contiguous chunks and each result is written to its own
/// slot of a preallocated buffer, so the output depends only on `body`, never on the number of
/// threads or on scheduling. `threads` caps the parallelism (1 runs serially on the caller's
/// thread); `nil` uses every active processor.
func parallelMap<T: Sendable>(count: Int, threads: Int? = nil, _ body: @Sendable (Int) -> T) -> [T] {
    guard count > 0 else { return [] }
    let workers = max(1, min(threads ?? ProcessInfo.processInfo.activeProcessorCount, count))
    if workers == 1 { return (0..<count).map(body) }
    // Several chunks per worker balance uneven work (e.g. optimiser starts of differing length).
    let chunks = min(count, workers * 16)
    let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: count)
    defer {
        _ = buffer.deinitialize()
        buffer.deallocate()
    }
    nonisolated(unsafe) let slots = buffer
    if workers >= ProcessInfo.processInfo.activeProcessorCount {
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            for index in chunkRange(chunk, of: chunks, count: count) {
                slots.initializeElement(at: index, to: body(index))
            }
        }
    } else {
        // A cap below the core count: `workers` lanes, each taking every `workers`-th chunk.
        DispatchQueue.concurrentPerform(iterations: workers) { lane in
            for chunk in stride(from: lane, to: chunks, by: workers) {
                for index in chunkRange(chunk, of: chunks, count: count) {
                    slots.initializeElement(at: index, to: body(index))
                }
            }
        }
    }
    return Array(buffer)
}

/// The indices of chunk `chunk` when `0..<count` is cut into `chunks` nearly equal pieces.
private func chunkRange(_ chunk: Int, of chunks: Int, count: Int) -> Range<Int> {
    (chunk * count / chunks)..<((chunk + 1) * count / chunks)
}

/// A thread-safe completion counter that forwards `(done, total)` to a progress callback.
final class ProgressCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0
    private let total: Int
    private let callback: (@Sendable (Int, Int) -> Void)?

    init(total: Int, callback: (@Sendable (Int, Int) -> Void)?) {
        self.total = total
        self.callback = callback
    }

    /// Records `amount` finished items and reports the new total.
    func advance(by amount: Int = 1) {
        guard let callback else { return }
        lock.lock()
        done += amount
        let now = done
        lock.unlock()
        callback(now, total)
    }
}

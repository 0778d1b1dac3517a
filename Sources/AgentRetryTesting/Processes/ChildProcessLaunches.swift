import Synchronization

/// The one lock every test target takes around `Process.run()`.
///
/// Foundation's `Process.run` on Linux is not safe to call from several threads at once (a
/// parallel test run crashed inside it), and the test targets are linked into one test process:
/// a lock per target does not keep them apart, so they share this one.
package enum ChildProcessLaunches {
    /// Held while a child process is launched.
    package static let lock = Mutex(())
}

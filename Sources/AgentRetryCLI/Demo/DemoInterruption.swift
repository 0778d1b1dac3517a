import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// On SIGINT or SIGTERM: SIGKILL the demo's children (they run in sessions of their own, so the
/// terminal's signal never reaches them), remove the scratch directory, exit 130.
final class DemoInterruption {
    private let sources: [any DispatchSourceSignal]

    init(directory: URL) {
        self.sources = [SIGINT, SIGTERM].map { signalNumber in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                DemoChild.killAll()
                for _ in 0..<5 where FileManager.default.fileExists(atPath: directory.path) {
                    try? FileManager.default.removeItem(at: directory)
                }
                FileHandle.standardError.write(Data("\ninterrupted: children killed, scratch files removed\n".utf8))
                exit(130)
            }
            source.resume()
            return source
        }
    }

    /// Stops watching and gives the signals their default action back.
    func cancel() {
        for source in self.sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}

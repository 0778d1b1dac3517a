import AgentRetry
import AgentRetryTesting
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A real HTTP/2-over-TLS server for tests: `nghttpd` (Debian's nghttp2-server, installed by
/// `make test`) in a child process, serving a temporary folder with a self-signed certificate for
/// 127.0.0.1 made by `openssl`. Stopped with SIGTERM and its folder removed by ``stop()``.
final class TLSTestServer {
    let port: Int
    let certificatePath: String
    private let process: SpawnedProcess
    private let directory: URL

    struct SetupFailure: Error, CustomStringConvertible { let description: String }

    /// `https://127.0.0.1:PORT`.
    var baseURL: String { "https://127.0.0.1:\(self.port)" }

    init() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "agentretry-tls-\(UUID().uuidString)"
        )
        let documents = directory.appendingPathComponent("htdocs")
        try FileManager.default.createDirectory(at: documents, withIntermediateDirectories: true)
        try Data("ok".utf8).write(to: documents.appendingPathComponent("ok"))
        self.directory = directory
        let key = directory.appendingPathComponent("key.pem").path
        self.certificatePath = directory.appendingPathComponent("cert.pem").path
        try await Self.run(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key, "-out", self.certificatePath, "-days", "2", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            ]
        )
        self.port = try await Self.freePort()
        guard
            let nghttpd = ["/usr/sbin/nghttpd", "/usr/bin/nghttpd"].first(where: FileManager.default.isExecutableFile)
        else {
            throw SetupFailure(description: "nghttpd not found: install Debian's nghttp2-server (make test does)")
        }
        self.process = SpawnedProcess()
        self.process.executableURL = URL(fileURLWithPath: nghttpd)
        self.process.arguments = [
            "--address=127.0.0.1", "-d", documents.path, "\(self.port)", key, self.certificatePath,
        ]
        self.process.standardOutput = FileHandle.nullDevice
        self.process.standardError = FileHandle.nullDevice
        try self.process.run()
        try await self.waitUntilListening()
    }

    /// Kills nghttpd (SIGKILL: it does not exit promptly on SIGTERM) and removes the folder.
    func stop() {
        if self.process.isRunning {
            kill(self.process.processIdentifier, SIGKILL)
        }
        try? FileManager.default.removeItem(at: self.directory)
    }

    private func waitUntilListening() async throws {
        for _ in 0..<200 {
            if let probe = try? await FaultyHTTPServer.probeConnect(host: "127.0.0.1", port: self.port), probe {
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        self.stop()
        throw SetupFailure(description: "nghttpd did not start listening on port \(self.port)")
    }

    private static func freePort() async throws -> Int {
        let server = try await FaultyHTTPServer.start()
        let port = server.port
        try await server.shutdown()
        return port
    }

    private static func run(_ executable: String, _ arguments: [String]) async throws {
        let process = SpawnedProcess()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        while process.isRunning {
            try await Task.sleep(for: .milliseconds(10))
        }
        guard process.terminationStatus == 0 else {
            throw SetupFailure(
                description: "\(executable) \(arguments.joined(separator: " ")) exited \(process.terminationStatus)"
            )
        }
    }
}

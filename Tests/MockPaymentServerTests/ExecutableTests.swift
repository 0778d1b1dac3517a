import AgentRetry
import AgentRetryTesting
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The `mock-payment-server` executable as a real child process.
@Suite("The mock-payment-server executable")
struct ExecutableTests {
    /// The built executable, in the build folder with the test bundle (`swift build --build-tests`
    /// builds it; `make test` does that first).
    static var executable: URL {
        let main = Bundle.main.bundleURL
        let candidates = [main, main.deletingLastPathComponent()].map {
            $0.appendingPathComponent("mock-payment-server")
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    /// Reads the child's first stdout line on a thread of its own.
    static func firstLine(of pipe: Pipe) async -> String {
        await withCheckedContinuation { continuation in
            let handle = pipe.fileHandleForReading
            Thread {
                var bytes: [UInt8] = []
                while true {
                    let chunk = handle.readData(ofLength: 1)
                    guard let byte = chunk.first, byte != UInt8(ascii: "\n") else { break }
                    bytes.append(byte)
                }
                continuation.resume(returning: String(decoding: bytes, as: UTF8.self))
            }.start()
        }
    }

    static func waitForExit(_ process: SpawnedProcess, within limit: Duration) async throws -> Int32? {
        let deadline = ContinuousClock.now + limit
        while process.isRunning {
            guard ContinuousClock.now < deadline else { return nil }
            try await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationStatus
    }

    @Test(
        "Prints exactly `listening on http://HOST:PORT` first, applies --faults, stops cleanly on SIGTERM and SIGINT",
        arguments: [SIGTERM, SIGINT]
    )
    func runsAndStops(signal: Int32) async throws {
        let faults = FileManager.default.temporaryDirectory.appendingPathComponent("faults-\(UUID().uuidString).json")
        try Data(
            (#"[{"match": {"method": "POST", "path": "/v1/payment_intents"}, "#
                + #""action": "status_before", "status": 503, "count": 1}]"#).utf8
        ).write(to: faults)
        defer { try? FileManager.default.removeItem(at: faults) }
        let process = SpawnedProcess()
        process.executableURL = Self.executable
        process.arguments = ["--port", "0", "--seed", "7", "--faults", faults.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let line = await Self.firstLine(of: output)
        #expect(line.wholeMatch(of: /listening on http:\/\/127\.0\.0\.1:\d+/) != nil, "first line: \(line)")
        let baseURL = String(line.dropFirst("listening on ".count))

        try await HTTPTransport.withTransport { transport in
            var request = HTTPRequest(
                method: .post,
                url: baseURL + "/v1/payment_intents",
                body: "amount=5&currency=usd"
            )
            request.headers.add(name: "Authorization", value: "Bearer sk_test_cli")
            let first = try await transport.execute(request)
            #expect(first.status == 503)
            let second = try await transport.execute(request)
            #expect(second.status == 200)
        }
        kill(process.processIdentifier, signal)
        let status = try await Self.waitForExit(process, within: .seconds(5))
        #expect(status == 0)
        if status == nil { process.terminate() }
    }

    @Test("A faults file that is not valid fails at start with a message naming the file")
    func badFaultsFile() async throws {
        let faults = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).json")
        try Data(#"{"action": "explode"}"#.utf8).write(to: faults)
        defer { try? FileManager.default.removeItem(at: faults) }
        let process = SpawnedProcess()
        process.executableURL = Self.executable
        process.arguments = ["--port", "0", "--faults", faults.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = Pipe()
        try process.run()
        let status = try await Self.waitForExit(process, within: .seconds(10))
        #expect(status != nil && status != 0)
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(message.contains("explode"))
    }
}

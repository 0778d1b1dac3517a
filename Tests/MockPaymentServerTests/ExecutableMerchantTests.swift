import AgentRetry
import AgentRetryTesting
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The executable's merchant flags: `--acp-versions`, `--merchant-profile`, `--discovery`.
@Suite("The mock-payment-server executable's merchant flags")
struct ExecutableMerchantTests {
    @Test("--merchant-profile, --acp-versions and --discovery set the merchant the server plays")
    func flagsApply() async throws {
        let process = SpawnedProcess()
        process.executableURL = ExecutableTests.executable
        process.arguments = [
            "--port", "0", "--merchant-profile", "fastapi", "--acp-versions", "2026-01-16,2025-09-29", "--discovery",
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let line = await ExecutableTests.firstLine(of: output)
        let baseURL = String(line.dropFirst("listening on ".count))
        try await HTTPTransport.withTransport { transport in
            let merchant = try await transport.execute(HTTPRequest(url: baseURL + "/__admin/merchant"))
            #expect(merchant.json["profile"] == "fastapi")
            #expect(merchant.json["acp_versions"] == ["2025-09-29", "2026-01-16"])
            #expect(merchant.json["discovery"] == true)
            let discovery = try await transport.execute(HTTPRequest(url: baseURL + "/.well-known/acp.json"))
            #expect(discovery.json["protocol"]?["supported_versions"] == ["2025-09-29", "2026-01-16"])
        }
        kill(process.processIdentifier, SIGTERM)
        #expect(try await ExecutableTests.waitForExit(process, within: .seconds(5)) == 0)
    }

    @Test(
        "An unknown version or profile fails at start with a message naming it",
        arguments: [["--acp-versions", "2025-09-29,2024-01-01"], ["--merchant-profile", "django"]]
    )
    func badFlags(arguments: [String]) async throws {
        let process = SpawnedProcess()
        process.executableURL = ExecutableTests.executable
        process.arguments = ["--port", "0"] + arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = Pipe()
        try process.run()
        let status = try await ExecutableTests.waitForExit(process, within: .seconds(10))
        #expect(status != nil && status != 0)
        if status == nil { process.terminate() }
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(message.contains(arguments[1].split(separator: ",").last.map(String.init) ?? ""), "\(message)")
    }
}

import ArgumentParser
import Foundation
import MockPaymentServer

extension MockPaymentServerCommand {
    /// The environment variable that carries the admin token when `--admin-token` is not given.
    static let adminTokenVariable = "MOCK_PAYMENT_SERVER_ADMIN_TOKEN"

    /// The server's configuration from the options (the faults file apart), checked: a usage error
    /// naming the option, before anything is bound.
    func configuration() throws -> MockPaymentServer.Configuration {
        guard self.idleTimeout.isFinite, self.idleTimeout >= 0 else {
            throw ValidationError("--idle-timeout must be 0 (never) or a number of seconds, not \(self.idleTimeout)")
        }
        let environment = ProcessInfo.processInfo.environment[Self.adminTokenVariable]
        var configuration = MockPaymentServer.Configuration(
            host: self.host,
            port: self.port,
            seed: self.seed,
            merchantProfile: self.merchantProfile,
            servesDiscovery: self.discovery,
            mcpBinding: MCPBindingBehaviour(
                results: self.mcpResults,
                errors: self.mcpErrors,
                encoding: self.mcpEncoding,
                requiresIdempotencyKey: !self.mcpOptionalIdempotencyKey
            ),
            idleTimeout: self.idleTimeout == 0 ? nil : .seconds(self.idleTimeout),
            maximumConnections: self.maxConnections,
            adminToken: self.adminToken ?? environment,
            allowedHosts: self.allowedHosts
        )
        if let list = self.acpVersions { configuration.acpVersions = Self.versionNames(list) }
        do {
            try configuration.validate()
        } catch {
            throw ValidationError("\(self.option(for: error.code)): \(error.description)")
        }
        return configuration
    }

    /// The option (or variable) a configuration error is about.
    private func option(for code: MockPaymentServer.ConfigurationError.Code) -> String {
        switch code {
        case .invalidPort: "--port"
        case .unknownACPVersion, .noACPVersion: "--acp-versions"
        case .invalidIdleTimeout: "--idle-timeout"
        case .invalidMaximumConnections: "--max-connections"
        case .invalidAdminToken: self.adminToken == nil ? Self.adminTokenVariable : "--admin-token"
        case .invalidAllowedHost: "--allowed-host"
        default: "configuration"
        }
    }

    static func versionNames(_ list: String) -> [String] {
        list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

// swift-tools-version: 6.1
import PackageDescription

/// Settings shared by every target of this package.
var swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

// `make test` sets AGENTRETRY_STRICT=1 so that a warning in this package's own code fails the build.
// Unsafe flags are kept behind the variable because they forbid using the package as a dependency.
if Context.environment["AGENTRETRY_STRICT"] != nil {
    swiftSettings.append(.unsafeFlags(["-warnings-as-errors"]))
}

let package = Package(
    name: "AgentRetry",
    products: [
        .library(name: "AgentRetry", targets: ["AgentRetry"]),
        .library(name: "MockPaymentServer", targets: ["MockPaymentServer"]),
        .executable(name: "mock-payment-server", targets: ["mock-payment-server"]),
        .executable(name: "agent-retry", targets: ["agent-retry"]),
        .library(name: "AgentRetryACP", targets: ["AgentRetryACP"]),
        .library(name: "AgentRetryPostgres", targets: ["AgentRetryPostgres"]),
        .library(name: "AgentRetryTesting", targets: ["AgentRetryTesting"]),
        .library(name: "AgentRetryWebhooks", targets: ["AgentRetryWebhooks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk.git", exact: "0.12.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(
            name: "AgentRetry",
            dependencies: [
                "CCurl",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "AgentRetryPostgres",
            dependencies: [
                "AgentRetry",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "AgentRetryACP",
            dependencies: ["AgentRetry"],
            swiftSettings: swiftSettings
        ),
        // Webhook signature verification (ACP, Stripe, Standard Webhooks): a pure API over headers and
        // the raw body, HMAC-SHA256 from swift-crypto.
        .target(
            name: "AgentRetryWebhooks",
            dependencies: ["AgentRetry", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MockPaymentServer",
            dependencies: [
                "AgentRetry",
                // Signs the webhooks the mock sends (HMAC-SHA256), independently of AgentRetryWebhooks.
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "mock-payment-server",
            dependencies: [
                "MockPaymentServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // The command line's code: `agent-retry` is its thin entry point, and the crash tests run the
        // same commands through `agent-retry-test-harness`, which adds pause points.
        .target(
            name: "AgentRetryCLI",
            dependencies: [
                "AgentRetry",
                "AgentRetryACP",
                "AgentRetryPostgres",
                "AgentRetryWebhooks",
                "MockPaymentServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MCP", package: "swift-sdk"),
                // `agent-retry mcp --http`: the HTTP/1.1 server under the SDK's Streamable HTTP transport.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "agent-retry",
            dependencies: ["AgentRetryCLI"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "agent-retry-test-harness",
            dependencies: ["AgentRetryCLI"],
            path: "Tests/CLITestHarness",
            swiftSettings: swiftSettings
        ),
        // Test support for users and for this package's own tests: the in-memory store, the store
        // conformance suite, a scripted transport, and a SwiftNIO HTTP/1.1 server that misbehaves on request.
        .target(
            name: "AgentRetryTesting",
            dependencies: [
                "AgentRetry",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // A real PostgreSQL server (Tests/postgres-server.sh) for the tests.
        .target(
            name: "PostgresTestServer",
            dependencies: [
                "AgentRetry",
                "AgentRetryPostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "transport-tour",
            dependencies: ["AgentRetry", "AgentRetryTesting"],
            path: "Examples/TransportTour",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "shopping-agent",
            dependencies: ["AgentRetry", "AgentRetryACP", "MockPaymentServer"],
            path: "Examples/ShoppingAgent",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "orchestrator",
            dependencies: ["AgentRetry", "AgentRetryACP", "AgentRetryPostgres", "MockPaymentServer"],
            path: "Examples/Orchestrator",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AgentRetryTests",
            dependencies: [
                "AgentRetry",
                "AgentRetryTesting",
                "MockPaymentServer",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StoreTests",
            dependencies: [
                "AgentRetry",
                "AgentRetryPostgres",
                "AgentRetryTesting",
                "MockPaymentServer",
                "PostgresTestServer",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AgentRetryACPTests",
            dependencies: ["AgentRetry", "AgentRetryACP", "AgentRetryTesting"],
            resources: [.copy("Resources/acp-examples"), .copy("Resources/acp-schemas")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AgentRetryWebhooksTests",
            dependencies: [
                "AgentRetry",
                "AgentRetryACP",
                "AgentRetryTesting",
                "AgentRetryWebhooks",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MockPaymentServerTests",
            dependencies: [
                "AgentRetry",
                "AgentRetryTesting",
                "AgentRetryACP",
                "MockPaymentServer",
                "PostgresTestServer",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            resources: [
                .copy("Resources/acp-2025-09-29"), .copy("Resources/acp-2025-12-12"), .copy("Resources/acp-2026-01-16"),
                .copy("Resources/acp-2026-01-30"), .copy("Resources/acp-2026-04-17"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)

// `make docs` sets AGENTRETRY_DOCS=1 to build the DocC catalogs with swift-docc-plugin. Users of the
// package never resolve the plugin.
if Context.environment["AGENTRETRY_DOCS"] != nil {
    package.dependencies.append(.package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"))
}

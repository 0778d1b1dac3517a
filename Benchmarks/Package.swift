// swift-tools-version: 6.1
import PackageDescription

// AgentRetry's benchmarks, a package of their own so that the root package holds only the product,
// its tests and the servers its tests need. Each one measures against a baseline in the same run.
// Run them from the root with `make bench`, `make bench-mock`, `make bench-client` and `make bench-store`.

/// Settings shared by every target of this package: the root package's.
var swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

// AGENTRETRY_STRICT=1 makes a warning in the benchmarks (and in the root package's code) fail the build.
if Context.environment["AGENTRETRY_STRICT"] != nil {
    swiftSettings.append(.unsafeFlags(["-warnings-as-errors"]))
}

let package = Package(
    name: "AgentRetryBenchmarks",
    dependencies: [
        // In a project of your own this would be the repository's URL and a version.
        .package(name: "AgentRetry", path: "..")
    ],
    targets: [
        // The command-line and time helpers every benchmark shares.
        .target(name: "BenchmarkSupport", path: "Sources/BenchmarkSupport", swiftSettings: swiftSettings),
        // libcurl for the transport benchmark's plain-libcurl baseline: a module map over the root
        // package's typed shim (Sources/CCurl/shim.h), which is not a product.
        .systemLibrary(
            name: "CLibcurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .executableTarget(
            name: "transport-benchmark",
            dependencies: [
                "BenchmarkSupport",
                "CLibcurl",
                .product(name: "AgentRetry", package: "AgentRetry"),
                .product(name: "AgentRetryTesting", package: "AgentRetry"),
            ],
            path: "Sources/TransportBenchmark",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "mock-server-benchmark",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "AgentRetry", package: "AgentRetry"),
                .product(name: "MockPaymentServer", package: "AgentRetry"),
                .product(name: "AgentRetryTesting", package: "AgentRetry"),
            ],
            path: "Sources/MockServerBenchmark",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "client-benchmark",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "AgentRetry", package: "AgentRetry"),
                .product(name: "AgentRetryTesting", package: "AgentRetry"),
            ],
            path: "Sources/ClientBenchmark",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "store-benchmark",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "AgentRetry", package: "AgentRetry"),
                .product(name: "AgentRetryPostgres", package: "AgentRetry"),
                .product(name: "AgentRetryTesting", package: "AgentRetry"),
            ],
            path: "Sources/StoreBenchmark",
            swiftSettings: swiftSettings
        ),
    ]
)

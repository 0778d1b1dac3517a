import AgentRetry
import Foundation
import MockPaymentServer
import Testing

/// Hostile inputs to `agent-retry`, as real child processes against the real mock server: every
/// usage error is one JSON object on stdout (exit 2), requests that cannot be sent are usage
/// errors that leave nothing behind, and request bodies are bounded (issue 14, findings 1, 3, 6,
/// 8 and 9).
@Suite("agent-retry refuses hostile input with one JSON object", .serialized)
struct HostileInputCLITests {
    static let forms = [
        "--form", "amount=1200", "--form", "currency=usd", "--form", "payment_method=pm_card_visa",
        "--form", "confirm=true",
    ]

    static func post(_ url: String, store: String, task: String, _ extra: [String] = []) -> [String] {
        ["post", url, "--store", store, "--task-id", task] + extra
    }

    static let unused = "http://127.0.0.1:9/v1/payment_intents"
    /// A store path that a usage error never opens (in the temporary directory, should one).
    static let scratch = CLIChild.storePath()
    static let key = ["--header", "Authorization: Bearer sk_test_cli"]

    /// A usable cart, so that a checkout's usage error is the one meant.
    static let cart: String = try! CheckoutCLITests.cartFile()

    static func checkout(server: String = "http://127.0.0.1:9", task: String = "t") -> [String] {
        ["checkout", "--server", server, "--api-key", "sk_test_x", "--store", CLIChild.storePath(), "--task-id", task]
            + ["--cart", Self.cart]
    }

    /// Arguments that are usage errors before anything is opened or sent, and what the message says.
    static let usageErrors: [(String, [String], String)] = [
        (
            "a header without a colon", Self.post(Self.unused, store: Self.scratch, task: "t", ["--header", "X Y"]),
            "Name: value"
        ),
        (
            "--json with --form",
            Self.post(Self.unused, store: Self.scratch, task: "t", ["--json", "{}", "--form", "a=b"]),
            "not both"
        ),
        (
            "--max-attempts 0", Self.post(Self.unused, store: Self.scratch, task: "t", ["--max-attempts", "0"]),
            "--max-attempts"
        ),
        (
            "--max-attempts that is no number",
            Self.post(Self.unused, store: Self.scratch, task: "t", ["--max-attempts", "x"]),
            "max-attempts"
        ),
        ("--deadline 0", Self.post(Self.unused, store: Self.scratch, task: "t", ["--deadline", "0"]), "--deadline"),
        (
            "--lease-seconds 0", Self.post(Self.unused, store: Self.scratch, task: "t", ["--lease-seconds", "0"]),
            "--lease-seconds"
        ),
        (
            "an unknown --profile", Self.post(Self.unused, store: Self.scratch, task: "t", ["--profile", "nope"]),
            "--profile"
        ),
        ("an unknown option", Self.post(Self.unused, store: Self.scratch, task: "t", ["--bogus"]), "bogus"),
        ("no --task-id", ["post", Self.unused, "--store", Self.scratch], "task-id"),
        ("an empty --task-id", Self.post(Self.unused, store: Self.scratch, task: ""), "--task-id"),
        ("a white-space --task-id", Self.post(Self.unused, store: Self.scratch, task: " \t "), "--task-id"),
        (
            "a malformed postgres:// store",
            Self.post(Self.unused, store: "postgres://agent:hunter22@/payments", task: "t"), "names no host"
        ),
        (
            "a postgres:// port over 65535",
            Self.post(Self.unused, store: "postgres://agent:hunter22@127.0.0.1:99999/p", task: "t"), "port 99999"
        ),
        (
            "a postgres:// port 0", Self.post(Self.unused, store: "postgres://agent:hunter22@127.0.0.1:0/p", task: "t"),
            "port 0"
        ),
        (
            "a post URL port over 65535", Self.post("http://127.0.0.1:99999/v1", store: Self.scratch, task: "t"),
            "port 99999"
        ),
        ("a post URL port 0", Self.post("http://127.0.0.1:0/v1", store: Self.scratch, task: "t"), "port 0"),
        ("a post URL port 70000", Self.post("http://127.0.0.1:70000/v1", store: Self.scratch, task: "t"), "port 70000"),
        (
            "--max-body-bytes 0", Self.post(Self.unused, store: Self.scratch, task: "t", ["--max-body-bytes", "0"]),
            "--max-body-bytes"
        ),
        (
            "--max-response-bytes 0",
            Self.post(Self.unused, store: Self.scratch, task: "t", ["--max-response-bytes", "0"]),
            "--max-response-bytes"
        ),
        ("checkout --server port 99999", Self.checkout(server: "http://127.0.0.1:99999"), "--server"),
        ("checkout --task-id of spaces", Self.checkout(task: "  "), "--task-id"),
        (
            "checkout without --cart",
            ["checkout", "--server", "http://127.0.0.1:9", "--store", Self.scratch, "--task-id", "t"], "cart"
        ),
        (
            "mcp --server port 70000", ["mcp", "--server", "http://127.0.0.1:70000", "--store", Self.scratch],
            "--server"
        ),
        (
            "mcp --pay-server gopher://",
            ["mcp", "--server", "http://127.0.0.1:9", "--pay-server", "gopher://x/", "--store", Self.scratch],
            "--pay-server"
        ),
        ("demo --tasks 0", ["demo", "--tasks", "0"], "--tasks"),
        ("an unknown option before any subcommand", ["--nope"], "nope"),
    ]

    @Test("Every usage error is exactly one JSON object on stdout, exit 2", arguments: Self.usageErrors.indices)
    func usageIsJSON(_ index: Int) async throws {
        let (name, arguments, says) = Self.usageErrors[index]
        let (status, stdout, json) = try await CLIChild.run(arguments)
        #expect(status == 2, "\(name): \(stdout)")
        #expect(CLIChild.isOneJSONObject(stdout), "\(name): \(stdout.debugDescription)")
        #expect(json["status"] == "usage", "\(name)")
        #expect(json["message"]?.stringValue?.contains(says) == true, "\(name): \(json)")
        #expect(!stdout.contains("hunter22"), "\(name)")
        #expect(!FileManager.default.fileExists(atPath: Self.scratch), "\(name) opened the store")
    }

    @Test("A key given where an argument goes is not quoted back: the usage JSON masks it")
    func misplacedKeyMasked() async throws {
        let key = "sk_live_" + String(repeating: "Q7", count: 12)
        let (status, stdout, json) = try await CLIChild.run(Self.checkout() + [key])
        #expect(status == 2, "\(stdout)")
        #expect(json["status"] == "usage")
        #expect(json["message"]?.stringValue?.contains("[redacted]") == true, "\(json)")
        #expect(!stdout.contains(key))
        let bearer = try await CLIChild.run(Self.checkout() + ["Bearer tok_Zx81"])
        #expect(bearer.json["status"] == "usage")
        #expect(!bearer.stdout.contains("tok_Zx81"), "\(bearer.stdout)")
    }

    @Test("A port out of range names the part at fault and never the password")
    func portNamed() async throws {
        let store = "postgres://agent:hunter22@127.0.0.1:99999/payments"
        let (_, _, json) = try await CLIChild.run(Self.post(Self.unused, store: store, task: "t"))
        #expect(json["message"]?.stringValue?.contains("port 99999") == true, "\(json)")
        let (_, _, url) = try await CLIChild.run(Self.post("http://127.0.0.1:99999/v1", store: Self.scratch, task: "t"))
        #expect(url["message"]?.stringValue?.contains("URL: the URL's port 99999") == true, "\(url)")
    }

    /// Requests the transport would refuse: each is a usage error, and the same task id with the
    /// request corrected is sent and succeeds (nothing was kept as pending).
    static let unsendable: [(String, @Sendable (String) -> [String])] = [
        ("CR/LF in a header value", { _ in Self.key + ["--header", "X-Note: a\r\nInjected: yes"] + Self.forms }),
        ("CR/LF in the API key", { _ in ["--header", "Authorization: Bearer sk_test\r\nX-Evil: 1"] + Self.forms }),
        ("a header name with a space", { _ in Self.key + ["--header", "Bad Name: v"] + Self.forms }),
        ("a file:// URL", { _ in ["file:///etc/passwd"] }),
        ("a gopher:// URL", { _ in ["gopher://127.0.0.1:70/_x"] }),
        ("a space in the URL", { base in [base + "/v1/payment intents"] }),
    ]

    @Test(
        "A request that cannot be sent is a usage error with its reason, and nothing is kept",
        arguments: [0, 1, 2, 3, 4, 5]
    )
    func unsendableIsUsage(_ index: Int) async throws {
        let (name, arguments) = Self.unsendable[index]
        try await withMockServer { server, _ in
            let store = CLIChild.storePath()
            let good = server.baseURL + "/v1/payment_intents"
            var extra = arguments(server.baseURL)
            var url = good
            if let first = extra.first, !first.hasPrefix("--") {
                url = first
                extra = Self.key + Self.forms
            }
            let (status, stdout, json) = try await CLIChild.run(
                Self.post(url, store: store, task: "bad") + extra + ["--max-attempts", "2"]
            )
            #expect(status == 2, "\(name): \(stdout)")
            #expect(json["status"] == "usage", "\(name)")
            #expect((json["message"]?.stringValue?.count ?? 0) > 10, "\(name): \(json)")
            #expect(!stdout.contains("Injected: yes") && !stdout.contains("sk_test\r"), "\(name)")
            #expect(server.journal.isEmpty, "\(name)")
            let (fixed, _, report) = try await CLIChild.run(
                Self.post(good, store: store, task: "bad") + Self.key + Self.forms
            )
            #expect(fixed == 0, "\(name): \(report)")
            #expect(report["status"] == "succeeded", "\(name)")
            #expect(server.ledger.count == 1, "\(name)")
        }
    }

    @Test("checkout: an API key with CR/LF is a usage error; nothing is sent")
    func checkoutAPIKey() async throws {
        try await withMockServer { server, _ in
            let cart = try CheckoutCLITests.cartFile()
            let (status, stdout, json) = try await CLIChild.run([
                "checkout", "--server", server.baseURL, "--api-key", "sk_test\r\nX-Evil: 1", "--store",
                CLIChild.storePath(), "--task-id", "key", "--cart", cart,
            ])
            #expect(status == 2, "\(stdout)")
            #expect(json["status"] == "usage")
            #expect(!stdout.contains("X-Evil"))
            #expect(server.journal.isEmpty)
        }
    }

    @Test("post --task-id \"\" or white space charges nothing")
    func emptyTaskID() async throws {
        try await withMockServer { server, _ in
            for task in ["", "   ", "\n"] {
                let (status, _, json) = try await CLIChild.run(
                    Self.post(server.baseURL + "/v1/payment_intents", store: CLIChild.storePath(), task: task)
                        + Self.key + Self.forms
                )
                #expect(status == 2)
                #expect(json["message"]?.stringValue?.contains("--task-id") == true)
            }
            #expect(server.journal.isEmpty)
            #expect(server.ledger.isEmpty)
        }
    }

    @Test("Request bodies are bounded: 1 MiB by default, --max-body-bytes otherwise, files never read whole")
    func bodiesBounded() async throws {
        var configuration = MockPaymentServer.Configuration()
        configuration.maximumRequestBodySize = 8 << 20
        try await withMockServer(configuration) { server, _ in
            let url = server.baseURL + "/v1/payment_intents"
            let big = FileManager.default.temporaryDirectory.appendingPathComponent("big-\(UUID().uuidString).json")
            // A valid JSON document of 1 MiB and a bit.
            let padding = String(repeating: "x", count: (1 << 20) + 16)
            try Data("{\"pad\":\"\(padding)\"}".utf8).write(to: big)
            defer { try? FileManager.default.removeItem(at: big) }
            let store = CLIChild.storePath()
            let (over, _, json) = try await CLIChild.run(
                Self.post(url, store: store, task: "big") + Self.key + ["--json", "@" + big.path]
            )
            #expect(over == 2)
            #expect(json["message"]?.stringValue?.contains("--max-body-bytes") == true, "\(json)")
            let (inline, _, _) = try await CLIChild.run(
                Self.post(url, store: store, task: "big") + Self.key + [
                    "--json", "{\"a\":1234567890}", "--max-body-bytes", "8",
                ]
            )
            #expect(inline == 2)
            let (form, _, _) = try await CLIChild.run(
                Self.post(url, store: store, task: "big") + Self.key + Self.forms + ["--max-body-bytes", "16"]
            )
            #expect(form == 2)
            #expect(server.journal.isEmpty)
            // Raised, the same body goes out (whatever the server makes of it).
            let (sent, stdout, _) = try await CLIChild.run(
                Self.post(url, store: store, task: "big") + Self.key
                    + ["--json", "@" + big.path, "--max-body-bytes", "4194304", "--max-attempts", "1"]
            )
            #expect(sent != 2, "\(stdout.prefix(300))")
            #expect(server.journal.count == 1)
        }
    }
}

import AgentRetry
import AgentRetryACP
import AgentRetryTesting
import Testing

/// Merchant and PSP base URLs are checked where they are taken, with typed configuration errors,
/// before any request (issue 14, finding 1).
@Suite("ACP, Stripe and refund base URLs are validated before sending")
struct BaseURLValidationTests {
    static func client(_ transport: ScriptedTransport) -> IdempotentClient {
        IdempotentClient(transport: transport, store: InMemoryIdempotencyStore(), secret: .random())
    }

    static let cart = CheckoutCart(currency: "usd", lines: [.init(id: "item_mug", quantity: 1, unitAmount: 1500)])

    @Test(
        "A checkout task refuses a base URL that cannot be sent to: invalidConfiguration, nothing sent",
        arguments: ["http://127.0.0.1:99999", "http://127.0.0.1:0/acp", "gopher://merchant.example", "http://a b"]
    )
    func checkoutTask(_ url: String) async throws {
        for merchant in [
            CheckoutTask.Merchant.acp(.init(baseURL: url, apiKey: "sk_test_x")),
            .acpMCP(.init(baseURL: url, apiKey: "sk_test_x")), .stripe(baseURL: url, apiKey: "sk_test_x"),
        ] {
            let transport = ScriptedTransport([])
            let task = CheckoutTask(client: Self.client(transport), merchant: merchant)
            do {
                _ = try await task.run(taskID: "t", cart: Self.cart, paymentToken: "spt_test_success")
                Issue.record("ran against \(merchant)")
            } catch {
                #expect(error.code == .invalidConfiguration, "\(merchant): \(error)")
                #expect(error.message.contains("base URL"))
            }
            #expect(transport.requests.isEmpty)
        }
    }

    @Test("A checkout task refuses an API key with CR or LF, never quoting it")
    func apiKeyWithNewline() async throws {
        let transport = ScriptedTransport([])
        let merchant = CheckoutTask.Merchant.stripe(baseURL: "https://psp.example", apiKey: "sk_test\r\nX-Evil: 1")
        do {
            _ = try await CheckoutTask(client: Self.client(transport), merchant: merchant)
                .run(taskID: "t", cart: Self.cart, paymentToken: "pm_card_visa")
            Issue.record("ran")
        } catch {
            #expect(error.code == .invalidConfiguration)
            #expect(!error.message.contains("X-Evil"))
        }
        #expect(transport.requests.isEmpty)
    }

    @Test("ACPClient refuses a base URL with a port out of range: invalidArgument, nothing sent")
    func acpClient() async throws {
        let transport = ScriptedTransport([])
        let acp = ACPClient(
            client: Self.client(transport),
            configuration: .init(baseURL: "http://m:70000", apiKey: "k")
        )
        do {
            _ = try await acp.retrieve("cs_1")
            Issue.record("retrieved")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.message.contains("port 70000"))
        }
        let intent = IdempotencyIntent(
            namespace: "t",
            operation: "acp.checkout_session.create",
            inputs: ["task_id": "t"]
        )
        do {
            _ = try await acp.create(
                CheckoutSessionCreateRequest(lineItems: [.init(id: "a")], currency: "usd"),
                intent: intent
            )
            Issue.record("created")
        } catch {
            #expect(error.code == .invalidArgument)
        }
        #expect(transport.requests.isEmpty)
    }

    @Test("A refund refuses a PSP base URL that cannot be sent to: invalidArgument, nothing sent")
    func refund() async throws {
        let transport = ScriptedTransport([])
        let refund = StripeRefund(client: Self.client(transport), baseURL: "http://psp:99999", apiKey: "sk_test_x")
        do {
            _ = try await refund.run(taskID: "r", paymentIntent: "pi_1", amount: 100)
            Issue.record("refunded")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.message.contains("port 99999"))
        }
        #expect(transport.requests.isEmpty)
    }
}

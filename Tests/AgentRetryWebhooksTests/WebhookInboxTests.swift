import AgentRetry
import AgentRetryTesting
import AgentRetryWebhooks
import Foundation
import Testing

/// The receiver's core over an in-memory store: what is recorded once, what moves an order, and
/// what each refusal answers.
@Suite("Webhook inbox")
struct WebhookInboxTests {
    static let acpSecret = "acp_whsec_inbox_tests"
    static let stripeSecret = "whsec_inbox_tests_stripe"

    static func acpBody(_ status: String, order: String = "ord_1", session: String = "cs_1") -> String {
        #"{"type":"order_update","data":{"type":"order","id":"\#(order)","checkout_session_id":"\#(session)","#
            + #""permalink_url":"https://m.example/o","status":"\#(status)"}}"#
    }

    static func stripeBody(_ id: String, type: String, created: Int, task: String = "task-9") -> String {
        let object =
            type == "charge.refunded"
            ? #"{"id":"ch_1","object":"charge","payment_intent":"pi_1","refunded":true,"#
                + #""metadata":{"task_id":"\#(task)"}}"#
            : #"{"id":"pi_1","object":"payment_intent","status":"succeeded","metadata":{"task_id":"\#(task)"}}"#
        return #"{"id":"\#(id)","object":"event","type":"\#(type)","created":\#(created),"#
            + #""data":{"object":\#(object)}}"#
    }

    static func acp(_ store: InMemoryIdempotencyStore) throws -> WebhookInbox {
        WebhookInbox(
            verifier: try WebhookVerifier(scheme: .acp, secrets: [WebhookSecret(Self.acpSecret)]),
            store: store
        )
    }

    static func receive(_ inbox: WebhookInbox, _ body: String, secret: String) async -> WebhookInbox.Receipt {
        let signature = TestSigner.timestampAndV1(secrets: [secret], timestamp: TestSigner.nowSeconds, body: body)
        return await inbox.receive(
            headers: [inbox.verifier.scheme.signatureHeader: signature],
            body: Array(body.utf8),
            now: TestSigner.now,
            requestID: "req_1"
        )
    }

    @Test func anACPEventIsRecordedOnceUnderADigestOfItsBodyOrderAndStatus() async throws {
        let store = InMemoryIdempotencyStore()
        let inbox = try Self.acp(store)
        let first = await Self.receive(inbox, Self.acpBody("shipped"), secret: Self.acpSecret)
        let again = await Self.receive(inbox, Self.acpBody("shipped"), secret: Self.acpSecret)
        #expect(first.status == 200 && first.isNew)
        #expect(first.body == ["received": true, "duplicate": false, "request_id": "req_1"])
        #expect(again.status == 200 && !again.isNew && again.body["duplicate"] == true)
        let event = try #require(first.event)
        #expect(
            event.dedupKey.hasPrefix("acp:ord_1:shipped:") && event.dedupKey.count == "acp:ord_1:shipped:".count + 64
        )
        #expect(event.sessionID == "cs_1" && event.orderID == "ord_1" && event.orderRank == 5)
        #expect(event.body == Array(Self.acpBody("shipped").utf8))
        let completed = await Self.receive(inbox, Self.acpBody("completed"), secret: Self.acpSecret)
        #expect(completed.isNew && completed.event?.dedupKey != event.dedupKey, "a new status is a new event")
        #expect(try await store.webhookEvents(matching: WebhookInboxQuery(sessionID: "cs_1")).count == 2)
    }

    @Test func aLateOlderACPStatusDoesNotMoveTheOrderBack() async throws {
        let store = InMemoryIdempotencyStore()
        let inbox = try Self.acp(store)
        for status in ["created", "shipped", "confirmed", "processing", "unheard_of"] {
            #expect(await Self.receive(inbox, Self.acpBody(status), secret: Self.acpSecret).status == 200)
        }
        let orders = try await store.webhookOrders(matching: WebhookInboxQuery(orderID: "ord_1"))
        #expect(orders.map(\.status) == ["shipped"])
    }

    @Test func aStripeEventIsKeyedByItsIDAndNamesItsTaskFromMetadata() async throws {
        let store = InMemoryIdempotencyStore()
        let verifier = try WebhookVerifier(scheme: .stripe, secrets: [WebhookSecret(Self.stripeSecret)])
        let inbox = WebhookInbox(verifier: verifier, store: store)
        let refunded = Self.stripeBody("evt_2", type: "charge.refunded", created: 1_776_427_100)
        let succeeded = Self.stripeBody("evt_1", type: "payment_intent.succeeded", created: 1_776_427_100)
        let first = await Self.receive(inbox, refunded, secret: Self.stripeSecret)
        #expect(first.event?.dedupKey == "stripe:evt_2" && first.event?.taskID == "task-9")
        #expect(first.event?.orderID == "pi_1" && first.event?.orderStatus == "refunded")
        let late = await Self.receive(inbox, succeeded, secret: Self.stripeSecret)
        #expect(late.isNew, "the late success is recorded")
        let orders = try await store.webhookOrders(matching: WebhookInboxQuery(taskID: "task-9"))
        #expect(orders.map(\.status) == ["refunded"], "and does not undo the refund of the same second")
        #expect(try await store.webhookEvents(matching: WebhookInboxQuery(taskID: "task-9")).count == 2)
    }

    @Test func aPartialRefundIsPartiallyRefundedAndAFullOneRefunded() async throws {
        let store = InMemoryIdempotencyStore()
        let verifier = try WebhookVerifier(scheme: .stripe, secrets: [WebhookSecret(Self.stripeSecret)])
        let inbox = WebhookInbox(verifier: verifier, store: store)
        func refund(_ id: String, amount: Int, whole: Bool) -> String {
            #"{"id":"\#(id)","object":"event","type":"charge.refunded","created":1776427100,"data":{"object":"#
                + #"{"id":"ch_1","object":"charge","payment_intent":"pi_7","amount":1200,"#
                + #""amount_refunded":\#(amount),"refunded":\#(whole),"metadata":{"task_id":"task-7"}}}}"#
        }
        let partial = await Self.receive(inbox, refund("evt_p", amount: 500, whole: false), secret: Self.stripeSecret)
        #expect(partial.event?.orderStatus == "partially_refunded")
        let query = WebhookInboxQuery(orderID: "pi_7")
        #expect(try await store.webhookOrders(matching: query).map(\.status) == ["partially_refunded"])
        let whole = await Self.receive(inbox, refund("evt_w", amount: 1200, whole: true), secret: Self.stripeSecret)
        #expect(whole.event?.orderStatus == "refunded")
        #expect(try await store.webhookOrders(matching: query).map(\.status) == ["refunded"], "in the same second")
    }

    @Test func hostileIDsAreKeptOutOfTheKeysAndColumnsWithoutLosingTheEvent() async throws {
        let store = InMemoryIdempotencyStore()
        let verifier = try WebhookVerifier(scheme: .stripe, secrets: [WebhookSecret(Self.stripeSecret)])
        let inbox = WebhookInbox(verifier: verifier, store: store)
        let long = String(repeating: "x", count: 5000)
        let body =
            #"{"id":"evt_\#(long)","object":"event","type":"payment_intent.succeeded","created":1,"#
            + #""data":{"object":{"id":"pi_\u0000","object":"payment_intent","status":"succeeded","#
            + #""metadata":{"task_id":"\#(long)"}}}}"#
        let receipt = await Self.receive(inbox, body, secret: Self.stripeSecret)
        let event = try #require(receipt.event)
        #expect(receipt.status == 200 && receipt.isNew)
        #expect(event.dedupKey.hasPrefix("stripe:sha256:") && event.dedupKey.count == "stripe:sha256:".count + 64)
        #expect(event.taskID == nil && event.orderID == nil, "an id too long or with NUL is not kept as a column")
        #expect(event.body == Array(body.utf8), "the body is kept whole")
        #expect(await Self.receive(inbox, body, secret: Self.stripeSecret).isNew == false, "and is deduped")
    }

    @Test func aRefusedSignatureIsAnswered401InvalidSignatureAndNothingIsRecorded() async throws {
        let store = InMemoryIdempotencyStore()
        let inbox = try Self.acp(store)
        let wrong = await Self.receive(inbox, Self.acpBody("shipped"), secret: "acp_whsec_someone_else")
        #expect(wrong.status == 401 && wrong.event == nil)
        #expect(wrong.body["code"] == "invalid_signature" && wrong.body["type"] == "invalid_request")
        #expect((wrong.error as? WebhookVerificationError)?.code == .signatureMismatch)
        let unsigned = await inbox.receive(headers: [:], body: Array(Self.acpBody("x").utf8), now: TestSigner.now)
        #expect(unsigned.status == 401 && (unsigned.error as? WebhookVerificationError)?.code == .missingHeader)
        let notJSON = await Self.receive(inbox, "not json", secret: Self.acpSecret)
        #expect(notJSON.status == 400)
        #expect(try await store.webhookEvents(matching: WebhookInboxQuery(orderID: "ord_1")).isEmpty)
        let claim = try await store.claimWebhookEvent(
            consumer: "c",
            owner: "o",
            claimUntil: TestSigner.now + 9,
            now: TestSigner.now
        )
        #expect(claim == nil, "no refused event reaches a consumer")
    }

    @Test func aStoreThatFailsIsAnswered503SoTheSenderDeliversAgain() async throws {
        let verifier = try WebhookVerifier(scheme: .acp, secrets: [WebhookSecret(Self.acpSecret)])
        let inbox = WebhookInbox(verifier: verifier, store: FailingInboxStore())
        let receipt = await Self.receive(inbox, Self.acpBody("shipped"), secret: Self.acpSecret)
        #expect(receipt.status == 503 && !receipt.isNew)
        #expect(receipt.body["type"] == "service_unavailable" && receipt.body["code"] == "store_unavailable")
        #expect((receipt.error as? IdempotencyStoreError)?.code == .unavailable)
    }
}

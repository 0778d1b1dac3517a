import AgentRetry
import AgentRetryTesting
import MockPaymentServer
import Testing

extension ThirdPartyClientTests {
    @Test("stripe-python searches PaymentIntents by metadata and status, pages through them, and sees bad queries")
    func officialStripeSDKSearch() async throws {
        try await withMockServer { server, _ in
            let outcome = try await PythonCheck.run(Self.stripeSearchScript, arguments: [server.baseURL])
            #expect(outcome.status == 0, "\(outcome.output)")
            #expect(outcome.output.contains("search ok"))
        }
    }

    static let stripeSearchScript = #"""
        import sys, stripe
        stripe.api_key = "sk_test_sdk"
        stripe.api_base = sys.argv[1]
        stripe.max_network_retries = 0
        made = []
        for index in range(5):
            made.append(stripe.PaymentIntent.create(
                amount=900 + index, currency="usd", payment_method="pm_card_visa", confirm=index != 4,
                metadata={"task_id": "sdk-search"}).id)
            stripe.PaymentIntent.create(amount=100, currency="usd", metadata={"task_id": "sdk-other"})
        query = "metadata['task_id']:'sdk-search'"
        first = stripe.PaymentIntent.search(query=query, limit=2)
        assert first.object == "search_result", first.object
        assert first.has_more and first.next_page, first
        assert [pi.id for pi in first.data] == made[::-1][:2]
        second = stripe.PaymentIntent.search(query=query, limit=2, page=first.next_page)
        assert [pi.id for pi in second.data] == made[::-1][2:4]
        every = [pi.id for pi in stripe.PaymentIntent.search(query=query, limit=2).auto_paging_iter()]
        assert every == made[::-1], every
        client = stripe.StripeClient("sk_test_sdk", base_addresses={"api": sys.argv[1]}, max_network_retries=0)
        done = client.v1.payment_intents.search(
            params={"query": query + " AND status:'succeeded'", "limit": 100})
        assert [pi.id for pi in done.data] == made[::-1][1:], done
        assert not done.has_more and done.next_page is None
        try:
            stripe.PaymentIntent.search(query="amount>100")
            raise SystemExit("a bad query did not raise")
        except stripe.InvalidRequestError as error:
            assert error.http_status == 400 and error.code == "parameter_invalid", error
            assert error.param == "query", error.param
        print("stripe-python", stripe.VERSION, "search ok")
        """#
}

/// The mock merchant's catalog: a few items with prices, one out of stock.
enum ACPCatalog {
    struct Product {
        let id: String
        let name: String
        let unitAmount: Int
        let inStock: Bool
        let digital: Bool
    }

    static let products: [String: Product] = Dictionary(
        uniqueKeysWithValues: [
            Product(id: "item_tshirt", name: "AgentRetry T-shirt", unitAmount: 2500, inStock: true, digital: false),
            Product(id: "item_mug", name: "Idempotent Mug", unitAmount: 1500, inStock: true, digital: false),
            Product(id: "item_sticker", name: "Exactly-Once Sticker", unitAmount: 300, inStock: true, digital: false),
            Product(id: "item_ebook", name: "Retry Patterns (e-book)", unitAmount: 1200, inStock: true, digital: true),
            Product(id: "item_hoodie", name: "Sold-Out Hoodie", unitAmount: 5500, inStock: false, digital: false),
        ].map { ($0.id, $0) }
    )

    /// Shipping options: id, title, price. Standard is free from 5,000 in goods.
    static func shippingOptions(subtotal: Int) -> [(id: String, title: String, amount: Int)] {
        [
            ("ship_standard", "Standard (3-5 business days)", subtotal >= 5000 ? 0 : 500),
            ("ship_express", "Express (1 business day)", 1500),
        ]
    }

    /// Sales tax in basis points (8.75%) on goods and shipping, rounded half up.
    static func tax(on amount: Int) -> Int {
        (amount * 875 + 5000) / 10000
    }

    /// Test credential tokens for complete.
    enum Token {
        static let succeeds = "spt_test_success"
        static let declined = "spt_test_declined"
        static let requires3DS = "spt_test_3ds"
    }
}

import AgentRetry
import MockPaymentServer

/// Request bodies in one ACP version's own shape, for the per-version tests.
struct VersionedACPBodies {
    let version: String

    static let all = MockPaymentServer.releasedACPVersions.map(VersionedACPBodies.init(version:))

    private var family: Int {
        switch self.version {
        case "2025-09-29": 0
        case "2025-12-12", "2026-01-16": 1
        default: 2
        }
    }

    static let address =
        #"{"name": "Ada", "line_one": "1 Loop Rd", "city": "Springfield", "state": "IL", "country": "US", "#
        + #""postal_code": "62701"}"#

    /// A create body for `items`; `address` adds the shipping address in this version's member.
    func create(items: [String] = ["item_tshirt"], address: Bool = false, taskID: String = "task-1") -> String {
        if self.family == 2 {
            return sessionBody(items: items, address: address, taskID: taskID)
        }
        let list = items.map { #"{"id": "\#($0)", "quantity": 1}"# }.joined(separator: ", ")
        return #"{"items": [\#(list)]\#(address ? ", " + self.addressMember : "")}"#
    }

    /// An update body that adds the address.
    func updateAddress() -> String { "{\(self.addressMember)}" }

    /// An update body that selects express shipping for the line items `li_1`.
    func selectExpress() -> String {
        switch self.family {
        case 0: #"{"fulfillment_option_id": "ship_express"}"#
        case 1:
            #"{"selected_fulfillment_options": [{"type": "shipping", "#
                + #""shipping": {"option_id": "ship_express", "item_ids": ["li_1"]}}]}"#
        default:
            #"{"selected_fulfillment_options": [{"type": "shipping", "option_id": "ship_express", "#
                + #""item_ids": ["li_1"]}]}"#
        }
    }

    /// A complete body with a test credential token.
    func complete(token: String = "spt_test_success") -> String {
        self.family == 2
            ? completeBody(token: token) : #"{"payment_data": {"token": "\#(token)", "provider": "stripe"}}"#
    }

    private var addressMember: String {
        self.family == 0
            ? #""fulfillment_address": \#(Self.address)"#
            : #""fulfillment_details": {"name": "Ada", "email": "ada@example.com", "address": \#(Self.address)}"#
    }
}

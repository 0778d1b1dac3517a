import ArgumentParser
import MockPaymentServer

extension MerchantProfile: ExpressibleByArgument {}

extension MCPBindingBehaviour.Results: ExpressibleByArgument {}
extension MCPBindingBehaviour.Errors: ExpressibleByArgument {}
extension MCPBindingBehaviour.Encoding: ExpressibleByArgument {}

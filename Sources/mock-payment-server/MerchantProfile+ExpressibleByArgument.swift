import ArgumentParser
import MockPaymentServer

extension MerchantProfile: ExpressibleByArgument {}

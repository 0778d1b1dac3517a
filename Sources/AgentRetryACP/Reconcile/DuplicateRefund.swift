import AgentRetry
import Crypto

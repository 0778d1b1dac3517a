import AgentRetryCLI

// `agent-retry`: the commands live in AgentRetryCLI, so that the crash-test harness runs the same code.
await AgentRetryCommand.main()

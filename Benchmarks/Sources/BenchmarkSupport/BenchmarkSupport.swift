// What every benchmark of this package reads and prints alike.

/// The integer after `name` on the command line (`--rounds 5`), or `value` when it is absent or
/// not a number.
public func argument(_ name: String, default value: Int) -> Int {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count,
        let parsed = Int(arguments[index + 1])
    else {
        return value
    }
    return parsed
}

/// `duration` in seconds.
public func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

extension StringProtocol {
    /// The text without white space (spaces, tabs, line ends) at either end: what Foundation's
    /// `trimmingWhitespace()` did for the package's list options and small
    /// text files, without loading Foundation.
    package func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = lastIndex(where: { !$0.isWhitespace })!
        return String(self[first...last])
    }
}

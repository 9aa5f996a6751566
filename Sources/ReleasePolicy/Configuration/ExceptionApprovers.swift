/// Who may approve a feature exception, per role (email addresses).
public struct ExceptionApprovers: Sendable, Equatable {
    public var em: [String]
    public var qaLead: [String]
    public var releaseDri: [String]
}

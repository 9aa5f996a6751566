/// Who may approve a feature exception, per role (email addresses).
public struct ExceptionApprovers: Sendable, Equatable {
    public var em: [String]
    public var qaLead: [String]
    public var releaseDri: [String]
}

extension ExceptionApprovers {
    public func approvers(for role: ApprovalRole) -> [String] {
        switch role {
        case .em: em
        case .qaLead: qaLead
        case .releaseDri: releaseDri
        }
    }

    /// The roles an approver (`Name <email>` or a bare email) holds.
    public func roles(of approver: String) -> Set<ApprovalRole> {
        var email = approver
        if let open = approver.lastIndex(of: "<"), let close = approver.lastIndex(of: ">"), open < close {
            email = String(approver[approver.index(after: open)..<close])
        }
        let key = email.trimmingCharacters(in: .whitespaces).lowercased()
        return Set(ApprovalRole.allCases.filter { role in approvers(for: role).contains { $0.lowercased() == key } })
    }
}

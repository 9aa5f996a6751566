/// The verdict on the signature of the notes commit that added a line.
public enum SignatureCheck: Sendable, Equatable {
    /// A valid signature by this identity (an email, lowercased), allowed by the trunk's signers file.
    case signed(String)
    /// No valid, allowed signature, and why.
    case unverified(String)
}

/// Who may give what (DESIGN.md "Evidence and trust"), pure: a label counts when a label giver
/// signed it; an approval when the approver signed it themselves, or approved the pull request's
/// head on the forge, and the configuration lists them for a role. What does not count is said,
/// for reviewers. `short` names the commit the line is on.
public struct EvidenceTrust: Sendable {
    public let configuration: Configuration

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// A `Label:` line of a signed note: the label when it counts, else why not.
    public func noteLabel(_ label: String, on short: String, signature: SignatureCheck) -> Result<String, Unverified> {
        switch signature {
        case .signed(let signer) where configuration.labels.givers.contains(where: { $0.lowercased() == signer }):
            .success(label)
        case .signed(let signer):
            .failure(Unverified("label \(label) on \(short): signed by \(signer), who is not in labels.givers"))
        case .unverified(let why):
            .failure(Unverified("label \(label) on \(short): \(why)"))
        }
    }

    /// An `Approved-by:` line of a signed note: the roles it carries, and why it counts for less, or for nothing.
    public func noteApproval(by email: String, on short: String,
                             signature: SignatureCheck) -> (roles: Set<ApprovalRole>, unverified: Unverified?) {
        switch signature {
        case .signed(let signer) where signer == email:
            let roles = configuration.exceptions.roles(of: email)
            return (roles, roles.isEmpty ? Unverified("approval by \(email) on \(short): no exceptions role lists \(email)") : nil)
        case .signed(let signer):
            return ([], Unverified("approval by \(email) on \(short): signed by \(signer), not by \(email)"))
        case .unverified(let why):
            return ([], Unverified("approval by \(email) on \(short): \(why)"))
        }
    }

    /// A standing `APPROVED` review on the forge by `login` of `commit`, on pull request `number`
    /// whose head is `head`: the roles it carries (the login listed under exceptions, and the review
    /// of the head itself: approvals count for the commits they saw), else why not.
    public func reviewApproval(by login: String, of commit: String, pullRequest number: Int,
                               head: String) -> Result<Set<ApprovalRole>, Unverified> {
        let roles = Set(ApprovalRole.allCases.filter { role in
            configuration.exceptions.people(for: role).contains { ExceptionApprovers.isLogin($0) && $0.lowercased() == login.lowercased() }
        })
        if roles.isEmpty {
            return .failure(Unverified("approval by @\(login) on #\(number): @\(login) is not listed under exceptions"))
        }
        if commit != head {
            return .failure(Unverified("approval by @\(login) on #\(number) was given on \(commit.prefix(7)), "
                + "not on the head \(head.prefix(7)): approvals count for the commits they saw"))
        }
        return .success(roles)
    }

    /// Whether a label found on the forge (a pull request's, or a trusted issue's) counts: a fix label.
    public func forgeLabelCounts(_ label: String) -> Bool {
        configuration.labels.isFix(label)
    }

    /// Evidence found that does not count, with why (shown to reviewers, never a verdict).
    public struct Unverified: Error, Sendable, Equatable {
        public let line: String
        public init(_ line: String) { self.line = line }
    }
}

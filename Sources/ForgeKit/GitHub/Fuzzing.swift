import Foundation

/// Entry point for `make fuzz` (Fuzz/): what a forge, or anything posing as one
/// at GITHUB_API_URL, answers. `@_spi(Fuzzing)`.
@_spi(Fuzzing)
public enum ForgeKitFuzzing {
    /// The bytes as a response body (JSON into each model, a GraphQL answer) and as a
    /// header block (headers, `Link`, rate-limit waits).
    public static func response(_ bytes: [UInt8]) -> Int {
        var total = 0
        let data = Data(bytes)
        if let json = ForgeJSON.parse(data) {
            for item in json.array + [json] {
                total += ForgePullRequest(item)?.labels.count ?? 0
                total += ForgeReview(item).map { ForgeReview.standing([$0, $0]).count } ?? 0
                total += item["data"]?["repository"]?["p1"]?["closingIssuesReferences"]?["nodes"]?.array.count ?? 0
                total += item["number"]?.int ?? 0 > 0 ? 1 : 0
                total += ForgeMilestone(item)?.title.count ?? 0
                total += ForgeIssueSummary(item)?.labels.count ?? 0
                total += item["tag_name"]?.string?.count ?? 0
            }
            total += GitHubClient.linkedPulls(in: json["data"] ?? .null, issues: [1, 2]).values.reduce(0) { $0 + $1.count }
            total += PublicJSON.stableGoVersions(json).count
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let headers = HTTPResponse.parseHeaders(text)
        total += headers.count
        if let link = headers["link"] { total += GitHubClient.nextLink(in: link)?.absoluteString.count ?? 0 }
        let response = HTTPResponse(status: 403, headers: headers, body: data)
        if GitHubClient.isRateLimited(response) { total += 1 }
        total += Int(GitHubClient.wait(for: response, now: Date(timeIntervalSince1970: 0)).map { min($0, 1e9) } ?? 0) & 1
        total += GitHubClient.oneLine(text).count
        return total
    }
}

/// A separately released part of the repository (Orbit, Fleet Desktop,
/// fleetd-chrome): its tags, the paths that belong to it, and how it bumps.
public struct Component: Sendable, Equatable {
    public var name: String
    /// How the release QA issue names it (`Orbit`, `Desktop`, `Chrome extension`).
    public var title: String
    public var tag: NamePattern
    public var paths: [String]
    public var exclude: [String]
    public var bump: Bump

    public init(name: String, title: String? = nil, tag: NamePattern, paths: [String], exclude: [String] = [],
                bump: Bump = .minor) {
        self.name = name
        self.title = title ?? name
        self.tag = tag
        self.paths = paths
        self.exclude = exclude
        self.bump = bump
    }
}

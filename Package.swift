// swift-tools-version:6.0
import Foundation
import PackageDescription

// `make dist`'s self-contained release links libgit2 and its dependencies statically
// (scripts/static-libgit2.sh writes the pkg-config file and linker script it links through),
// so the start-up shim wraps libgit2's calls at link time instead of interposing them.
// (RELKIT_WRAP_STARTUP=0 links without the wrap, to measure what it saves: docs/benchmarks.md.)
let staticLibgit2 = ProcessInfo.processInfo.environment["RELKIT_STATIC_LIBGIT2"] == "1"
let wrapStartup = staticLibgit2 && ProcessInfo.processInfo.environment["RELKIT_WRAP_STARTUP"] != "0"
let wrapped = ["mbedtls_x509_crt_parse_file", "mbedtls_x509_crt_parse_path", "libssh2_init"]

let package = Package(
    name: "relkit",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "relkit", targets: ["RelkitCLI"]),
        .library(name: "Relkit", targets: ["Relkit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", exact: "5.0.1"),
        // SSH signatures checked in process (SSHSig): ed25519, P-256/384/521 and, in _CryptoExtras, RSA.
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        .systemLibrary(
            name: "Clibgit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"]), .brew(["libgit2"])]
        ),
        // libgit2's start without its CA-bundle load (relkit never uses libgit2's network code):
        // interposers linked only into the executable (and the tests that check them).
        .target(name: "Libgit2Startup",
                cSettings: !staticLibgit2 ? [] : [.define(wrapStartup ? "RELKIT_WRAP_STARTUP" : "RELKIT_NO_INTERPOSE")],
                linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),
        .target(name: "GitKit", dependencies: ["Clibgit2"]),
        // libcurl, loaded with dlopen on first use, so that no start-up pays for it (README "On GitHub").
        .target(name: "CurlTransport", linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),
        .target(name: "ForgeKit", dependencies: ["CurlTransport"]),
        .target(name: "ReleasePolicy", dependencies: [.product(name: "Yams", package: "Yams")]),
        // `ssh-keygen -Y verify`, in process, for the key types swift-crypto covers (docs/signatures.md).
        .target(name: "CTimeParse"),
        .target(name: "SSHSig", dependencies: ["CTimeParse",.product(name: "Crypto", package: "swift-crypto"),
                                               .product(name: "_CryptoExtras", package: "swift-crypto")]),
        .target(name: "Relkit", dependencies: ["GitKit", "ReleasePolicy", "ForgeKit", "SSHSig"]),
        // The executable's module and folder are RelkitCLI so they never collide with the
        // Relkit library on case-insensitive file systems (macOS); the binary is `relkit`.
        .executableTarget(
            name: "RelkitCLI",
            dependencies: ["Relkit", "GitKit", "ReleasePolicy", "Libgit2Startup",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")],
            linkerSettings: wrapStartup ? [.unsafeFlags(wrapped.flatMap { ["-Xlinker", "--wrap=\($0)"] })] : []
        ),
        .target(name: "FixtureKit", path: "Tests/FixtureKit"),
        .testTarget(name: "GitKitTests", dependencies: ["GitKit", "Libgit2Startup", "FixtureKit"]),
        .testTarget(name: "ReleasePolicyTests", dependencies: ["ReleasePolicy"]),
        .testTarget(name: "RelkitTests", dependencies: ["Relkit", "GitKit", "ReleasePolicy", "FixtureKit"]),
        .testTarget(name: "SSHSigTests", dependencies: ["SSHSig", "FixtureKit", .product(name: "Crypto", package: "swift-crypto"),
                                                     .product(name: "_CryptoExtras", package: "swift-crypto")]),
        .testTarget(name: "ForgeKitTests", dependencies: ["ForgeKit", "FixtureKit"]),
        .testTarget(name: "RelkitCLITests", dependencies: ["RelkitCLI", "FixtureKit"]),
    ]
)

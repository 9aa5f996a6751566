// swift-tools-version:6.0
// The fuzzers (`make fuzz`): one libFuzzer binary whose target is chosen by
// RELKIT_FUZZ_TARGET, built with every Swift module instrumented
// (`-sanitize=fuzzer,address`, see Fuzz/run.sh). A package of its own so that
// relkit's own build never carries the instrumentation.
import PackageDescription

let package = Package(
    name: "relkit-fuzz",
    dependencies: [.package(name: "relkit", path: "..")],
    targets: [
        .executableTarget(name: "relkit-fuzz", dependencies: [.product(name: "Relkit", package: "relkit")]),
    ]
)

# relkit: `make demo` and `make test` work on a fresh machine (they install
# libgit2-dev and pkg-config when missing). `make bench` measures against git.
SWIFT   ?= swift
PREFIX  ?= /usr/local

.PHONY: all deps build release test demo bench fuzz fuzz-smoke faults sanitize-address sanitize-thread install uninstall install-check dist dist-check clean

all: build

deps:
	@sh scripts/install-deps.sh

# Every module a target imports must be a declared dependency of it (Package.swift).
IMPORT_CHECK = --explicit-target-dependency-import-check error

build: deps
	$(SWIFT) build $(IMPORT_CHECK)

# The release build (scripts/release-build.sh, in .build-dist): on Linux libgit2 and its dependencies
# linked statically from Debian's -dev archives and the Swift runtime with --static-swift-stdlib, the
# binary that make dist ships (a shorter start for a tool run in hooks: docs/benchmarks.md).
release: deps
	@sh scripts/release-build.sh

test: deps
	$(SWIFT) build --build-tests $(IMPORT_CHECK)
	$(SWIFT) test --skip-build --disable-xctest

demo: build
	@sh scripts/demo.sh

bench: release
	python3 Benchmarks/bench.py --relkit "$$(sh scripts/release-build.sh --path)"

# libFuzzer over every parser of bytes a pusher or a damaged repository controls:
# 10 million executions in all (Fuzz/run.sh); fuzz-smoke runs each target 30 s.
fuzz: deps
	sh Fuzz/run.sh

fuzz-smoke: deps
	sh Fuzz/run.sh --smoke 30

# Every write of every writing command fails in turn (ENOSPC, EACCES): each run
# completes, or fails with one line and changes nothing (also part of make test).
faults: build
	bash Tests/FaultInjection/run.sh "$$($(SWIFT) build --show-bin-path)/relkit"

# The whole test suite under AddressSanitizer (and LeakSanitizer), the relkit
# binary the CLI tests run included; third-party leaks are listed in the suppressions.
sanitize-address: deps
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan
	LSAN_OPTIONS=suppressions=$(CURDIR)/Tests/Sanitizers/lsan-suppressions.txt:print_suppressions=0 \
	  $(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan --disable-xctest

# The concurrency tests (real processes racing on one repository) under ThreadSanitizer.
sanitize-thread: deps
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	$(SWIFT) test --skip-build --sanitize=thread --scratch-path .build-tsan --disable-xctest --filter ConcurrencyTests

# The binary, its man page (swift-argument-parser's generate-manual, run on the built
# binary) and its bash, zsh and fish completions.
install: release
	$(SWIFT) build --product generate-manual
	install -d "$(DESTDIR)$(PREFIX)/bin" "$(DESTDIR)$(PREFIX)/share/man/man1" \
	  "$(DESTDIR)$(PREFIX)/share/bash-completion/completions" "$(DESTDIR)$(PREFIX)/share/zsh/site-functions" \
	  "$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d"
	bin=$$(sh scripts/release-build.sh --path); \
	man=$$(mktemp -d); \
	"$$($(SWIFT) build --show-bin-path)/generate-manual" "$$bin" --output-directory "$$man" && \
	install -m 755 "$$bin" "$(DESTDIR)$(PREFIX)/bin/relkit" && \
	install -m 644 "$$man/relkit.1" "$(DESTDIR)$(PREFIX)/share/man/man1/relkit.1" && \
	"$$bin" --generate-completion-script bash > "$(DESTDIR)$(PREFIX)/share/bash-completion/completions/relkit" && \
	"$$bin" --generate-completion-script zsh > "$(DESTDIR)$(PREFIX)/share/zsh/site-functions/_relkit" && \
	"$$bin" --generate-completion-script fish > "$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/relkit.fish"; \
	status=$$?; rm -rf "$$man"; exit $$status

uninstall:
	rm -f "$(DESTDIR)$(PREFIX)/bin/relkit" "$(DESTDIR)$(PREFIX)/share/man/man1/relkit.1" \
	  "$(DESTDIR)$(PREFIX)/share/bash-completion/completions/relkit" "$(DESTDIR)$(PREFIX)/share/zsh/site-functions/_relkit" \
	  "$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/relkit.fish"

# make install into a temporary prefix, then: the binary runs, the man page renders,
# each completion script is there, and make uninstall removes every file (CI runs it).
install-check: deps
	@sh scripts/install-check.sh

# The self-contained Linux release: dist/relkit-<version>-linux-<arch>.tar.gz and its .sha256
# (libgit2 and its dependencies linked statically from Debian's -dev archives; scripts/dist.sh).
dist: deps
	sh scripts/dist.sh

# The release archive runs where nothing but the C library and GSSAPI is: in a minimal Debian root
# (debootstrap --variant=minbase --include=libgssapi-krb5-2), relkit --version, pending and the
# pre-push hook on a fixture; and its size and start-up against the dynamic build (scripts/dist-check.sh).
dist-check: dist
	sh scripts/dist-check.sh

clean:
	rm -rf .build .build-demo .build-asan .build-tsan .build-dist Fuzz/.build bench-out dist

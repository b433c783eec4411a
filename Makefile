# reportgen: quick start is `make report` then `make test`.
SWIFT ?= swift
RELEASE_BIN := .build/release/reportgen

# Build-time libraries (libcurl for the remote cache's URLSession), the fonts the default style names,
# the hyphenation patterns, and the tools the tests use (PDF tools; nginx as the remote cache's WebDAV
# server; the browser that checks the HTML).
DEB_PACKAGES := pkg-config libcairo2-dev libpango1.0-dev libcmark-gfm-dev libcmark-gfm-extensions-dev \
	libnlopt-dev libssl-dev zlib1g-dev libcurl4-openssl-dev fonts-dejavu-core fonts-dejavu-extra qpdf poppler-utils \
	libhyphen-dev hyphen-en-us libbtparse-dev nginx chromium

SHARED_DATA := ../shared/data/chinchilla_svg_extracted.csv
EXTERNAL_DATA := Data/external/chinchilla_svg_extracted.csv

FUZZ_SEED ?= 1
FUZZ_SECONDS ?= 1800

.PHONY: deps build report test lint loc template reader-checks gallery preview-check fuzz data clean

deps:
	@scripts/install-deps.sh $(DEB_PACKAGES)

# The Swift runtime and Foundation are linked statically: the binary starts about 10 ms sooner
# (fewer shared objects to bind), which is most of a no-op rebuild.
build: deps
	@$(SWIFT) build -c release --product reportgen --static-swift-stdlib -q

report: build
	@$(RELEASE_BIN) build Reports/chinchilla.md

# The unit tests (with the slow scale tests of Approach3ScaleTests, REPORTGEN_SCALE_TESTS), a short seeded fuzz run, then both reports as a reader sees them: the HTML in
# headless Chromium at desktop and phone widths (Tests/browser/check_html.py) and the PDF's lines,
# word spaces and page feet (Tests/typesetting/check_pdf.py).
# The replication report joins them when its external data are here (`make data`; CI has them).
# Last, `reportgen preview` end to end in headless Chromium (Tests/browser/check_preview.py).
test: deps build lint
	@REPORTGEN_SCALE_TESTS=1 $(SWIFT) test -q
	@scripts/fuzz.py --seed 1 --seconds 20
	@$(MAKE) -s reader-checks
	@$(MAKE) -s preview-check

# The Swift sources and tests as `swift format` writes them (.swift-format); `swift format format -i
# -r Sources Tests` fixes what this reports. Then no force unwrap, `as!`, `try!` or implicitly
# unwrapped optional in any Swift target (scripts/no-force-unwraps.py): the code reads untrusted
# documents, data and cache entries, and a value that is not there is an error, never a crash.
UNWRAP_FREE := BuildEngine ReportgenCore Analyses RunData Composition PreviewServer ReportDocument Typesetting Plotting ScalingLaws CairoBackend Hyphenation reportgen
lint:
	@$(SWIFT) format lint --strict --recursive Sources Tests
	@SWIFT=$(SWIFT) scripts/no-force-unwraps.py $(UNWRAP_FREE:%=Sources/%)

# The HTML template built into the binary, for projects without Templates/report.html.mustache.
template:
	@scripts/embed-template.py

# Files and lines per target (scripts/loc.py; `scripts/loc.py --write docs/ARCHITECTURE.md`
# refreshes the table there).
loc:
	@scripts/loc.py

# Edits a throwaway project under `reportgen preview` and checks that the page in Chromium shows
# each change within a second of the rebuild, the located error page, refused paths, and Ctrl-C.
preview-check: build
	@python3 Tests/browser/check_preview.py $(RELEASE_BIN)

# The gallery alone (Tests/gallery/*.yaml; it runs within `swift test` too), keeping every case's
# report and figures in build/gallery/<case>/ to be looked at.
gallery: deps
	@GALLERY_OUTPUT=build/gallery $(SWIFT) test -q --filter galleryCase

reader-checks:
	@reports=build/chinchilla; \
	$(RELEASE_BIN) build Reports/chinchilla.md || exit 1; \
	if $(MAKE) -s data; then $(RELEASE_BIN) build Reports/replication.md || exit 1; reports="$$reports build/replication"; \
	else echo "leaving the replication report out of the reader checks"; fi; \
	python3 Tests/typesetting/check_pdf.py $$reports && python3 Tests/browser/check_html.py $$reports

# Hostile inputs against the release binary (scripts/fuzz.py): crashes, hangs over 5 s, memory
# over 1 GB and unlocated errors fail it; failing inputs land in the regression corpus.
fuzz: build
	@scripts/fuzz.py --seed $(FUZZ_SEED) --seconds $(FUZZ_SECONDS)

data:
	@if [ -f $(EXTERNAL_DATA) ]; then \
		echo "$(EXTERNAL_DATA) is present"; \
	elif [ -f $(SHARED_DATA) ]; then \
		mkdir -p Data/external && cp $(SHARED_DATA) $(EXTERNAL_DATA) && echo "copied the digitized runs to $(EXTERNAL_DATA)"; \
	else \
		echo "The digitized Chinchilla runs are not here. Download data/svg_extracted_data.csv from the"; \
		echo "epoch-research/analyzing-chinchilla repository and save it as $(EXTERNAL_DATA)."; \
		exit 1; \
	fi

clean:
	rm -rf build .reportgen

# Workbench: the two set-up commands are `make run` and `make test` (see README.md).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SAMPLE ?= build/sample.wbcase
SAMPLE_REPORT ?= build/sample-report.pdf
STAMP := $(VENV)/.installed
# The exact dependency set CI tests and the installer bundles (`make lock` refreshes it).
CONSTRAINTS := constraints.txt
PIP_INSTALL := $(BIN)/python -m pip install --quiet --disable-pip-version-check -c $(CONSTRAINTS)

# Debian packages: Qt's runtime libraries (offscreen and on a desktop), PDF and OCR tools,
# desktop-file-validate (tests of the installer's menu entry); ICU headers, pkg-config and
# g++ (and Python headers) to build PyICU for the "aleph" extra, which has no Linux wheel.
APT_PACKAGES := libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 \
	libdbus-1-3 libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 \
	libxcb-image0 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 \
	poppler-utils tesseract-ocr tesseract-ocr-eng desktop-file-utils \
	libicu-dev pkg-config g++ python3-dev

.PHONY: run test system-deps venv lint clean installer installer-test lock lock-upgrade wheel-test docs

# Opens the window on the sample case (written first if missing). With no display, says
# so and does the job headless: writes the sample case and exports its (draft) report.
run: $(STAMP)
	@test -f $(SAMPLE) || $(BIN)/workbench demo $(SAMPLE) >/dev/null
	@if [ -z "$$DISPLAY$$WAYLAND_DISPLAY" ] || [ "$$QT_QPA_PLATFORM" = offscreen ]; then \
		echo "No display (DISPLAY and WAYLAND_DISPLAY are unset): writing the sample case and its report instead of opening the window."; \
		$(BIN)/workbench export --draft --output $(SAMPLE_REPORT) $(SAMPLE) >/dev/null && \
		echo "Case:   $(SAMPLE)" && echo "Report: $(SAMPLE_REPORT)"; \
	else \
		$(BIN)/workbench gui $(SAMPLE); \
	fi

test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

# The checks that read the code (pyproject.toml says what each one checks): import
# contracts, ruff, mypy. `make test` runs them before the tests.
lint: $(STAMP)
	$(BIN)/lint-imports
	$(BIN)/ruff check .
	$(BIN)/mypy

venv: $(STAMP)

$(STAMP): pyproject.toml setup.py $(CONSTRAINTS)
	@$(MAKE) --no-print-directory system-deps
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Workbench needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -e '.[test,aleph]'
	touch $(STAMP)

# Installs the Debian packages above when run as root on Debian/Ubuntu; otherwise names
# the one command to run. Nothing is installed when everything is already there.
system-deps:
	@missing=$$(for p in $(APT_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	done); \
	if ! $(PYTHON) -c 'import venv, ensurepip' 2>/dev/null; then missing="$$missing python3-venv"; fi; \
	missing=$$(echo $$missing); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if ! command -v apt-get >/dev/null; then \
		echo "Not a Debian/Ubuntu system: install the equivalents of: $$missing"; exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian packages: $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else \
		echo "Some Debian packages are missing. Run:"; \
		echo "  sudo apt-get install -y --no-install-recommends $$missing"; \
	fi

# The desktop bundle (installer/README.md): a PyInstaller one-folder build, then a tarball.
# PyInstaller comes from the optional extra "installer"; its work files go to
# build/pyinstaller, the bundle to dist/.
INSTALLER_STAMP := $(VENV)/.installer-installed
VERSION = $(shell sed -n 's/^__version__ = "\(.*\)"/\1/p' workbench/__init__.py)
TARBALL = dist/workbench-$(VERSION)-linux-$(shell uname -m).tar.gz

installer: $(INSTALLER_STAMP)
	rm -rf dist/workbench $(TARBALL)
	@start=$$(date +%s); \
	$(BIN)/pyinstaller --noconfirm --log-level WARN --distpath dist \
		--workpath build/pyinstaller installer/workbench.spec && \
	tar -C dist -czf $(TARBALL) workbench && \
	echo "Built in $$(( $$(date +%s) - start )) s:" && du -sh dist/workbench $(TARBALL)

installer-test: installer
	installer/smoke_test.sh $(TARBALL) $(BIN)/python

$(INSTALLER_STAMP): $(STAMP)
	$(PIP_INSTALL) -e '.[test,installer]'
	touch $(INSTALLER_STAMP)

# The lock: constraints.txt pins every package of every extra, for every platform
# (uv's universal resolution), for Python 3.11. `make lock` keeps the pins it has and
# resolves only what pyproject.toml changed (run it after adding a dependency);
# `make lock-upgrade` moves every pin to the newest release the ranges allow. Both need
# PyPI; uv is installed into the venv for it.
LOCK := $(BIN)/uv pip compile pyproject.toml --all-extras --universal --python-version 3.11 \
	--quiet --custom-compile-command 'make lock' -o $(CONSTRAINTS)

lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	$(LOCK)

lock-upgrade:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	$(LOCK) --upgrade

# The wheel as users get it (.ci/wheel_test.sh): python -m build, then the wheel in a
# fresh venv outside the checkout with the locked dependencies; demo, exports (pdf, md,
# claimreview), search and the window offscreen, from that install.
wheel-test: $(STAMP)
	.ci/wheel_test.sh $(BIN)/python $(CONSTRAINTS)

# The README's list of every command and option, written from the command line.
docs: $(STAMP)
	$(BIN)/python -m workbench.cli.reference README.md

clean:
	rm -rf build .pytest_cache

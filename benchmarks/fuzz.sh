#!/usr/bin/env bash
# The long form of the API fuzzing that the test suite runs briefly: many more generated
# requests per endpoint (FUZZ_EXAMPLES, default 500), against the real app and index.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup
FUZZ_EXAMPLES=${FUZZ_EXAMPLES:-500} exec .venv/bin/python -m pytest tests/test_fuzz.py -q -s -p no:cacheprovider

#!/bin/sh
# layers.test.sh - make check runs make check-layers: no include or call
# goes up the layer table of docs/architecture.md.
exec "${SRCDIR:-.}/tests/layers/check-layers.sh"

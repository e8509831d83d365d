#!/usr/bin/env bash
# Boots the guest with the selftest on (trialboot.selftest=ota) and gates on the ota-cycle
# contract with `markers check` semantics. Exit 0 only when the contract holds; 1 when it does
# not (the report names the step); 2 on a usage error.
#
# Knobs (environment):
#   RUN_UNTIL_MARKER=1   stop as soon as the contract's last marker appeared (default 1;
#                        0 keeps the guest running until RUN_TIMEOUT so later forbidden lines count)
#   RUN_TIMEOUT=900s     hard cap for the whole run (e.g. 210s, 15m)
#   CONTRACT=ota-cycle   a built-in contract name or a contract file
#   APPEND=...           kernel command line additions (default trialboot.selftest=ota)
#   TRIALBOOT_TIMEOUT_SCALE=1.5   scale every step timeout for a slow host
#   RUN_DIR=target/qemu-test      where serial.log and the overlay go
set -euo pipefail
case "${1:-}" in
    "") ;;
    -h|--help) sed -n '2,/^set /p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "qemu-test: unknown argument '$1' (it takes none: its knobs are environment variables; see scripts/qemu-test.sh --help)" >&2; exit 2 ;;
esac
top=$(cd "$(dirname "$0")/.." && pwd)
# A contract file named from here is still found after the cd below.
if [ -n "${CONTRACT:-}" ] && [ -f "$CONTRACT" ]; then
    CONTRACT=$(cd "$(dirname "$CONTRACT")" && pwd)/$(basename "$CONTRACT")
    export CONTRACT
fi
cd "$top"
props=guest-image/target/image/guest.properties
if [ ! -f "$props" ] || ! ls harness/target/harness-*.jar >/dev/null 2>&1; then
    echo "qemu-test: building (mvn -B -q -DskipTests package; cached after the first time)"
    mvn -B -q -DskipTests package
fi
jar=$(ls harness/target/harness-*.jar | grep -v -- '-tests' | head -1)
exec java -Dpty4j.tmpdir="$top/harness/target/pty4j" -cp "$jar:harness/target/lib/*" \
    io.trialboot.harness.cli.QemuTestCli "$props"

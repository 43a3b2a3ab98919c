#!/usr/bin/env bash
# Command of the compose service "test" (docker compose run --rm test), started
# as root: Docker creates the bind-mounted output folder (./test-output) as
# root, so it is handed to the image's user odoo first; then the README's test
# command runs as odoo, with the arguments given (passed on to pytest).
set -euo pipefail
out=${ASY_TEST_OUTPUT:-/mnt/test-output}
mkdir -p "$out"
chown odoo "$out"
exec runuser -u odoo -- bash /mnt/project/scripts/test "$@"

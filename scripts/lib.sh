# shellcheck shell=bash disable=SC2034
# (SC2034: the variables set here are used by the scripts that source this file.)
# Sourced by scripts/test and scripts/run: find the Odoo 17 to use. This
# repository never contains or installs Odoo; it uses the one at ODOO_HOME.
#   ODOO_HOME [/opt/odoo17]  ODOO_PYTHON [/opt/odoo17-venv/bin/python]
#   ODOO_BIN [$ODOO_HOME/odoo-bin]  (the odoo:17 image: ODOO_BIN=odoo ODOO_PYTHON=python3)
#   PGHOST [127.0.0.1] PGPORT [5432] PGUSER [odoo] PGPASSWORD [none]
# Sets: repo, addon, odoo_bin, addons_path (Odoo's addons + this repository).

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
addon=asesorateya_support
die() { printf '[scripts/%s] ERROR: %s\n' "${0##*/}" "$*" >&2; exit 2; }

ODOO_HOME=${ODOO_HOME:-/opt/odoo17}
ODOO_PYTHON=${ODOO_PYTHON:-/opt/odoo17-venv/bin/python}
ODOO_BIN=${ODOO_BIN:-$ODOO_HOME/odoo-bin}
# ODOO_BIN is a file (run with ODOO_PYTHON, so it need not be executable) or a
# command name such as the Docker image's "odoo".
odoo_bin=$ODOO_BIN
[ -f "$odoo_bin" ] || odoo_bin=$(command -v "$ODOO_BIN" 2>/dev/null || true)
# A source checkout is not pip-installed: make `import odoo` work (pytest-odoo too).
if [ -f "$ODOO_HOME/odoo/__init__.py" ]; then
    export PYTHONPATH="$ODOO_HOME${PYTHONPATH:+:$PYTHONPATH}"
fi
if [ -z "$odoo_bin" ] || ! "$ODOO_PYTHON" -c 'import odoo' 2>/dev/null; then
    die "no usable Odoo 17: set ODOO_HOME (now '$ODOO_HOME', must hold odoo-bin, or set ODOO_BIN, now '$ODOO_BIN') and ODOO_PYTHON (now '$ODOO_PYTHON', a Python that can 'import odoo')."
fi

export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-odoo}
psql -d postgres -Atqc 'SELECT 1' >/dev/null \
    || die "cannot connect to PostgreSQL as $PGUSER@$PGHOST:$PGPORT (role '$PGUSER' needs LOGIN CREATEDB)"

# The addons dirs of the Odoo found (odoo/addons in the package, plus
# $ODOO_HOME/addons in a git checkout), then this repository's root.
addons_path=$("$ODOO_PYTHON" -c 'import odoo.addons; print(",".join(odoo.addons.__path__))') \
    || die "cannot locate odoo.addons with $ODOO_PYTHON"
[ -d "$ODOO_HOME/addons" ] && addons_path="$addons_path,$ODOO_HOME/addons"
addons_path="$addons_path,$repo"

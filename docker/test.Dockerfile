# The image of `docker compose run --rm test`: the Odoo image of the quick start
# plus what scripts/test needs, baked in once rather than installed on each run.
#  - Google Chrome for Odoo's browser tests (HttpCase.browser_js, start_tour):
#    Ubuntu jammy, the image's base, only ships Chromium as a snap, which does
#    not run in a container; Chrome is published for amd64 only, hence
#    `platform: linux/amd64` in docker-compose.yml (emulated on ARM machines).
#    Same recipe as Odoo's own 17.0/test.Dockerfile in github.com/odoo/docker.
#  - requirements-test.txt in a virtualenv that sees the image's packages
#    (--system-site-packages: Odoo and its Debian dependencies) without
#    replacing any of them; docker-compose.yml sets ODOO_PYTHON to its python.
FROM odoo:17.0-20260817
USER root
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-venv \
    && curl -sSL -o /tmp/chrome.deb \
        https://dl.google.com/linux/direct/google-chrome-stable_current_amd64.deb \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends /tmp/chrome.deb \
    && rm -rf /var/lib/apt/lists/* /tmp/chrome.deb
COPY requirements-test.txt /tmp/requirements-test.txt
RUN python3 -m venv --system-site-packages /opt/test-venv \
    && /opt/test-venv/bin/python -m pip install --no-cache-dir -r /tmp/requirements-test.txt \
    && rm /tmp/requirements-test.txt
USER odoo

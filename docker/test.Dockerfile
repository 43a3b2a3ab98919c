# The odoo:17 image plus Google Chrome, which Odoo's browser tests
# (HttpCase.browser_js / start_tour) need: Ubuntu jammy, the image's base, only
# ships Chromium as a snap, which does not run in a container. Same recipe as
# Odoo's own 17.0/test.Dockerfile in github.com/odoo/docker.
FROM odoo:17
USER root
RUN curl -sSL -o /tmp/chrome.deb \
        https://dl.google.com/linux/direct/google-chrome-stable_current_amd64.deb \
    && apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends /tmp/chrome.deb \
    && rm -rf /var/lib/apt/lists/* /tmp/chrome.deb
USER odoo

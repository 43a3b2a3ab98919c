# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""docker-compose.yml: the README's Docker quick start.

Docker does not run where these tests run: they read the compose file and
check what makes ``docker compose up`` safe to run twice (a one-shot install
the server waits for, a server that never installs), pinned images, a
read-only configuration, ports on loopback and a health check; then Compose
itself validates the file (``docker compose config``, or Debian's
``docker-compose`` 1.29).
"""

import configparser
import os
import re
import shutil
import subprocess

import pytest
import yaml
from odoo_server import odoo_bin  # tests/odoo_server.py

ODOO_IMAGE = re.compile(r"^odoo:17\.0-\d{8}$")  # a dated release, not odoo:17
#: Options that install or update modules, or reload translations, at start.
INSTALL_OPTIONS = ("-i", "-u", "--init", "--update", "--load-language", "--i18n-import")


@pytest.fixture(scope="module")
def compose(repo_root):
    with open(repo_root / "docker-compose.yml", encoding="utf-8") as f:
        return yaml.safe_load(f)


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


def _compose_command():
    """The Compose command of this machine: the docker plugin (v2), else the
    standalone ``docker-compose`` (v1.29, Debian's package), else none."""
    if shutil.which("docker"):
        probe = subprocess.run(
            ["docker", "compose", "version"], capture_output=True, check=False
        )
        if probe.returncode == 0:
            return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


COMPOSE = _compose_command()


def _words(command):
    return command.split() if isinstance(command, str) else list(command or [])


@pytest.mark.skipif(not COMPOSE, reason="no docker compose plugin nor docker-compose")
def test_compose_config_is_valid(repo_root):
    for profile in ([], ["--profile", "test"]):
        result = subprocess.run(
            [*COMPOSE, "-f", "docker-compose.yml", *profile, "config", "-q"],
            cwd=repo_root,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr


def test_install_runs_once_before_the_server(services):
    """`docker compose up` twice: the second start must not install again
    (an install reloads the addon's data over the admin's changes)."""
    init, odoo = services["odoo-init"], services["odoo"]
    assert init["restart"] == "no"
    assert "scripts/init-demo" in " ".join(_words(init["command"]))
    assert odoo["depends_on"]["odoo-init"] == {
        "condition": "service_completed_successfully"
    }
    words = _words(odoo["command"])
    assert words[0] == "odoo", "the image's entrypoint waits for PostgreSQL"
    for option in INSTALL_OPTIONS:
        assert not any(w == option or w.startswith(option + "=") for w in words), (
            f"the server starts with {option}"
        )
    assert init["volumes"][-1] == odoo["volumes"][-1] == "odoo-data:/var/lib/odoo", (
        "the install writes the filestore the server reads"
    )


def test_init_script_skips_an_installed_database(repo_root):
    """scripts/init-demo only installs where the addon is not installed."""
    script = (repo_root / "scripts" / "init-demo").read_text(encoding="utf-8")
    skip = script.index('if [ "$state" = installed ]')
    assert "exit 0" in script[skip : script.index("fi", skip)]
    assert script.index("-i ") > skip
    assert "_support_setup_demo()" in script


def test_images_are_pinned(repo_root, services):
    odoo_images = {services[name]["image"] for name in ("odoo", "odoo-init")}
    assert len(odoo_images) == 1, "the install and the server run the same Odoo"
    odoo_image = odoo_images.pop()
    assert ODOO_IMAGE.match(odoo_image), odoo_image
    dockerfile = (repo_root / "docker" / "test.Dockerfile").read_text("utf-8")
    assert f"FROM {odoo_image}\n" in dockerfile, "the tests run the same Odoo"
    assert services["test"]["image"].endswith(":" + odoo_image.split(":")[1])
    assert re.match(r"^postgres:15\.\d+$", services["db"]["image"])
    assert re.match(r"^axllent/mailpit:v\d+\.\d+\.\d+$", services["mailpit"]["image"])


def test_configuration_is_read_only_and_ports_on_loopback(services):
    for name in ("odoo", "odoo-init"):
        assert "./odoo.conf:/etc/odoo/odoo.conf:ro" in services[name]["volumes"]
    ports = [port for service in services.values() for port in service.get("ports", [])]
    assert "127.0.0.1:8069:8069" in ports
    assert "127.0.0.1:8025:8025" in ports
    for port in ports:
        assert str(port).startswith("127.0.0.1:"), port


def test_server_has_a_health_check(services):
    health = services["odoo"]["healthcheck"]
    assert "/web/health" in " ".join(_words(health["test"]))
    assert health["start_period"]


def test_test_service(repo_root, services):
    """`docker compose run --rm test`: the test command, its requirements
    baked into the image, its output kept, Chrome's architecture named."""
    test = services["test"]
    assert test["profiles"] == ["test"]
    assert test["platform"] == "linux/amd64", "Chrome exists for amd64 only"
    assert "/mnt/project/docker/test.sh" in " ".join(_words(test["entrypoint"]))
    runner = (repo_root / "docker" / "test.sh").read_text(encoding="utf-8")
    assert "/mnt/project/scripts/test" in runner
    assert test["environment"]["ODOO_BIN"] == "odoo"
    output = test["environment"]["ASY_TEST_OUTPUT"]
    assert f"./test-output:{output}" in test["volumes"]
    dockerfile = (repo_root / "docker" / "test.Dockerfile").read_text("utf-8")
    assert "requirements-test.txt" in dockerfile
    assert test["environment"]["ODOO_PYTHON"] == "/opt/test-venv/bin/python"
    assert "/opt/test-venv" in dockerfile
    assert "ASY_INSTALL_TEST_REQS" not in test["environment"], "no pip at each run"


def test_odoo_bin_as_a_command_name(tmp_path, monkeypatch):
    """In the image ODOO_BIN is the command ``odoo``: the servers the tests
    start run its path, not ``python3 odoo`` (a file in the current folder)."""
    command = tmp_path / "odoo"
    command.write_text("#!/usr/bin/env python3\n")
    command.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("ODOO_BIN", "odoo")
    assert odoo_bin() == str(command)
    monkeypatch.setenv("ODOO_BIN", str(command))
    assert odoo_bin() == str(command)


def test_docker_odoo_conf(repo_root):
    conf = configparser.ConfigParser()
    conf.read(repo_root / "odoo.conf", encoding="utf-8")
    options = conf["options"]
    assert options["db_host"] == "db"
    assert options["smtp_server"] == "mailpit"
    assert options["smtp_port"] == "1025"
    assert options["addons_path"].split(",")[0] == "/mnt/extra-addons"
    assert options["dbfilter"] == "^asesorateya$"

# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""docker-compose.yml: the README's Docker quick start."""

import configparser
import shutil
import subprocess

import pytest
import yaml


@pytest.fixture(scope="module")
def compose(repo_root):
    with open(repo_root / "docker-compose.yml", encoding="utf-8") as f:
        return yaml.safe_load(f)


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


@pytest.mark.skipif(not COMPOSE, reason="no docker compose plugin nor docker-compose")
def test_compose_config_is_valid(repo_root):
    result = subprocess.run(
        [*COMPOSE, "-f", "docker-compose.yml", "config", "-q"],
        cwd=repo_root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_compose_images(compose):
    services = compose["services"]
    assert services["odoo"]["image"] == "odoo:17"
    assert services["db"]["image"] == "postgres:15"
    assert services["mailpit"]["image"].startswith("axllent/mailpit")
    assert "8025:8025" in services["mailpit"]["ports"]
    assert "8069:8069" in services["odoo"]["ports"]


def test_compose_odoo_mounts(compose):
    for name in ("odoo", "test"):
        volumes = compose["services"][name]["volumes"]
        assert "./asesorateya_support:/mnt/extra-addons/asesorateya_support" in volumes
        assert "./odoo.conf:/etc/odoo/odoo.conf" in volumes
        assert ".:/mnt/project:ro" in volumes


def test_compose_test_service_runs_the_test_command(compose):
    test = compose["services"]["test"]
    assert test["profiles"] == ["test"]
    assert "/mnt/project/scripts/test" in " ".join(test["command"])
    assert test["environment"]["ODOO_BIN"] == "odoo"


def test_docker_odoo_conf(repo_root):
    conf = configparser.ConfigParser()
    conf.read(repo_root / "odoo.conf", encoding="utf-8")
    options = conf["options"]
    assert options["db_host"] == "db"
    assert options["smtp_server"] == "mailpit"
    assert options["smtp_port"] == "1025"
    assert options["addons_path"].split(",")[0] == "/mnt/extra-addons"

"""`chiso check --deploy` passes with the production variables the README lists."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_passes_with_production_settings(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DEBUG", "SECRET_KEY", "CHISO_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "chiso.settings",
            "DEBUG": "0",
            "SECRET_KEY": "x7!kP2" * 12,
            "ALLOWED_HOSTS": "chiso.example.gov.vn",
            "CHISO_HTTPS": "1",
            "EMAIL_HOST": "smtp.example.gov.vn",
            "CHISO_VAR_DIR": str(tmp_path),
        }
    )
    result = subprocess.run(
        [sys.executable, "-m", "chiso", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_bad_setting_fails_loudly(tmp_path):
    env = dict(
        os.environ, DEBUG="perhaps", CHISO_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="chiso.settings"
    )
    result = subprocess.run(
        [sys.executable, "-m", "chiso", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DEBUG='perhaps' is not a boolean" in result.stderr

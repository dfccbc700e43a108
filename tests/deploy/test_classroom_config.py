"""The classroom launcher's HAProxy configuration and its one-line errors."""

import shutil
import subprocess

import pytest

from deploy import classroom as launcher


def test_the_config_balances_round_robin_with_a_sticky_cookie_and_health_checks():
    config = launcher.haproxy_config(8501, [9001, 9002], bind="127.0.0.1")
    assert "bind 127.0.0.1:8501" in config and "balance roundrobin" in config
    assert f"cookie {launcher.COOKIE} insert indirect nocache httponly" in config
    assert "option httpchk GET /_stcore/health" in config
    assert "server replica1 127.0.0.1:9001 check inter 2s cookie replica1" in config
    assert "server replica2 127.0.0.1:9002 check inter 2s cookie replica2" in config
    assert "timeout tunnel 1h" in config  # websockets and frame streams stay open


@pytest.mark.skipif(shutil.which("haproxy") is None, reason="haproxy is not installed")
def test_haproxy_accepts_the_config(tmp_path):
    path = tmp_path / "haproxy.cfg"
    path.write_text(launcher.haproxy_config(8501, [9001, 9002, 9003]))
    checked = subprocess.run(["haproxy", "-c", "-f", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_without_haproxy_the_launcher_says_what_to_install(monkeypatch):
    monkeypatch.setattr(launcher.shutil, "which", lambda name: None)
    monkeypatch.setattr(launcher, "HAPROXY_FALLBACK", "/nonexistent/haproxy")
    with pytest.raises(RuntimeError, match="apt-get install -y haproxy"), launcher.classroom(replicas=1):
        pass

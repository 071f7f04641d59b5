"""Headless Chromium, for screenshots of reports and for the browser test.

Flags keep it offline and quiet: no sandbox (CI runs as root), no GPU, no first-run, no
background networking, component updates or sync, and a throwaway profile.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-default-apps", "--hide-scrollbars",
    "--mute-audio", "--disable-extensions", "--disable-dev-shm-usage",
)


def find_chromium() -> str | None:
    """$CHROMIUM if set, else /usr/bin/chromium, else the first Chromium-like browser on PATH."""
    explicit = os.environ.get("CHROMIUM")
    if explicit:
        return explicit if Path(explicit).exists() else None
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _run(args: list[str], timeout: float) -> subprocess.CompletedProcess:
    exe = find_chromium()
    if exe is None:
        raise FileNotFoundError("no Chromium found (install Debian's `chromium` package or set $CHROMIUM)")
    with tempfile.TemporaryDirectory(prefix="reports-chromium-") as profile:
        cmd = [exe, *FLAGS, f"--user-data-dir={profile}", *args]
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"chromium did not finish within {timeout:g}s: {' '.join(cmd)}") from None


def dump_dom(html_path: str | os.PathLike, timeout: float = 60) -> str:
    """The page's DOM after its scripts ran, as Chromium serialises it."""
    url = Path(html_path).resolve().as_uri()
    proc = _run(["--virtual-time-budget=2000", "--dump-dom", url], timeout)
    if proc.returncode != 0 or not proc.stdout.strip():
        raise RuntimeError(f"chromium --dump-dom failed (exit {proc.returncode}): {proc.stderr[-2000:]}")
    return proc.stdout


def screenshot(html_path: str | os.PathLike, png_path: str | os.PathLike,
               width: int = 1280, height: int = 1400, timeout: float = 60) -> Path:
    """A PNG of the page's first width x height pixels."""
    png_path = Path(png_path).resolve()
    png_path.parent.mkdir(parents=True, exist_ok=True)
    url = Path(html_path).resolve().as_uri()
    proc = _run([f"--window-size={width},{height}", "--virtual-time-budget=2000",
                 f"--screenshot={png_path}", url], timeout)
    if proc.returncode != 0 or not png_path.exists():
        raise RuntimeError(f"chromium --screenshot failed (exit {proc.returncode}): {proc.stderr[-2000:]}")
    return png_path

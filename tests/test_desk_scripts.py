"""Every desk script the app ships parses: a syntax error would break the whole form for everyone."""

import shutil
import subprocess
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "apps" / "support_hub" / "support_hub"
SCRIPTS = sorted(p for p in APP.rglob("*.js") if "dist" not in p.parts and "node_modules" not in p.parts)
PARSE = "new (require('vm').Script)(require('fs').readFileSync(process.argv[1], 'utf8'), {filename: process.argv[1]})"


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: str(p.relative_to(APP)))
def test_desk_script_parses(script):
    source = script.read_text()
    if source.lstrip().startswith("import ") or "\nimport " in source:
        pytest.skip("an esbuild bundle entry (ES module imports), parsed by bench build")
    result = subprocess.run(["node", "-e", PARSE, str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr

import sys
from pathlib import Path

# The engine and integrations are imported straight from the checkout: no Frappe, no install.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "apps" / "support_hub"))

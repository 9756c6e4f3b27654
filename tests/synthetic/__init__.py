"""The synthetic province: deterministic deliveries of every source with labelled faults (test tooling)."""
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[2] / "data_samples"
DEMO = SAMPLES / "demo"  # the two-source demo that `infra/main.sh` runs
PROVINCE = SAMPLES / "province"  # every source of the province
SCHEMAS = SAMPLES.parent / "schemas"  # the delivery contracts the samples follow

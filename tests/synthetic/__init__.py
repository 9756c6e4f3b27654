"""The synthetic deliveries: one deterministic generator with two profiles (test tooling, not
product code; it is the only place Faker is used).

    python -m tests.synthetic --profile province|demo --out <folder> [--scale N --seed S
        --fault-rate R --run-date D]

| module | what |
|---|---|
| `profiles/` | `province` (every source, faults at a rate) and `demo` (two sources, six planted faults); `generate(profile, out, ...)` |
| `run.py` | one generation: output checks, seeded streams, contracts, writers, counts, `Summary` |
| `world/` | reference tables (departments and items, businesses, events, names), divisions, identifiers, dates, model |
| `repositories/` | one module per repository: items + checklists, entities, officers, approvals, actions, complaints, credit, third party, knowledge, national feedback |
| `writers/` | one writer per format: csv, xlsx, jsonl, paged json dumps |
| `faults/` + `faults.yaml` | the fault table (the only copy), the fault engine, file-level faults |
| `ground_truth.py` | `ground_truth.csv`: `file,row_number,field,fault_class` |

The paths below are the committed trees and the contracts they follow.
"""

from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[2] / "data_samples"
DEMO = SAMPLES / "demo"  # the two-source demo (`infra/main.sh` runs the province)
PROVINCE = SAMPLES / "province"  # every source of the province
SCHEMAS = SAMPLES.parent / "schemas"  # the delivery contracts the samples follow

"""Bronze → silver: standardise, check the contract's rules, quarantine, MERGE."""

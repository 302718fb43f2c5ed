"""The built-in rule packs: YAML data, one file per checklist step."""

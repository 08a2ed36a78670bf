"""Models, one readable file each, with a dataclass config and named presets."""

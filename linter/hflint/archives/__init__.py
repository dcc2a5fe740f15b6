"""Archive structure: tar headers walked without tarfile's member list, member paths and
links judged as an extractor would resolve them, and Hydra targets in configs carried by
archives (NeMo's model_config.yaml). The pickle analysis (hflint.pickles.containers) walks
archives once per file and records what these modules find; the archive rules read it."""

"""What transformers requires of a config.json: the field table generated from its source
(``table``) and the constraints packs declare over it (``constraints``)."""

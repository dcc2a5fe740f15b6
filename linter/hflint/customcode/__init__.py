"""Custom Python code shipped in a model repository (HF501-HF505).

* ``discovery``: which files loaders import (auto_map, relative imports, modules.json,
  custom_generate, mlx model_file) and which references point at other repositories;
* ``reviews``: the review file (``.hflint-review.yaml``) and each file's review state;
* ``policy``: the policy lists in ``rules/data`` (python-dangerous.yaml, code-loading.yaml);
* ``pysource``/``resolve``/``calls``/``obfuscation``: static analysis with ``ast`` only -
  the code is never imported or run.
"""

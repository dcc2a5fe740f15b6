"""A datasets loading script (the pre-4.0 GeneratorBasedBuilder layout)."""

import json

import datasets

_URL = "https://example.com/data/train.jsonl"


class DatasetLoadingScript(datasets.GeneratorBasedBuilder):
    def _info(self):
        return datasets.DatasetInfo(features=datasets.Features({"question": datasets.Value("string")}))

    def _split_generators(self, dl_manager):
        path = dl_manager.download(_URL)
        return [datasets.SplitGenerator(name=datasets.Split.TRAIN, gen_kwargs={"path": path})]

    def _generate_examples(self, path):
        with open(path, encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                yield i, json.loads(line)

"""Write the golden cases for how published repositories lay out their cards and licenses
(issue #11): license files by role (HF103, HF105, HF106), sections under the titles readers
give them (HF107), one finding per repeated placeholder (HF108), retired pipeline tags
(HF102, HF109).

Run by hand from the repository root: ``python tests/golden/make_card_fixtures.py`` (needs
huggingface_hub, a core dependency: the PEFT card is rendered from its template the way PEFT
does), then ``pytest tests/test_golden.py --update-goldens`` and review the expected.txt
diff. The license texts are short stand-ins written for these tests (the Apache and MIT
ones, shared with make_compliance_fixtures.py, carry the phrases hflint recognises; the
model license is invented).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from make_compliance_fixtures import APACHE, MIT  # noqa: E402  (one copy of the license stand-ins)

# An invented model license, in the shape of the custom licenses LLM families publish
# (ChatGLM's MODEL_LICENSE, DeepSeek's LICENSE-MODEL): no Hub id.
MODEL_LICENSE = (
    "The Example-6B Model License\n\n1. Definitions\n\n\"Licensor\" means the Example-6B team. \"Software\" means "
    "the Example-6B model parameters made available under this license.\n\n2. Grant\n\nSubject to this license, "
    "the Licensor grants you a non-exclusive, worldwide, non-transferable, royalty-free copyright license to use "
    "the Software for research. Commercial use requires registration.\n"
)
Files = dict[str, str]


def card(metadata: str, body: str = "# example-6b\n\nA small example model.\n") -> str:
    return f"---\n{metadata.strip()}\n---\n{body}"


def licenses() -> dict[str, Files]:
    chatglm = {"LICENSE": APACHE, "MODEL_LICENSE": MODEL_LICENSE}
    deepseek = {"LICENSE-CODE": MIT, "LICENSE-MODEL": MODEL_LICENSE}
    other = card("license: other\nlicense_name: example-6b\nlicense_link: LICENSE-MODEL")
    return {
        # ChatGLM layout, no license: in the card: HF103 names MODEL_LICENSE, never apache-2.0.
        "HF103/fail/code-and-model-licenses": {"README.md": card("tags: [glm]"), **chatglm},
        "HF103/fail/model-license-file-only": {"README.md": card("tags: [glm]"), "MODEL_LICENSE": MODEL_LICENSE},
        "HF103/fail/code-license-only": {"README.md": card("tags: [glm]"), "LICENSE-CODE": MIT},
        # license: other, and the terms are in the repository: documented.
        "HF105/pass/other-with-model-license-file": {"README.md": card("license: other"), **chatglm},
        "HF105/pass/other-with-license-file": {"README.md": card("license: other"), "LICENCE.txt": MODEL_LICENSE},
        "HF105/fail/other-with-code-license-only": {"README.md": card("license: other"), "LICENSE-CODE": MIT},
        # The code's license is not the card's: no mismatch for LICENSE beside MODEL_LICENSE.
        "HF106/pass/chatglm-layout": {"README.md": card("license: other"), **chatglm},
        "HF106/pass/deepseek-layout": {"README.md": other, **deepseek},
        "HF106/pass/llama-use-policy": {
            "README.md": card("license: mit"),
            "LICENSE": MIT,
            "USE_POLICY.md": "# Acceptable Use Policy\n\nApache License Version 2.0, January 2004 is quoted here.\n",
        },
        "HF106/fail/model-license-mismatch": {
            "README.md": card("license: mit"),
            "LICENSE": MIT,
            "MODEL_LICENSE": APACHE,
        },
        "HF106/fail/linked-file-is-the-models": {
            "README.md": card("license: other\nlicense_name: example\nlicense_link: LICENSE"),
            **chatglm,
        },
    }


READER_TITLES = """\
# example-6b

## 📖 Introduction

A small example model.

## Intended uses & limitations

For research on small models; not for medical or legal advice.

## Quickstart

```python
from transformers import pipeline
```

## 2. Training procedure

Two epochs on a toy corpus.

## 📊 Evaluation results

| task | score |
| --- | --- |
| toy | 0.5 |

**Carbon emissions:**

About 0.1 kg CO2eq.

<h2>Contact us</h2>

Open a discussion on the model page.
"""

# The headings transformers' Trainer writes (src/transformers/modelcard.py), with the three
# template sections it has no title for.
TRAINER_CARD = """\
# example-6b-finetuned

This model is a fine-tuned version of [base](https://huggingface.co/base) on an unknown dataset.

## Model description

More information needed

## Intended uses & limitations

More information needed

## Training and evaluation data

More information needed

## Training procedure

### Training hyperparameters

- learning_rate: 5e-05

### Training results

| Training Loss | Epoch | Step | Validation Loss |
|:---:|:---:|:---:|:---:|
| 1.0 | 1.0 | 10 | 0.9 |

### Framework versions

- Transformers 4.57.0
"""

CHINESE_CARD = """\
# Example-6B

## 介绍

一个小的示例模型。

## 使用场景

研究用途。

## 局限性

模型可能生成错误内容。

## 快速开始

```python
from transformers import AutoModel
```

## 训练细节

玩具语料。

## 评测结果

见下表。

## 环境影响

很小。

## 联系我们

请在模型页面讨论。
"""


def sections() -> dict[str, Files]:
    return {
        "HF107/pass/reader-titled-sections": {"README.md": card("license: mit", READER_TITLES)},
        "HF107/pass/chinese-titles": {"README.md": card("license: other", CHINESE_CARD)},
        "HF107/fail/trainer-generated-card": {"README.md": card("license: apache-2.0", TRAINER_CARD)},
    }


def peft_card() -> str:
    """The README PEFT writes for an adapter: huggingface_hub's default template, rendered
    with no fields, then library_name, base_model and the framework version added
    (peft/src/peft/peft_model.py create_or_update_model_card)."""
    from huggingface_hub import ModelCard, ModelCardData

    rendered = ModelCard.from_template(ModelCardData())
    rendered.data["library_name"] = "peft"
    rendered.data["base_model"] = "meta-llama/Llama-3.1-8B"
    return str(rendered).rstrip("\n") + "\n### Framework versions\n\n- PEFT 0.17.1\n"


def placeholders() -> dict[str, Files]:
    return {"HF108/fail/peft-default-card": {"README.md": peft_card()}}


def pipeline_tags() -> dict[str, Files]:
    return {
        "HF109/fail/text2text-generation": {"README.md": card("license: mit\npipeline_tag: text2text-generation")},
        "HF109/fail/conversational": {"README.md": card("license: mit\npipeline_tag: conversational")},
        "HF109/pass/text-generation": {
            "README.md": card("license: mit\npipeline_tag: text-generation\ntags: [text2text-generation]")
        },
        "HF102/pass/retired-pipeline-tag": {"README.md": card("license: mit\npipeline_tag: conversational")},
    }


def main() -> None:
    for name, files in {**licenses(), **sections(), **placeholders(), **pipeline_tags()}.items():
        folder = HERE / name
        expected = folder / "expected.txt"
        keep = expected.read_bytes() if expected.exists() else None  # reviewed; --update-goldens rewrites it
        if folder.exists():
            shutil.rmtree(folder)
        if keep is not None:
            folder.mkdir(parents=True)
            expected.write_bytes(keep)
        for rel, content in files.items():
            target = folder / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content.encode("utf-8"))


if __name__ == "__main__":
    main()

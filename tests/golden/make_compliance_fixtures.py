"""Write the golden cases of HF102-HF108 and HF204-HF208 (issue #5).

Run by hand: ``python tests/golden/make_compliance_fixtures.py`` (needs ``tokenizers``,
``transformers`` and ``huggingface_hub``; the tests need none of them: the output is
committed). Tokenizers are trained with the tokenizers library on a tiny corpus, tokenizer
and model configs are written by ``save_pretrained``, cards by ``ModelCard.from_template``;
the failing cases are those files with one realistic mistake each.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
CORPUS = [
    "the quick brown fox jumps over the lazy dog",
    "a model card tells users what a model is for",
    "tokenizers split text into tokens and ids",
    "hello world, hello tokens, hello models",
] * 20
SPECIALS = ["[UNK]", "[CLS]", "[SEP]", "[PAD]", "[MASK]"]
APACHE = (
    "\n                                 Apache License\n                           Version 2.0, January 2004\n"
    "                        http://www.apache.org/licenses/\n\n   TERMS AND CONDITIONS FOR USE, REPRODUCTION, "
    "AND DISTRIBUTION\n"
)
MIT = (
    "MIT License\n\nCopyright (c) 2025 Example\n\nPermission is hereby granted, free of charge, to any person "
    'obtaining a copy\nof this software and associated documentation files (the "Software"), to deal\n'
    "in the Software without restriction.\n"
)
CHATML = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)
SSTI = "{% for c in ().__class__.__base__.__subclasses__() %}{{ c.__init__.__globals__['__builtins__'] }}{% endfor %}"


def case(rule: str, outcome: str, name: str) -> Path:
    path = HERE / rule / outcome / name
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def write(folder: Path, files: dict[str, str | dict[str, Any] | list[Any]]) -> None:
    for rel, content in files.items():
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            target.write_bytes(content.encode("utf-8"))
        else:
            target.write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def load(folder: Path, rel: str) -> Any:
    return json.loads((folder / rel).read_text(encoding="utf-8"))


# -- tokenizers -----------------------------------------------------------------------


def train(kind: str) -> Any:
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

    if kind == "BPE":
        tok = Tokenizer(models.BPE(unk_token="[UNK]"))
        trainer: Any = trainers.BpeTrainer(vocab_size=120, special_tokens=SPECIALS)
        tok.pre_tokenizer = pre_tokenizers.Whitespace()
    elif kind == "WordPiece":
        tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
        trainer = trainers.WordPieceTrainer(vocab_size=120, special_tokens=SPECIALS)
        tok.normalizer = normalizers.BertNormalizer(lowercase=True)
        tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
        tok.decoder = decoders.WordPiece()
    elif kind == "Unigram":
        tok = Tokenizer(models.Unigram())
        trainer = trainers.UnigramTrainer(vocab_size=80, special_tokens=SPECIALS, unk_token="[UNK]")
        tok.pre_tokenizer = pre_tokenizers.Metaspace()
        tok.decoder = decoders.Metaspace()
    else:
        tok = Tokenizer(models.WordLevel(unk_token="[UNK]"))
        trainer = trainers.WordLevelTrainer(special_tokens=SPECIALS)
        tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.train_from_iterator(CORPUS, trainer)
    return tok


def save_repo(
    folder: Path, kind: str = "BPE", *, vocab_size: int | None = None, chat_template: str | None = None
) -> None:
    """tokenizer.json, tokenizer_config.json, special_tokens_map.json and config.json, all
    written by save_pretrained, as a real upload would have them."""
    from transformers import BertConfig, PreTrainedTokenizerFast

    fast = PreTrainedTokenizerFast(
        tokenizer_object=train(kind),
        unk_token="[UNK]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        pad_token="[PAD]",
        mask_token="[MASK]",
    )
    if chat_template is not None:
        fast.chat_template = chat_template
    with tempfile.TemporaryDirectory() as tmp:
        fast.save_pretrained(tmp)
        size = vocab_size if vocab_size is not None else len(fast)
        BertConfig(
            vocab_size=size,
            hidden_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=37,
            pad_token_id=fast.pad_token_id,
        ).save_pretrained(tmp)
        for name in (
            "tokenizer.json",
            "tokenizer_config.json",
            "special_tokens_map.json",
            "config.json",
            "chat_template.jinja",
        ):
            if (Path(tmp) / name).exists():
                shutil.copy(Path(tmp) / name, folder / name)


def tokenizer_cases() -> None:
    for kind in ("BPE", "WordPiece", "Unigram", "WordLevel"):
        save_repo(case("HF204", "pass", kind.lower()), kind)

    bad = case("HF204", "fail", "bpe-edited-by-hand")
    save_repo(bad, "BPE")
    doc = load(bad, "tokenizer.json")
    doc["notes"] = "trained on the toy corpus"  # unknown top-level key
    doc["version"] = "2.0"
    doc["model"]["merges"].append(["t", "zz"])  # 'zz' is not in the vocabulary
    doc["added_tokens"].append({"id": 3, "content": "<|extra|>"})  # id taken, fields missing
    write(bad, {"tokenizer.json": doc})

    wp = case("HF204", "fail", "wordpiece-fields")
    save_repo(wp, "WordPiece")
    doc = load(wp, "tokenizer.json")
    del doc["model"]["continuing_subword_prefix"]
    doc["model"]["unk_token"] = "<unk>"  # not in the vocabulary
    doc["normalizer"] = {"type": "Lowercase2"}
    write(wp, {"tokenizer.json": doc})

    uni = case("HF204", "fail", "unigram-unk-id")
    save_repo(uni, "Unigram")
    doc = load(uni, "tokenizer.json")
    doc["model"]["unk_id"] = len(doc["model"]["vocab"]) + 5
    doc["model"]["vocab"][7] = ["bad", "score"]
    write(uni, {"tokenizer.json": doc})

    save_repo(case("HF205", "pass", "saved"), "BPE")
    cfg = case("HF205", "fail", "hand-edited")
    save_repo(cfg, "BPE")
    doc = load(cfg, "tokenizer_config.json")
    doc["model_max_length"] = "2048"
    doc["eos_token"] = 2
    doc["padding_side"] = "middle"
    first = next(iter(doc["added_tokens_decoder"]))
    doc["added_tokens_decoder"]["50"] = doc["added_tokens_decoder"].pop(first)  # wrong id
    doc["added_tokens_decoder"]["51"] = "<|im_end|>"
    doc["chat_template"] = [{"name": "default", "template": "{{ x }}"}, {"name": "default", "template": "{{ y }}"}]
    write(cfg, {"tokenizer_config.json": doc})
    stm = load(cfg, "special_tokens_map.json")
    stm["bos_token"] = {"content": "[CLS]", "lstrip": "no"}
    write(cfg, {"special_tokens_map.json": stm})

    save_repo(case("HF206", "pass", "saved"), "WordPiece")
    miss = case("HF206", "fail", "eos-not-in-vocab")
    save_repo(miss, "WordPiece")
    doc = load(miss, "tokenizer_config.json")
    doc["eos_token"] = "<|im_end|>"
    write(miss, {"tokenizer_config.json": doc})
    ids = case("HF206", "fail", "generation-eos-id")
    save_repo(ids, "WordPiece")
    tok = load(ids, "tokenizer.json")
    doc = load(ids, "tokenizer_config.json")
    doc["eos_token"] = "[SEP]"
    write(
        ids,
        {
            "tokenizer_config.json": doc,
            "generation_config.json": {
                "eos_token_id": tok["model"]["vocab"]["[CLS]"],
                "pad_token_id": 7,
                "transformers_version": "4.57.6",
            },
        },
    )

    save_repo(case("HF207", "pass", "padded-embeddings"), "BPE", vocab_size=128)
    over = case("HF207", "fail", "added-token-past-vocab")
    save_repo(over, "BPE")
    doc = load(over, "tokenizer.json")
    size = load(over, "config.json")["vocab_size"]
    doc["added_tokens"].append(
        {
            "id": size,
            "content": "<|im_end|>",
            "single_word": False,
            "lstrip": False,
            "rstrip": False,
            "normalized": False,
            "special": True,
        }
    )
    write(over, {"tokenizer.json": doc})
    cfg_doc = load(over, "tokenizer_config.json")
    cfg_doc["added_tokens_decoder"][str(size)] = {
        "content": "<|im_end|>",
        "lstrip": False,
        "normalized": False,
        "rstrip": False,
        "single_word": False,
        "special": True,
    }
    write(over, {"tokenizer_config.json": cfg_doc})


def chat_template_cases() -> None:
    ok = case("HF208", "pass", "chatml")
    save_repo(ok, "BPE", chat_template=CHATML)
    write(
        ok,
        {
            "additional_chat_templates/tool_use.jinja": (
                "{%- for message in messages %}\n{%- if message['role'] == 'assistant' %}\n"
                "{% generation %}{{ message['content'] | trim }}{% endgeneration %}\n"
                "{%- else %}\n{{ message['content'] }}\n{%- endif %}\n"
                "{%- if loop.last %}{% break %}{% endif %}\n{%- endfor %}\n"
            )
        },
    )
    named = case("HF208", "pass", "named-templates")
    save_repo(named, "BPE")
    doc = load(named, "tokenizer_config.json")
    doc["chat_template"] = [
        {"name": "default", "template": CHATML},
        {"name": "tool_use", "template": "{{ tools | tojson(indent=2) }}" + CHATML},
    ]
    write(named, {"tokenizer_config.json": doc})

    ssti = case("HF208", "fail", "ssti-in-config")
    save_repo(ssti, "BPE")
    doc = load(ssti, "tokenizer_config.json")
    doc["chat_template"] = [{"name": "default", "template": CHATML}, {"name": "rag", "template": SSTI}]
    write(ssti, {"tokenizer_config.json": doc})
    jinja = case("HF208", "fail", "jinja-files")
    write(
        jinja,
        {
            "chat_template.jinja": "{% for message in messages %}\n{{ message['content'] }}\n{% endfor",
            "additional_chat_templates/format.jinja": (
                "{{ messages[0].content | attr('format') }}\n{{ '{0.__class__}'.format(x) }}\n"
                "{% include 'other.jinja' %}\n"
            ),
            "chat_template.json": {"chat_template": "{{ cycler.__init__.__globals__.os.popen('id').read() }}"},
        },
    )


# -- cards ------------------------------------------------------------------------------


def template_card(**fields: Any) -> str:
    from huggingface_hub import ModelCard, ModelCardData

    data = ModelCardData(license="apache-2.0", language="en", library_name="transformers", pipeline_tag="fill-mask")
    return str(ModelCard.from_template(data, **fields))


FILLED = {
    "model_id": "acme/tiny-bert",
    "model_summary": "A tiny BERT for tests.",
    "model_description": "Tiny.",
    "developers": "ACME",
    "funded_by": "ACME",
    "shared_by": "ACME",
    "model_type": "BERT",
    "language": "English",
    "license": "apache-2.0",
    "base_model": "google-bert/bert-base-uncased",
    "repo": "https://example.org/repo",
    "paper": "none",
    "demo": "none",
    "direct_use": "Fill-mask on short English text.",
    "downstream_use": "Fine-tuning for classification.",
    "out_of_scope_use": "Anything that matters.",
    "bias_risks_limitations": "Trained on 80 sentences.",
    "bias_recommendations": "Do not deploy it.",
    "get_started_code": "pipeline('fill-mask', model='acme/tiny-bert')",
    "training_data": "The toy corpus.",
    "preprocessing": "Lowercasing.",
    "training_regime": "fp32",
    "speeds_sizes_times": "1 second.",
    "testing_data": "None.",
    "testing_factors": "None.",
    "testing_metrics": "None.",
    "results": "None.",
    "results_summary": "None.",
    "model_examination": "None.",
    "hardware_type": "CPU",
    "hours_used": "0.01",
    "cloud_provider": "none",
    "cloud_region": "none",
    "co2_emitted": "0",
    "model_specs": "BERT, 1 layer.",
    "compute_infrastructure": "A laptop.",
    "hardware_requirements": "Any CPU.",
    "software": "transformers",
    "citation_bibtex": "none",
    "citation_apa": "none",
    "glossary": "none",
    "more_information": "none",
    "model_card_authors": "ACME",
    "model_card_contact": "ml@acme.example",
}
DATASET_CARD = """---
license: cc-by-4.0
language: [en, fr]
task_categories: [text-classification]
size_categories: [n<1K]
pretty_name: Toy sentences
configs:
- config_name: default
  data_files:
  - split: train
    path: data/train.csv
---
# Dataset Card for Toy sentences

## Dataset Details
Eighty short sentences.
## Uses
Tests.
## Dataset Structure
One column, `text`.
## Dataset Creation
Written by hand.
## Bias, Risks, and Limitations
Tiny.
## Dataset Card Contact
data@acme.example
"""


def card_cases() -> None:
    filled = template_card(**FILLED)
    generated = template_card(model_id="acme/tiny-bert")
    write(case("HF107", "pass", "template-sections"), {"README.md": filled})
    write(
        case("HF108", "pass", "filled-template"),
        {
            "README.md": filled
            + (
                "\n## Prompt format\n\n```jinja\n"
                "{{ bos_token }}{% for m in messages %}{{ m['content'] }}{% endfor %}\n```\n"
            )
        },
    )
    write(case("HF108", "fail", "generated-template"), {"README.md": generated})
    write(
        case("HF108", "fail", "copied-template"),
        {
            "README.md": "---\n{{ card_data }}\n---\n\n# Model Card for Model ID\n\n"
            '- **Developed by:** {{ developers | default("[More Information Needed]", true)}}\n'
        },
    )
    write(
        case("HF107", "fail", "short-card"),
        {
            "README.md": "---\nlicense: mit\n---\n# tiny-bert\n\n## Usage\n\n"
            "```python\n# Model Details\npipe = pipeline('fill-mask')\n```\n\n## Training\n\nToy corpus.\n\n"
            "Evaluation\n----------\nNone.\n"
        },
    )
    write(case("HF107", "pass", "dataset-card"), {"README.md": DATASET_CARD, "data/train.csv": "text\nhello\n"})
    write(
        case("HF107", "fail", "dataset-card"),
        {"README.md": DATASET_CARD.split("## Dataset Structure")[0], "data/train.csv": "text\nhello\n"},
    )

    write(case("HF102", "pass", "template-card"), {"README.md": filled})
    write(case("HF102", "pass", "bom-crlf"), {"README.md": "\ufeff" + filled.replace("\n", "\r\n")})
    write(case("HF102", "pass", "dataset-card"), {"README.md": DATASET_CARD, "data/train.csv": "text\nhello\n"})
    write(
        case("HF102", "pass", "model-index"),
        {
            "README.md": """---
license: apache-2.0
base_model: [google-bert/bert-base-uncased, acme/tiny-bert-v0]
base_model_relation: merge
widget:
- text: Paris is the [MASK] of France.
  example_title: Capital
model-index:
- name: tiny-bert
  results:
  - task: {type: fill-mask, name: Fill Mask}
    dataset: {type: wikitext, name: WikiText-103, split: test}
    metrics:
    - {type: accuracy, value: 0.12, name: Accuracy}
    source: {url: https://example.org/eval, name: Internal eval}
extra_gated_fields:
  Company: text
  Country: country
  I agree to the terms: checkbox
  Use case: {type: select, options: [research, other]}
---
# tiny-bert
"""
        },
    )
    write(
        case("HF102", "fail", "hub-rejects"),
        {
            "README.md": """---
license: apache-2.0
language: [en, EN]
base_model: /workspace/checkpoints/bert-base
pipeline_tag: text-generaton
library_name: Transformers
tags: fill-mask
widget:
  text: Paris is the [MASK] of France.
model-index:
- results:
  - task: {name: Fill Mask}
    dataset: {type: wikitext}
    metrics: [{type: accuracy}]
    source: {name: Internal eval}
---
# tiny-bert
"""
        },
    )
    write(case("HF102", "fail", "yaml-error"), {"README.md": "---\nlicense: apache-2.0\ntags: [a, b\n---\n# x\n"})
    write(
        case("HF102", "fail", "python-tag"),
        {"README.md": "---\nlicense: mit\nwidget: !!python/tuple [a, b]\n---\n# x\n"},
    )
    write(
        case("HF102", "fail", "duplicate-key"),
        {"README.md": "---\nlicense: mit\ntags: [a]\nlicense: apache-2.0\n---\n"},
    )
    write(case("HF102", "fail", "not-at-start"), {"README.md": "# tiny-bert\n\n---\nlicense: mit\n---\n"})
    write(case("HF102", "fail", "unclosed"), {"README.md": "---\nlicense: mit\n# tiny-bert\n"})
    write(case("HF102", "fail", "not-a-mapping"), {"README.md": "---\n- license: mit\n---\n"})
    write(
        case("HF102", "fail", "dataset-card"),
        {
            "README.md": DATASET_CARD.replace("[n<1K]", "[small]").replace("config_name: default", "name: default"),
            "data/train.csv": "text\nhello\n",
        },
    )

    write(case("HF103", "pass", "license"), {"README.md": "---\nlicense: mit\n---\n"})
    write(case("HF103", "fail", "no-license"), {"README.md": "---\ntags: [fill-mask]\n---\n# tiny-bert\n"})
    write(case("HF103", "fail", "license-file-only"), {"README.md": "# tiny-bert\n", "LICENSE": APACHE})
    write(case("HF103", "fail", "empty-license"), {"README.md": "---\nlicense:\nlanguage: en\n---\n"})

    write(
        case("HF104", "pass", "ids"),
        {
            "README.md": "---\nlicense: [apache-2.0, cc-by-4.0, llama3.1, other]\n"
            "license_name: acme-1.0\nlicense_link: LICENSE\n---\n",
            "LICENSE": "ACME terms\n",
        },
    )
    write(case("HF104", "fail", "spdx"), {"README.md": "---\nlicense: Apache-2.0\n---\n"})
    write(
        case("HF104", "fail", "list-and-expression"),
        {"README.md": "---\nlicense:\n- GPL-3.0-or-later\n- llama-3.1\n- Apache-2.0 OR MIT\n- my-own-license\n---\n"},
    )

    write(
        case("HF105", "pass", "other-complete"),
        {
            "README.md": "---\nlicense: other\nlicense_name: acme-model-1.0\nlicense_link: LICENSE.md\n---\n",
            "LICENSE.md": "ACME model license\n",
        },
    )
    write(
        case("HF105", "pass", "other-url"),
        {
            "README.md": "---\nlicense: other\nlicense_name: acme-model-1.0\n"
            "license_link: https://acme.example/license\n---\n"
        },
    )
    write(case("HF105", "fail", "other-bare"), {"README.md": "---\nlicense: other\n---\n"})
    write(
        case("HF105", "fail", "link-to-missing-file"),
        {"README.md": "---\nlicense: other\nlicense_name: acme-1.0\nlicense_link: ./LICENSE\n---\n"},
    )

    write(case("HF106", "pass", "apache"), {"README.md": "---\nlicense: apache-2.0\n---\n", "LICENSE": APACHE})
    write(
        case("HF106", "pass", "two-licenses"),
        {"README.md": "---\nlicense: [mit, apache-2.0]\n---\n", "LICENSE": MIT, "LICENSE-MODEL.txt": APACHE},
    )
    write(
        case("HF106", "pass", "unrecognised"),
        {
            "README.md": "---\nlicense: other\nlicense_name: acme\nlicense_link: LICENSE\n---\n",
            "LICENSE": "ACME terms: do good.\n",
        },
    )
    write(
        case("HF106", "fail", "mit-text-apache-card"), {"README.md": "---\nlicense: apache-2.0\n---\n", "LICENSE": MIT}
    )
    write(
        case("HF106", "fail", "other-but-apache"),
        {"README.md": "---\nlicense: other\nlicense_name: x\nlicense_link: LICENSE\n---\n", "LICENSE.md": APACHE},
    )


if __name__ == "__main__":
    card_cases()
    tokenizer_cases()
    chat_template_cases()

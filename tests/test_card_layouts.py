"""Cards and licenses as published repositories lay them out (issue 11): sections under the
titles readers give them, license files by what they cover, one finding per repeated
placeholder. Tables, so that a new title or file name is one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, MakeRepo
from hflint.cards.headings import headings, words
from hflint.cards.licenses import license_files, load_license_data
from hflint.cards.sections import load_synonyms, section
from hflint.config import Config
from hflint.engine import scan
from hflint.repo import Repo

SYNONYMS = load_synonyms(ROOT / "rules" / "data" / "card-sections.yaml")
LICENSES = load_license_data(ROOT / "rules" / "data" / "licenses.yaml")

# (heading as written in a published card, the template section a reader takes it for)
COUNTS_FOR = [
    ("## Contact", "Model Card Contact"),
    ("## 📬 Contact us", "Model Card Contact"),
    ("**Contact:**", "Model Card Contact"),
    ("<h2>Questions & feedback</h2>", "Model Card Contact"),
    ("## Intended uses & limitations", "Uses"),
    ("## Intended uses & limitations", "Bias, Risks, and Limitations"),
    ("## Intended Use", "Uses"),
    ("## Out-of-Scope Use", "Uses"),
    ("## Ethical Considerations and Limitations", "Bias, Risks, and Limitations"),
    ("## Responsible AI Considerations", "Bias, Risks, and Limitations"),
    ("## 📊 Evaluation results", "Evaluation"),
    ("## 3. Benchmarks", "Evaluation"),
    ("### Training results", "Evaluation"),
    ("## Quickstart", "How to Get Started with the Model"),
    ("## Usage", "How to Get Started with the Model"),
    ("## How to use", "How to Get Started with the Model"),
    ("## II. Training procedure", "Training Details"),
    ("## Fine-tuning", "Training Details"),
    ("## Model description", "Model Details"),
    ("## Introduction", "Model Details"),
    ("## Carbon Emissions", "Environmental Impact"),
    ("## 介绍", "Model Details"),
    ("## 快速开始", "How to Get Started with the Model"),
    ("## 评测结果", "Evaluation"),
    ("## 局限性", "Bias, Risks, and Limitations"),
    ("## 联系我们", "Model Card Contact"),
]
# Headings whose words contain a section's title but that a reader would not take for it.
DOES_NOT_COUNT = [
    ("## How to use", "Uses"),
    ("## Use with transformers", "Uses"),
    ("## Training and evaluation data", "Evaluation"),
    ("## Usage", "Uses"),
    ("## Citation", "Model Card Contact"),
    ("## License", "Model Details"),
]


def _found(heading: str, title: str) -> bool:
    (parsed,) = headings(heading + "\n", 1)
    return section([title], SYNONYMS).found_in(words(parsed.text))


@pytest.mark.parametrize(("heading", "title"), COUNTS_FOR)
def test_headings_count_as_a_reader_counts_them(heading: str, title: str) -> None:
    assert _found(heading, title)


@pytest.mark.parametrize(("heading", "title"), DOES_NOT_COUNT)
def test_lookalike_headings_do_not_count(heading: str, title: str) -> None:
    assert not _found(heading, title)


@pytest.mark.parametrize(
    ("title", "normalised"),
    [
        ("## 1.2 Model Details", ("model", "detail")),
        ("IV. Limitations 🚧", ("limitation",)),
        ("Step 3: Evaluation", ("evaluation",)),
        ("(2) Uses [optional]", ("use",)),
        ("Bias, Risks, and Limitations", ("bias", "risk", "and", "limitation")),
        ("[Contact](https://example.invalid)", ("contact",)),
    ],
)
def test_heading_words_ignore_numbering_emoji_markup_and_plurals(title: str, normalised: tuple[str, ...]) -> None:
    assert words(title.lstrip("# ")) == normalised


# (files at the repository root, card license_link, what each file covers)
LAYOUTS = [
    ({"LICENSE": ""}, None, {"LICENSE": "model"}),
    ({"LICENSE": "", "MODEL_LICENSE": ""}, None, {"LICENSE": "code", "MODEL_LICENSE": "model"}),
    ({"LICENSE-CODE": "", "LICENSE-MODEL": ""}, None, {"LICENSE-CODE": "code", "LICENSE-MODEL": "model"}),
    ({"license.txt": "", "USE_POLICY.md": ""}, None, {"license.txt": "model", "USE_POLICY.md": "companion"}),
    ({"COPYING": "", "NOTICE": ""}, None, {"COPYING": "model", "NOTICE": "companion"}),
    ({"LICENCE.md": ""}, None, {"LICENCE.md": "model"}),
    ({"LICENSE": "", "MODEL_LICENSE": ""}, "LICENSE", {"LICENSE": "model", "MODEL_LICENSE": "model"}),
    ({"TERMS.md": ""}, "./TERMS.md", {"TERMS.md": "model"}),
    ({"docs/LICENSE": "", "README.md": ""}, None, {}),
]


@pytest.mark.parametrize(("files", "link", "covers"), LAYOUTS)
def test_license_files_are_told_apart(
    make_repo: MakeRepo, files: dict[str, str | bytes], link: str | None, covers: dict[str, str]
) -> None:
    assert license_files(Repo(make_repo(files)), LICENSES, link) == covers


def _messages(root: Path, rule: str) -> list[str]:
    return [f.message for f in scan(root, Config(select=(rule,), fail_on=None)).findings]


def test_hf103_never_suggests_the_code_license_for_the_weights(make_repo: MakeRepo) -> None:
    apache = "Apache License\nVersion 2.0, January 2004\n"
    root = make_repo({"README.md": "# m\n", "LICENSE": apache, "MODEL_LICENSE": "The M License\n"})
    (message,) = _messages(root, "HF103")
    assert "MODEL_LICENSE" in message and "LICENSE covers only the code" in message
    assert "license: apache-2.0" not in message


def test_a_repeated_placeholder_is_one_finding_with_count_and_lines(make_repo: MakeRepo) -> None:
    body = "".join(f"## S{i}\n\n[More Information Needed]\n\n" for i in range(12))
    root = make_repo({"README.md": "---\nlicense: mit\n---\n" + body})
    (message,) = _messages(root, "HF108")
    assert "12 times, on lines 6, 10, 14, 18, 22, ..." in message

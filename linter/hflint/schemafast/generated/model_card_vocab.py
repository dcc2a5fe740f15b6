"""Generated from rules/schemas/model-card-vocab.schema.json by `python -m hflint.ruledoc`: do not edit.

hflint.schemafast runs it only while the schema file has the size and CRC-32 in STAMP;
the schema file is the source of truth (a stale module is never used)."""

from __future__ import annotations

from typing import Any

from hflint.schemafast.runtime import JSON_TYPES, Bail, search

STAMP = (9966, 1011617811)

_SC0: frozenset[Any] = frozenset({
    'acestep',
    'adapter-transformers',
    'allennlp',
    'anemoi',
    'araclip',
    'aviation-ner',
    'asteroid',
    'audiocraft',
    'audioseal',
    'bagel-mot',
    'bboxmaskpose',
    'ben2',
    'bertopic',
    'big_vision',
    'bionemo',
    'birder',
    'birefnet',
    'bm25s',
    'boltzgen',
    'cancertathomev2',
    'cartesia_pytorch',
    'cartesia_mlx',
    'ccpfn',
    'champ',
    'chatterbox',
    'chaossim',
    'chat_tts',
    'chexmix',
    'chronos-forecasting',
    'clara',
    'clipscope',
    'cloud-agents',
    'collectorvision',
    'colipri',
    'cosyvoice',
    'cotracker',
    'colpali',
    'comet',
    'cosmos',
    'cxr-foundation',
    'deepforest',
    'depth-anything-v2',
    'depth-pro',
    'derm-foundation',
    'describe-anything',
    'dia-tts',
    'dia2',
    'diff-interpretation-tuning',
    'diffree',
    'diffusers',
    'diffusionkit',
    'docking-at-home',
    'doctr',
    'edsnlp',
    'elm',
    'encoderfile',
    'espnet',
    'eupe',
    'fairseq',
    'fastai',
    'fastprint',
    'fasttext',
    'fixer',
    'flair',
    'flextab',
    'fme',
    'gemma.cpp',
    'geometry-crafter',
    'gliner',
    'gliner2',
    'glm-tts',
    'glyph-byt5',
    'granite-library',
    'grok',
    'habibi-tts',
    'hallo',
    'minimax-h3',
    'hermes',
    'holomotion',
    'hezar',
    'htrflow',
    'hunyuan-dit',
    'hunyuan3d-2',
    'hunyuanworld-voyager',
    'hy-worldplay',
    'hy-world-2',
    'image-matching-models',
    'imstoucan',
    'index-tts',
    'infinitetalk',
    'infinite-you',
    'intellifold',
    'ising-decoding',
    'keras',
    'tf-keras',
    'keras-hub',
    'kerasformers',
    'kernels',
    'kimi-audio',
    'kittentts',
    'kronos',
    'k2',
    'lyra-2.0',
    'lagernvs',
    'ltx',
    'lightning-ir',
    'litert',
    'litert-lm',
    'lerobot',
    'lightglue',
    'liveportrait',
    'longcat-video-avatar-1.5',
    'llama-cpp-python',
    'mini-omni2',
    'mindspore',
    'magi-1',
    'magenta-realtime',
    'magenta-realtime-2',
    'mamba-ssm',
    'manas-1',
    'mars5-tts',
    'matanyone',
    'mesh-anything',
    'merlin',
    'medvae',
    'mflux',
    'mitie',
    'ml-agents',
    'ml-sharp',
    'mlx',
    'mlx-image',
    'mlc-llm',
    'model2vec',
    'mobilint',
    'moshi',
    'mtvcraft',
    'multimolecule',
    'nemo',
    'ninfer',
    'nobg',
    'nv-medtech',
    'open-oasis',
    'open_clip',
    'openasr',
    'openpeerllm',
    'open-sora',
    'outetts',
    'paddlenlp',
    'PaddleOCR',
    'peft',
    'perception-encoder',
    'phantom-wan',
    'pocket-tts',
    'pruna-ai',
    'pxia',
    'pyannote-audio',
    'py-feat',
    'pythae',
    'quantumpeer',
    'qwen3_tts',
    'recurrentgemma',
    'relik',
    'refiners',
    'renderformer',
    'reverb',
    'rkllm',
    'robo-orchard-lab',
    'rwkv',
    'saelens',
    'scail-2',
    'sam2',
    'sam-3d-body',
    'sam-3d-objects',
    'same',
    'sample-factory',
    'sap-rpt-1-oss',
    'sapiens',
    'sapiens2',
    'seedvr',
    'self-forcing',
    'sentence-transformers',
    'setfit',
    'sklearn',
    'spacy',
    'span-marker',
    'speechbrain',
    'ssr-speech',
    'stable-audio-3',
    'stable-audio-tools',
    'monkeyocr',
    'diffusion-single-file',
    'seed-story',
    'skala',
    'soloaudio',
    'songbloom',
    'stable-baselines3',
    'stanza',
    'supertonic',
    'swarmformer',
    'synthefy-migas',
    'f5-tts',
    'genmo',
    'tencent-song-generation',
    'tensorflowtts',
    'tensorrt',
    'tabpfn',
    'terratorch',
    'tic-clip',
    'timesfm',
    'timee-ts',
    'timm',
    'tirex',
    'tirex-2',
    'torchgeo',
    'transformers',
    'transformers.js',
    'trellis',
    'trellis2',
    'tunejury',
    'ultralytics',
    'univa',
    'uni-3dar',
    'unity-sentis',
    'sana',
    'videoprism',
    'vfi-mamba',
    'vismatch',
    'lvface',
    'voicecraft',
    'voxcpm',
    'vui',
    'vibevoice',
    'videox_fun',
    'wan2.2',
    'wham',
    'whisperkit',
    'yolov10',
    'yolov26',
    'zonos',
    '3dtopia-xl',
})
_SC1: frozenset[Any] = frozenset({
    'text-classification',
    'token-classification',
    'table-question-answering',
    'question-answering',
    'zero-shot-classification',
    'translation',
    'summarization',
    'feature-extraction',
    'text-generation',
    'fill-mask',
    'sentence-similarity',
    'text-to-speech',
    'text-to-audio',
    'automatic-speech-recognition',
    'audio-to-audio',
    'audio-classification',
    'audio-text-to-text',
    'voice-activity-detection',
    'depth-estimation',
    'image-classification',
    'object-detection',
    'image-segmentation',
    'text-to-image',
    'image-to-text',
    'image-to-image',
    'image-to-video',
    'unconditional-image-generation',
    'video-classification',
    'reinforcement-learning',
    'robotics',
    'tabular-classification',
    'tabular-regression',
    'tabular-to-text',
    'table-to-text',
    'multiple-choice',
    'text-ranking',
    'text-retrieval',
    'time-series-forecasting',
    'text-to-video',
    'image-text-to-text',
    'image-text-to-image',
    'image-text-to-video',
    'visual-question-answering',
    'document-question-answering',
    'zero-shot-image-classification',
    'graph-ml',
    'mask-generation',
    'zero-shot-object-detection',
    'text-to-3d',
    'image-to-3d',
    'image-feature-extraction',
    'video-text-to-text',
    'keypoint-detection',
    'visual-document-retrieval',
    'any-to-any',
    'video-to-video',
    'other',
    'conversational',
    'text2text-generation',
})
_SC2: frozenset[Any] = frozenset({
    'adapter',
    'merge',
    'quantized',
    'finetune',
})


def _s0(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    if t is dict and 'language' in x and not _s1(x['language']):
        return False
    if t is dict and 'library_name' in x and not _s2(x['library_name']):
        return False
    if t is dict and 'pipeline_tag' in x and not _s3(x['pipeline_tag']):
        return False
    if t is dict and 'base_model_relation' in x and not _s4(x['base_model_relation']):
        return False
    return True


def _s1(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if _s5(x):
        if not _s6(x):
            return False
    else:
        if not _s7(x):
            return False
    return True


def _s2(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if _s8(x):
        if not _s9(x):
            return False
    return True


def _s3(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if _s10(x):
        if not _s11(x):
            return False
    return True


def _s4(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if _s12(x):
        if not _s13(x):
            return False
    return True


def _s5(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s6(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not _s14(x):
        return False
    return True


def _s7(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if t is list:
        for v in x:
            if not _s15(v):
                return False
    return True


def _s8(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s9(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is str and x in _SC0)):
        return False
    return True


def _s10(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s11(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is str and x in _SC1)):
        return False
    return True


def _s12(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s13(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is str and x in _SC2)):
        return False
    return True


def _s14(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and not search('^(code|multilingual|[a-z]{2,3})([-_][A-Za-z0-9]{1,8})*$', x):
        return False
    return True


def _s15(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if _s16(x):
        if not _s17(x):
            return False
    return True


def _s16(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s17(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not _s14(x):
        return False
    return True


VALID = _s0

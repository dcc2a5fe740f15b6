"""Readers of model formats that are not pickles or safetensors: ONNX and TensorFlow
(protobuf wire format), TFLite (flatbuffers). Each reads only the fields a check needs,
from the published schemas, with hard bounds; a file it cannot read raises an error whose
message says why, which the kinds report as unanalysable (fail closed).
"""

"""A tiny random-weight Piper voice built in code: the real file layout (NAME.onnx beside
NAME.onnx.json) and the real model interface (phoneme ids, their count, the three scales,
a speaker id), small enough to build in a test. Its "speech" is shaped noise; what it
proves is the path from words to a take."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

HOP = 256  # output samples per phoneme id
SAMPLE_RATE = 16_000
SYMBOLS = ["_", "^", "$", " ", "!", ",", ".", "?", *"abdefhijklmnoprstuvwzæðŋɑɔəɛɪɹʃʊʌʒˈˌː"]


def build_tiny_voice(folder: Path, name: str = "xx_tiny-medium", speakers: int = 2,
                     seed: int = 0) -> Path:
    """Write `folder/NAME.onnx` and its config; returns the model path."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    embedding = rng.standard_normal((len(SYMBOLS), HOP)).astype(np.float32)
    voices = rng.standard_normal((speakers, HOP)).astype(np.float32)
    nodes = [
        helper.make_node("Gather", ["embedding", "input"], ["frames"], axis=0),   # 1,N,HOP
        helper.make_node("Gather", ["voices", "sid"], ["voice"], axis=0),         # 1,HOP
        helper.make_node("Unsqueeze", ["voice", "axis1"], ["voice3"]),            # 1,1,HOP
        helper.make_node("Add", ["frames", "voice3"], ["voiced"]),
        helper.make_node("Tanh", ["voiced"], ["shaped"]),
        helper.make_node("Mul", ["shaped", "level"], ["scaled"]),
        helper.make_node("Reshape", ["scaled", "flat_shape"], ["flat"]),          # 1,1,T
        helper.make_node("Slice", ["scales", "one", "two"], ["length_scale"]),     # [1]
        helper.make_node("Concat", ["unit_scales", "length_scale"], ["resize_scales"], axis=0),
        helper.make_node("Resize", ["flat", "", "resize_scales"], ["stretched"],
                         mode="nearest"),
        helper.make_node("Unsqueeze", ["stretched", "axis0"], ["output"]),        # 1,1,1,T
    ]
    initializers = [
        numpy_helper.from_array(embedding, "embedding"),
        numpy_helper.from_array(voices, "voices"),
        numpy_helper.from_array(np.array([1], np.int64), "axis1"),
        numpy_helper.from_array(np.array([0], np.int64), "axis0"),
        numpy_helper.from_array(np.array(0.3, np.float32), "level"),
        numpy_helper.from_array(np.array([1, 1, -1], np.int64), "flat_shape"),
        numpy_helper.from_array(np.array([1], np.int64), "one"),
        numpy_helper.from_array(np.array([2], np.int64), "two"),
        numpy_helper.from_array(np.array([1.0, 1.0], np.float32), "unit_scales"),
    ]
    inputs = [helper.make_tensor_value_info("input", TensorProto.INT64, [1, None]),
              helper.make_tensor_value_info("input_lengths", TensorProto.INT64, [1]),
              helper.make_tensor_value_info("scales", TensorProto.FLOAT, [3]),
              helper.make_tensor_value_info("sid", TensorProto.INT64, [1])]
    outputs = [helper.make_tensor_value_info("output", TensorProto.FLOAT, None)]
    graph = helper.make_graph(nodes, "tiny_piper", inputs, outputs, initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    path = folder / f"{name}.onnx"
    onnx.save(model, str(path))
    config = {"audio": {"sample_rate": SAMPLE_RATE}, "espeak": {"voice": "en-us"},
              "inference": {"noise_scale": 0.667, "length_scale": 1.0, "noise_w": 0.8},
              "phoneme_type": "espeak", "num_symbols": len(SYMBOLS),
              "num_speakers": speakers,
              "phoneme_id_map": {symbol: [index] for index, symbol in enumerate(SYMBOLS)}}
    (folder / f"{name}.onnx.json").write_text(json.dumps(config, ensure_ascii=False))
    return path

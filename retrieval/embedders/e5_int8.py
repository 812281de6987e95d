"""e5-small's layers in int8: inputs smoothed (SmoothQuant, Xiao et al., 2023), weights packed.

PyTorch's dynamic int8 linear quantizes each product's input with one scale for the whole batch,
set by its largest value. In BERT a few channels of every LayerNorm's output (and of the
attention's context) are far larger than the rest, so that one scale leaves the other channels
a handful of levels. Dividing input channel j by s_j and multiplying column j of the weights by
s_j gives the same product with the outliers moved into the weights, which are quantized per
output row and have room for them: s_j = max|x_j|^a / max|W_:,j|^(1-a), with a = ALPHA and the
maxima over a few fixed calibration texts (`CALIBRATION`, in the three languages).

Almost nothing is added to the int8 forward: the division goes into the LayerNorm before (its
weight and bias) or into the V rows of the attention, the residual that reads a divided input
takes it back with one fused multiply-add (`torch.addcmul`) instead of an add, and only layer 0
divides its input itself.

Measured on 2,718 DOJ paragraphs and 191 questions, mean 1 - cosine to fp32 (x 10^-4):
passages 12.0 -> 4.7, queries 15.2 -> 4.9 (with `INT8_KEEPS_FP32`); on the DOJ 2,000 subset,
doj_dev's MRR@10 0.015 -> 0.009 below fp32's (BENCHMARKS.md, "Smoothing int8's inputs").
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch

# int8: linears kept in fp32, by name or name:layer. The FFN's second product cannot be smoothed
# (its input comes out of a GELU), and with the others smoothed, those of layers 1, 5 and 6 make
# most of the remaining error. 512 DOJ passages, mean 1 - cosine to fp32 in 10^-4, by layers
# (1-12) kept: 4, 5, 6: 6.2; 1, 4, 5, 6: 4.6; 1, 5, 6: 4.7; 5, 6: 6.3; 4, 6: 20; 4, 5: 8.5;
# another layer added to 4-6: 5.7-6.2. Each costs ~3 % of the rate.
INT8_KEEPS_FP32 = {"fo:0", "fo:4", "fo:5"}
ALPHA = 0.5  # how much of an input channel's range moves into the weights

# Calibration texts, written for presschat (not from any corpus): releases and questions in the
# three languages, with the "passage: " / "query: " prefixes the model reads.
CALIBRATION = (
    "passage: Ministry of Foreign Affairs\n\nThe Minister met the Ambassador to discuss trade, "
    "transport links and a visa-free regime for business travellers; both sides agreed to hold "
    "the next round of consultations in March 2026.",
    "passage: Company Agrees to Pay $4.5 Million to Resolve False Claims Act Allegations\n\n"
    "WASHINGTON — A Texas contractor pleaded guilty today in federal court and was sentenced to "
    "36 months in prison, the Justice Department announced. The case was investigated by the FBI.",
    "passage: Министерство иностранных дел\n\nСтороны обсудили сотрудничество в сфере водных "
    "ресурсов, энергетики и транспорта, а также подготовку визита Президента в 2026 году.",
    "passage: Сыртқы істер министрлігі\n\nКездесу барысында тараптар сауда-экономикалық "
    "ынтымақтастықты дамыту, көлік-логистика және су ресурстары мәселелерін талқылады.",
    "query: How many years in prison was he sentenced to?",
    "query: Где пройдут следующие консультации?",
    "query: Қазақстан мен Тәжікстан қандай тауар айналымын көздейді?",
    "query: Which agencies joined the task force in January 2009?",
)

SMOOTHED = ("qkv", "fi", "ao")  # the products whose inputs can be divided for free


def smoothed(layers: Sequence[Any], maxima: Sequence[dict[str, Any]], hidden: int) -> list[Any]:
    """`layers` (e5_torch's fp32 `_Layer`s) computing the same function with the inputs of
    their SMOOTHED products divided by the scales, from `maxima`: per layer, per product, the
    largest |input| of each channel. Layer 0 divides its input itself (`enter`)."""
    scales = [
        {name: _scales(seen[name], layer.weights[name]) for name in SMOOTHED}
        for layer, seen in zip(layers, maxima, strict=True)
    ]
    out = []
    for n, (layer, s) in enumerate(zip(layers, scales, strict=True)):
        weights, biases = dict(layer.weights), dict(layer.biases)
        ao = s["ao"]  # the context's channel j is V's output row j
        qkv = weights["qkv"] * s["qkv"]
        qkv[2 * hidden :] /= ao[:, None]
        weights["qkv"] = qkv
        biases["qkv"] = biases["qkv"].clone()
        biases["qkv"][2 * hidden :] /= ao
        weights["ao"] = weights["ao"] * ao
        weights["fi"] = weights["fi"] * s["fi"]
        after_attention = (layer.norms[0] / s["fi"], layer.norms[1] / s["fi"])
        after_ffn = layer.norms[2:]
        if n + 1 < len(layers):  # the next layer's products read this output
            following = scales[n + 1]["qkv"]
            after_ffn = (layer.norms[2] / following, layer.norms[3] / following)
        out.append(
            dataclasses.replace(
                layer,
                weights=weights,
                biases=biases,
                norms=after_attention + after_ffn,
                rescale=(s["qkv"], s["fi"]),
                enter=1 / s["qkv"] if n == 0 else None,
            )
        )
    return out


def _scales(maxima: Any, weight: Any) -> Any:
    """s_j = max|x_j|^a / max|W_:,j|^(1-a), for weight [out, in]."""
    columns = weight.abs().amax(dim=0).clamp_min(1e-5)
    return (maxima.clamp_min(1e-5).pow(ALPHA) / columns.pow(1 - ALPHA)).clamp_min(1e-5)


def packed_for(torch: Any, layers: list[Any], engine: str) -> list[Any]:
    """`layers` with their linears (but INT8_KEEPS_FP32) packed for `engine`'s int8 kernels:
    weights with one scale per output row (one for the whole matrix lost twice as much: cosine
    0.987 against 0.997 to fp32). A packing keeps its engine whichever is set when it runs."""
    from torch.ao.nn.quantized.modules.linear import LinearPackedParams

    def packed(weight: torch.Tensor, bias: torch.Tensor) -> Any:
        scales = (weight.abs().amax(dim=1) / 127.0).clamp_min(1e-12).double()
        zeros = torch.zeros(weight.shape[0], dtype=torch.long)
        module = LinearPackedParams(dtype=torch.qint8)  # type: ignore[no-untyped-call]
        module.set_weight_bias(
            torch.quantize_per_channel(weight, scales, zeros, 0, torch.qint8), bias
        )
        return module

    def int8(n: int, layer: Any) -> Any:
        weights, biases, modules = dict(layer.weights), dict(layer.biases), []
        for s in [s for s in weights if not {s, f"{s}:{n}"} & INT8_KEEPS_FP32]:
            modules.append(packed(weights[s], biases.pop(s)))
            weights[s] = modules[-1]._packed_params
        return dataclasses.replace(layer, weights=weights, biases=biases, modules=tuple(modules))

    was = torch.backends.quantized.engine
    try:
        torch.backends.quantized.engine = engine
        with warnings.catch_warnings():
            # Quantized tensors are deprecated for a future PyTorch; the pinned one has them.
            warnings.simplefilter("ignore", UserWarning)
            return [int8(n, layer) for n, layer in enumerate(layers)]
    finally:
        torch.backends.quantized.engine = was

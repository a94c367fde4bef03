"""The interactive heatmap: one part's cells over the picture, each with its score on hover."""

from __future__ import annotations

import base64

import altair as alt
import cv2
import numpy as np
import pandas as pd

from posenet_core import NetworkOutputs, style

BACKGROUND_MAX_SIDE = 900  # the picture is embedded in the chart; no need for more pixels


def _data_url(image: np.ndarray) -> str:
    height, width = image.shape[:2]
    ratio = min(1.0, BACKGROUND_MAX_SIDE / max(height, width))
    if ratio < 1:
        image = cv2.resize(image, (round(width * ratio), round(height * ratio)), interpolation=cv2.INTER_AREA)
    ok, jpeg = cv2.imencode(".jpg", cv2.cvtColor(image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 85])
    if not ok:
        raise ValueError(f"could not encode a {width} x {height} picture as JPEG")
    return "data:image/jpeg;base64," + base64.b64encode(jpeg.tobytes()).decode("ascii")


def cell_table(outputs: NetworkOutputs, part: int) -> pd.DataFrame:
    """One row per output cell: its (y, x), its score for ``part`` and its extent in picture pixels."""
    scores = outputs.heatmap_scores[:, :, part]
    rows, cols = scores.shape
    ys, xs = np.mgrid[0:rows, 0:cols]
    scale_y, scale_x = outputs.scale_yx
    s = outputs.output_stride
    return pd.DataFrame(
        {
            "y": ys.ravel(),
            "x": xs.ravel(),
            "score": scores.ravel().astype(float),
            "left": (xs.ravel() - 0.5) * s * scale_x,
            "right": (xs.ravel() + 0.5) * s * scale_x,
            "top": (ys.ravel() - 0.5) * s * scale_y,
            "bottom": (ys.ravel() + 0.5) * s * scale_y,
        }
    )


def chart_size(image_size: tuple[int, int], box: tuple[int, int] = (760, 540)) -> tuple[int, int]:
    """(width, height) in screen pixels: the picture's aspect ratio, as large as fits in ``box``."""
    height, width = image_size
    ratio = min(box[0] / width, box[1] / height)
    return round(width * ratio), round(height * ratio)


def heatmap_over_image(image: np.ndarray, outputs: NetworkOutputs, part: int, part_name: str) -> alt.LayerChart:
    """Altair can only place the picture at a fixed pixel size, so the chart has a fixed size too."""
    height_px, width_px = image.shape[:2]
    width, chart_height = chart_size((height_px, width_px))
    x_scale = alt.Scale(domain=[0, width_px], nice=False, zero=False)
    y_scale = alt.Scale(domain=[0, height_px], nice=False, zero=False, reverse=True)
    axis = None
    picture = (
        alt.Chart(pd.DataFrame({"url": [_data_url(image)], "cx": [width_px / 2], "cy": [height_px / 2]}))
        # As large as the plotting area (the signals width and height), so picture and cells line up exactly.
        .mark_image(
            width=alt.ExprRef("width"), height=alt.ExprRef("height"), aspect=False, align="center", baseline="middle"
        )
        .encode(x=alt.X("cx:Q", scale=x_scale, axis=axis), y=alt.Y("cy:Q", scale=y_scale, axis=axis), url="url:N")
    )
    cells = (
        alt.Chart(cell_table(outputs, part))
        .mark_rect(stroke="#ffffff", strokeOpacity=0.08, strokeWidth=0.5, clip=True)
        .encode(
            x=alt.X("left:Q", scale=x_scale, axis=axis),
            x2="right:Q",
            y=alt.Y("top:Q", scale=y_scale, axis=axis),
            y2="bottom:Q",
            color=alt.Color("score:Q", scale=alt.Scale(scheme=style.COLOUR_MAP_NAME, domain=[0, 1]), legend=None),
            opacity=alt.Opacity("score:Q", scale=alt.Scale(domain=[0, 1], range=[0.12, 0.85]), legend=None),
            tooltip=[
                alt.Tooltip("y:Q", title="cell y"),
                alt.Tooltip("x:Q", title="cell x"),
                alt.Tooltip("score:Q", title=f"{part_name} score", format=".4f"),
            ],
        )
    )
    return alt.layer(picture, cells).properties(width=width, height=chart_height).configure_view(stroke=None)
